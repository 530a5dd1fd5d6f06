/**
 * Ctrl-C / SIGTERM: run `stop` once and exit 0 when it finishes; a second signal exits at once with code 130.
 */
export function installShutdownHandlers(stop: () => Promise<void>, log: (m: string) => void = console.log): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal} received, shutting down...`);
    stop().then(
      () => {
        log('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        console.error('shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

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

/**
 * One line for a failed start, naming what to do: a port in use gets the option that moves it; other errors their
 * message (the stack only with `DEBUG` set).
 */
export function describeStartError(err: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e && e.code === 'EADDRINUSE') {
    return (
      `port ${e.port ?? '?'} on ${e.address ?? '0.0.0.0'} is already in use; stop the other process or pick another ` +
      'port (--listenPort / --brokerPort / --namesrvPort / --healthPort)'
    );
  }
  if (err instanceof Error) return env.DEBUG ? (err.stack ?? err.message) : err.message;
  return String(err);
}

// `npm run bench -- <store|frames|producer|consumer|e2e> [options]`: prints one JSON line per interval and a final summary.
async function main(): Promise<void> {
  const [kind, ...args] = process.argv.slice(2);
  switch (kind) {
    case 'store': {
      const { runStoreBench } = await import('./store-bench');
      await runStoreBench(args);
      return;
    }
    case 'frames': {
      const { runFrameBench } = await import('./frame-bench');
      await runFrameBench(args);
      return;
    }
    case 'producer':
    case 'consumer':
    case 'e2e': {
      const { runClientBench } = await import('./client-bench');
      await runClientBench(kind, args);
      return;
    }
    default:
      process.stderr.write('usage: npm run bench -- <store|frames|producer|consumer|e2e> [options]\n');
      process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

import { run } from './cli';

// `npm run cli -- <command> -n host:9876 [options]`: an mqadmin-style admin tool (see apps/cli/README.md).
run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

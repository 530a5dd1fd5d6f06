/**
 * Measures the dev server's cold start: from spawning `node dist/apps/dev-server/src/main.js` to the first send it
 * answers with SUCCESS, on a fresh store each run. Build first (`npm run build`), then:
 *
 *   node dist/apps/dev-server/src/measure-cold-start.js [runs=5]
 *
 * Uses ports 29876 / 30911 on 127.0.0.1 and temporary directories it removes.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode, encodeMessageProperties } from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';

const BROKER = '127.0.0.1:30911';

async function once(): Promise<number> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-cold-'));
  const client = new RemotingClient({
    channelMaxIdleTimeMs: 0,
    connectTimeoutMs: 200,
    reconnectBackoffInitialMs: 2,
    reconnectBackoffMaxMs: 5,
  });
  client.start();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'main.js'), '--namesrvPort', '29876', '--brokerPort', '30911', '--healthPort', '-1'],
    { cwd, stdio: 'ignore' },
  );
  try {
    for (;;) {
      const request = RemotingCommand.createRequest(
        RequestCode.SEND_MESSAGE_V2,
        {
          a: 'PG',
          b: 'ColdStartTopic',
          c: 'TBW102',
          d: 4,
          e: 0,
          f: 0,
          g: Date.now(),
          h: 0,
          i: encodeMessageProperties({ WAIT: 'true' }),
          k: false,
          m: false,
        },
        Buffer.from('cold'),
      );
      try {
        const res = await client.invoke(BROKER, request, 1000);
        if (res.code === ResponseCode.SUCCESS) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > 30_000) throw new Error('the dev server did not accept a send within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    await client.shutdown();
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(Math.round(await once()));
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `cold start to first accepted send, ms: ${times.join(', ')} (median ${sorted[Math.floor(sorted.length / 2)]})`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

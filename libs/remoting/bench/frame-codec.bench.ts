/**
 * Remoting codec micro-benchmark: frames/s for encode, FrameDecoder decode (64 KiB chunks) and a loopback
 * request/response round trip. Run after `npm run build`:
 *
 *   node dist/libs/remoting/bench/frame-codec.bench.js [seconds-per-case, default 1]
 */
import { performance } from 'node:perf_hooks';
import { FrameDecoder, RemotingClient, RemotingCommand, RemotingServer, SerializeType } from '@rocketnest/remoting';

const seconds = Number(process.argv[2] ?? 1);

/** A SEND_MESSAGE_V2-shaped request: 13 short header fields and a 1 KiB body. */
function sample(type: SerializeType): RemotingCommand {
  const cmd = RemotingCommand.createRequest(
    310,
    {
      a: 'bench_producer_group',
      b: 'BenchTopic',
      c: 'TBW102',
      d: 4,
      e: 1,
      f: 0,
      g: Date.now(),
      h: 0,
      i: 'TAGS\u0001TagA\u0002KEYS\u0001key-1\u0002UNIQ_KEY\u00017F0000010B6418B4AAC2',
      j: 0,
      k: false,
      m: false,
      n: 'broker-a',
    },
    Buffer.alloc(1024, 0x61),
  );
  cmd.serializeType = type;
  return cmd;
}

function rate(label: string, fn: () => number): void {
  let frames = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) frames += fn();
  const elapsed = (performance.now() - start) / 1000;
  console.log(`${label.padEnd(36)} ${Math.round(frames / elapsed).toLocaleString('en-US')} frames/s`);
}

async function roundTrip(type: SerializeType): Promise<void> {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  server.registerProcessor(310, () => RemotingCommand.createResponse(0, undefined, { msgId: 'X', queueId: 1 }));
  await server.start();
  const client = new RemotingClient({ serializeType: type });
  client.start();
  const addr = `127.0.0.1:${server.port}`;
  const concurrency = 64;
  let done = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await client.invoke(addr, sample(type), 3000);
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  console.log(
    `${`round trip ${type === 0 ? 'JSON' : 'ROCKETMQ'} (64 in flight)`.padEnd(36)} ${Math.round(done / elapsed).toLocaleString('en-US')} requests/s`,
  );
  await client.shutdown();
  await server.shutdown();
}

async function main(): Promise<void> {
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ] as const) {
    const name = type === 0 ? 'JSON' : 'ROCKETMQ';
    const cmd = sample(type);
    rate(`encode ${name} (1 KiB body)`, () => {
      for (let i = 0; i < 1000; i++) cmd.encode();
      return 1000;
    });
    const batch = Buffer.concat(Array.from({ length: 1000 }, () => cmd.encode()));
    rate(`decode ${name} (64 KiB chunks)`, () => {
      const d = new FrameDecoder();
      let n = 0;
      for (let pos = 0; pos < batch.length; pos += 65536) n += d.push(batch.subarray(pos, pos + 65536)).length;
      return n;
    });
  }
  await roundTrip(SerializeType.JSON);
  await roundTrip(SerializeType.ROCKETMQ);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

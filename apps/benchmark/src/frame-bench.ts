/**
 * Remoting codec micro-benchmark: `npm run bench -- frames [--seconds 1]`.
 * Frames/s for RemotingCommand.encode, FrameDecoder decode (64 KiB chunks) and a loopback request/response round trip
 * (64 in flight), for JSON and ROCKETMQ headers. The request is SEND_MESSAGE_V2-shaped: 13 short header fields and a
 * 1 KiB body. Prints one JSON line per case and a summary line.
 */
import { performance } from 'node:perf_hooks';
import { RequestCode, ResponseCode } from '@rocketnest/common';
import { FrameDecoder, RemotingClient, RemotingCommand, RemotingServer, SerializeType } from '@rocketnest/remoting';

type HeaderType = (typeof SerializeType)[keyof typeof SerializeType];

function sample(type: HeaderType): RemotingCommand {
  const cmd = RemotingCommand.createRequest(
    RequestCode.SEND_MESSAGE_V2,
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

const headerName = (type: HeaderType): string => (type === SerializeType.JSON ? 'JSON' : 'ROCKETMQ');

/** Runs `fn` (returning how many frames it handled) for `seconds` and returns frames per second. */
function rate(seconds: number, fn: () => number): number {
  let frames = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) frames += fn();
  return Math.round(frames / ((performance.now() - start) / 1000));
}

async function roundTrip(seconds: number, type: HeaderType): Promise<number> {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  server.registerProcessor(RequestCode.SEND_MESSAGE_V2, () =>
    RemotingCommand.createResponse(ResponseCode.SUCCESS, undefined, { msgId: 'X', queueId: 1 }),
  );
  await server.start();
  const client = new RemotingClient({ serializeType: type });
  client.start();
  const addr = `127.0.0.1:${server.port}`;
  let done = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (performance.now() < end) {
          await client.invoke(addr, sample(type), 3000);
          done++;
        }
      }),
    );
  } finally {
    await client.shutdown();
    await server.shutdown();
  }
  return Math.round(done / ((performance.now() - start) / 1000));
}

export async function runFrameBench(args: string[]): Promise<void> {
  const i = args.indexOf('--seconds');
  const seconds = i >= 0 ? Number(args[i + 1]) : 1;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--seconds must be a positive number`);
  const summary: Record<string, number> = {};
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ] as const) {
    const name = headerName(type);
    const cmd = sample(type);
    const encode = rate(seconds, () => {
      for (let n = 0; n < 1000; n++) cmd.encode();
      return 1000;
    });
    const batch = Buffer.concat(Array.from({ length: 1000 }, () => cmd.encode()));
    const decode = rate(seconds, () => {
      const decoder = new FrameDecoder();
      let n = 0;
      for (let pos = 0; pos < batch.length; pos += 65536) n += decoder.push(batch.subarray(pos, pos + 65536)).length;
      return n;
    });
    const rtt = await roundTrip(seconds, type);
    for (const [k, v] of Object.entries({
      encodeFramesPerSec: encode,
      decodeFramesPerSec: decode,
      roundTripsPerSec: rtt,
    })) {
      process.stdout.write(`${JSON.stringify({ header: name, case: k, value: v })}\n`);
      summary[`${k}${name === 'JSON' ? 'Json' : 'RocketMQ'}`] = v;
    }
  }
  process.stdout.write(`${JSON.stringify({ summary: 'frames', bodyBytes: 1024, ...summary })}\n`);
}

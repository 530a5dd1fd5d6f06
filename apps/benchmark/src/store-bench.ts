/**
 * `npm run bench -- store [--size 1024] [--count 500000] [--flush async|sync] [--concurrency N] [--queues 8]
 *  [--readback] [--index true|false] [--dir PATH] [--raw true|false] [--floor]`
 *
 * Appends `count` messages of `size` body bytes with `concurrency` concurrent appenders (default 256 for async, 64 for
 * sync), then optionally pulls every message back. Before that it measures the raw sequential write bandwidth of the
 * same disk with plain positional `FileHandle.write` calls of 1 MiB (the same total bytes), twice: on a virtual machine
 * the first pass also pays for memory the guest touches for the first time (page cache pages the store then reuses), so
 * the ratio is taken against the faster pass. Prints one JSON line.
 * `--floor` also times a bare loop writing the same records (the record encoder, body CRC and 4 MiB positional writes,
 * nothing else): the most any store doing that work per message in one JavaScript thread could reach here.
 * RSS is sampled every 100 ms over the whole run (`maxRssMB`); `cpuUsPerMsg` is the process CPU time (user + system, all
 * threads) of the append phase per message.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bodyCrc32, encodeMessageRecord, MessageExtBrokerInner, measureMessageRecord } from '@rocketnest/common';
import { DefaultMessageStore } from '@rocketnest/store';

interface StoreBenchOptions {
  size: number;
  count: number;
  flush: 'async' | 'sync';
  concurrency: number;
  queues: number;
  readback: boolean;
  index: boolean;
  raw: boolean;
  floor: boolean;
  dir: string | undefined;
}

function parseArgs(args: string[]): StoreBenchOptions {
  const get = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = args[i + 1];
    return v === undefined || v.startsWith('--') ? 'true' : v;
  };
  const flush = get('flush') ?? 'async';
  if (flush !== 'async' && flush !== 'sync') throw new Error(`--flush must be async or sync, got ${flush}`);
  const num = (name: string, dflt: number): number => {
    const v = get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
    return n;
  };
  return {
    size: num('size', 1024),
    count: num('count', 500000),
    flush,
    concurrency: num('concurrency', flush === 'sync' ? 64 : 256),
    queues: Math.max(1, num('queues', 8)),
    readback: get('readback') === 'true',
    index: get('index') !== 'false',
    raw: get('raw') !== 'false',
    floor: get('floor') === 'true',
    dir: get('dir'),
  };
}

/** Sequential positional writes of 1 MiB blocks: the disk's append bandwidth as Node sees it, MB/s. */
async function rawWriteBandwidth(dir: string, totalBytes: number): Promise<number> {
  const file = path.join(dir, 'raw-write.bin');
  const block = Buffer.alloc(1024 * 1024, 7);
  const fh = await fsp.open(file, 'w');
  const t0 = performance.now();
  try {
    for (let pos = 0; pos < totalBytes; pos += block.length) {
      const n = Math.min(block.length, totalBytes - pos);
      await fh.write(block, 0, n, pos);
    }
  } finally {
    await fh.close();
  }
  const sec = (performance.now() - t0) / 1000;
  await fsp.rm(file, { force: true });
  return totalBytes / 1e6 / sec;
}

/**
 * The floor: `count` records encoded by the same encoder into 4 MiB buffers with their body CRC, each buffer written with
 * one positional write when full. No queue offsets, promises, dispatch, consume queue or index. Returns msg/s and MB/s.
 */
async function bareAppendLoop(dir: string, o: StoreBenchOptions): Promise<{ msgsPerSec: number; mbPerSec: number }> {
  const file = path.join(dir, 'floor.bin');
  const fh = await fsp.open(file, 'w');
  const slab = Buffer.allocUnsafeSlow(4 * 1024 * 1024);
  const m = new MessageExtBrokerInner();
  m.topic = 'BenchmarkTest';
  m.body = Buffer.alloc(o.size, 'x');
  m.bornHost = { address: '127.0.0.1', port: 50000 };
  m.storeHost = { address: '127.0.0.1', port: 10911 };
  const uniqKey = (i: number) => `7F0000010001${i.toString(16).padStart(20, '0')}`;
  m.properties = { TAGS: 'TagA', WAIT: 'true', UNIQ_KEY: uniqKey(0) };
  const layout = measureMessageRecord(m);
  let used = 0;
  let filePos = 0;
  let bytes = 0;
  const t0 = performance.now();
  try {
    for (let i = 0; i < o.count; i++) {
      if (used + layout.totalSize > slab.length) {
        await fh.write(slab, 0, used, filePos);
        filePos += used;
        used = 0;
      }
      // A new key per record as a real put has; same length every time, so the layout holds.
      m.properties.UNIQ_KEY = uniqKey(i);
      layout.propertiesString = m.syncPropertiesString();
      m.queueId = i % o.queues;
      m.queueOffset = Math.floor(i / o.queues);
      m.commitLogOffset = filePos + used;
      m.bornTimestamp = m.storeTimestamp = Date.now();
      m.bodyCRC = bodyCrc32(m.body);
      encodeMessageRecord(m, slab, used, layout);
      used += layout.totalSize;
      bytes += layout.totalSize;
    }
    if (used > 0) await fh.write(slab, 0, used, filePos);
  } finally {
    await fh.close();
  }
  const sec = (performance.now() - t0) / 1000;
  await fsp.rm(file, { force: true });
  return { msgsPerSec: o.count / sec, mbPerSec: bytes / 1e6 / sec };
}

/** Latency histogram in 10 µs buckets up to 10 s (constant memory, so it does not skew the RSS figure). */
class LatencyHistogram {
  private readonly buckets = new Uint32Array(1_000_001);
  private n = 0;
  max = 0;

  record(ms: number): void {
    this.buckets[Math.min(this.buckets.length - 1, Math.floor(ms * 100))]!++;
    this.n++;
    if (ms > this.max) this.max = ms;
  }

  percentile(p: number): number {
    const rank = Math.ceil(this.n * p);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank && seen > 0) return (i + 1) / 100;
    }
    return this.max;
  }
}

export async function runStoreBench(args: string[]): Promise<void> {
  // Before the first threadpool job: flushes (fdatasync) must not starve reads and writes of the 4 default threads.
  process.env.UV_THREADPOOL_SIZE ??= '16';
  const o = parseArgs(args);
  const dir = o.dir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'rn-store-bench-')));
  let maxRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage.rss());
  }, 100);
  try {
    const body = Buffer.alloc(o.size, 'x');
    // Stored record = body + ~91 bytes of header + topic + properties (+ UNIQ_KEY).
    const approxRecord = o.size + 91 + 13 + 60;
    const rawPasses = o.raw
      ? [await rawWriteBandwidth(dir, approxRecord * o.count), await rawWriteBandwidth(dir, approxRecord * o.count)]
      : [];
    const rawMBps = rawPasses.length > 0 ? Math.max(...rawPasses) : 0;
    const floor = o.floor ? await bareAppendLoop(dir, o) : undefined;

    const store = new DefaultMessageStore({
      storePathRootDir: path.join(dir, 'store'),
      flushDiskType: o.flush === 'sync' ? 'SYNC_FLUSH' : 'ASYNC_FLUSH',
      messageIndexEnable: o.index,
      // The benchmark's own temp dir may sit on a nearly full disk; do not refuse puts for that.
      diskSpaceWarningLevelRatio: 1.01,
    });
    await store.start();
    const latencies = new LatencyHistogram();
    let next = 0;
    let failed = 0;
    let bytes = 0;
    const uniqPrefix = `7F000001${(process.pid & 0xffff).toString(16).padStart(4, '0')}`;
    const bornHost = { address: '127.0.0.1', port: 50000 };
    const storeHost = { address: '127.0.0.1', port: 10911 };
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const appender = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= o.count) return;
        const m = new MessageExtBrokerInner();
        m.topic = 'BenchmarkTest';
        m.queueId = i % o.queues;
        m.body = body;
        m.bornTimestamp = Date.now();
        // One object per host, as the broker has (born host cached per connection, one store host).
        m.bornHost = bornHost;
        m.storeHost = storeHost;
        m.properties = {
          TAGS: 'TagA',
          WAIT: 'true',
          UNIQ_KEY: uniqPrefix + i.toString(16).padStart(20, '0'),
        };
        m.syncPropertiesString();
        const s = performance.now();
        const r = await store.putMessage(m);
        latencies.record(performance.now() - s);
        if (r.status === 'PUT_OK') bytes += r.appendResult!.wroteBytes;
        else if (r.status === 'OS_PAGE_CACHE_BUSY') {
          // Back-pressure: retry this message after the queue drains a little.
          next = Math.min(next, i);
          failed++;
          await new Promise((res) => setTimeout(res, 1));
        } else failed++;
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, () => appender()));
    const appendSec = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await store.waitDispatched();
    const dispatchSec = (performance.now() - t0) / 1000;

    let readMsgs = 0;
    let readSec = 0;
    if (o.readback) {
      const r0 = performance.now();
      for (let q = 0; q < o.queues; q++) {
        let offset = 0;
        const max = store.getMaxOffsetInQueue('BenchmarkTest', q);
        while (offset < max) {
          const r = await store.getMessage('bench', 'BenchmarkTest', q, offset, 32, 256 * 1024);
          if (r.messageCount === 0) throw new Error(`read back stalled at ${q}:${offset}: ${r.status}`);
          readMsgs += r.messageCount;
          offset = r.nextBeginOffset;
        }
      }
      readSec = (performance.now() - r0) / 1000;
    }
    await store.shutdown();
    clearInterval(rssTimer);
    maxRss = Math.max(maxRss, process.memoryUsage.rss());

    const msgsPerSec = o.count / appendSec;
    const mbPerSec = bytes / 1e6 / appendSec;
    const line = {
      bench: 'store',
      flush: o.flush,
      size: o.size,
      count: o.count,
      concurrency: o.concurrency,
      queues: o.queues,
      index: o.index,
      seconds: round(appendSec),
      msgsPerSec: Math.round(msgsPerSec),
      mbPerSec: round(mbPerSec),
      p50AppendMs: round(latencies.percentile(0.5)),
      p99AppendMs: round(latencies.percentile(0.99)),
      maxAppendMs: round(latencies.max),
      // Process CPU (user + system, all threads) per appended message: steadier than msgsPerSec on a shared machine.
      cpuUsPerMsg: round((cpu.user + cpu.system) / o.count),
      rawWriteMBps: round(rawMBps),
      rawWritePassesMBps: rawPasses.map(round),
      ratioToRaw: rawMBps > 0 ? round(mbPerSec / rawMBps) : null,
      floor: floor
        ? {
            msgsPerSec: Math.round(floor.msgsPerSec),
            mbPerSec: round(floor.mbPerSec),
            ratioToRaw: rawMBps > 0 ? round(floor.mbPerSec / rawMBps) : null,
          }
        : null,
      dispatchDoneSeconds: round(dispatchSec),
      failedOrRetriedPuts: failed,
      readback: o.readback
        ? { messages: readMsgs, seconds: round(readSec), msgsPerSec: Math.round(readMsgs / readSec) }
        : null,
      maxRssMB: Math.round(maxRss / 1e6),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    clearInterval(rssTimer);
    if (!o.dir) await fsp.rm(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

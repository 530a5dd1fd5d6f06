/*
 * Client benchmark, after Apache RocketMQ's `benchmark/producer.sh` / `consumer.sh`:
 *
 *   npm run bench -- producer [--namesrv host:9876] [--topic RocketNestBench] [--size 1024] [--threads 16]
 *                             [--duration 10] [--batch 1] [--async] [--interval 1]
 *   npm run bench -- consumer [--namesrv ...] [--topic ...] [--count 50000] [--size 1024] [--group ...]
 *   npm run bench -- e2e      [--namesrv ...] [--topic ...] [--rate 10000] [--duration 10] [--size 1024]
 *
 * Without --namesrv an EmbeddedRocketMQ (name server + broker on 127.0.0.1, temp store) is started in this process.
 * Prints one JSON line per interval and a final `"summary":true` line (msgsPerSec, p50Ms, p99Ms, maxMs, errors).
 */
import { Message, type MessageExt } from '@rocketnest/common';
import {
  ConsumeConcurrentlyStatus,
  ConsumeFromWhere,
  DefaultMQAdminExt,
  DefaultMQProducer,
  DefaultMQPushConsumer,
} from '@rocketnest/client';

interface BenchOptions {
  namesrv?: string;
  topic: string;
  size: number;
  threads: number;
  durationSec: number;
  batch: number;
  async: boolean;
  intervalSec: number;
  count: number;
  rate: number;
  group: string;
  queues: number;
}

export function parseBenchArgs(args: string[]): BenchOptions {
  const get = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    if (i >= 0) return args[i + 1];
    const eq = args.find((a) => a.startsWith(`--${name}=`));
    return eq?.slice(name.length + 3);
  };
  const num = (name: string, dflt: number): number => {
    const v = get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${v}"`);
    return n;
  };
  return {
    namesrv: get('namesrv') ?? process.env.NAMESRV_ADDR,
    topic: get('topic') ?? 'RocketNestBench',
    size: num('size', 1024),
    threads: Math.max(1, num('threads', 16)),
    durationSec: num('duration', 10),
    batch: Math.max(1, num('batch', 1)),
    async: args.includes('--async'),
    intervalSec: Math.max(0.1, num('interval', 1)),
    count: num('count', 50000),
    rate: num('rate', 10000),
    group: get('group') ?? `bench_${process.pid}_${Date.now()}`,
    queues: Math.max(1, num('queues', 8)),
  };
}

/** Latency samples with percentiles. */
class Histogram {
  private samples: number[] = [];
  count = 0;
  max = 0;
  add(ms: number): void {
    this.samples.push(ms);
    this.count++;
    if (ms > this.max) this.max = ms;
  }
  percentile(p: number): number {
    if (this.samples.length === 0) return 0;
    const sorted = Float64Array.from(this.samples).sort();
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }
  reset(): void {
    this.samples = [];
    this.count = 0;
    this.max = 0;
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

function line(obj: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

async function withCluster<T>(opts: BenchOptions, fn: (namesrv: string) => Promise<T>): Promise<T> {
  if (opts.namesrv) return fn(opts.namesrv);
  const { EmbeddedRocketMQ } = await import('@rocketnest/broker');
  const mq = await EmbeddedRocketMQ.start();
  process.stderr.write(`started an embedded name server at ${mq.namesrvAddr} and broker at ${mq.brokerAddr}\n`);
  try {
    return await fn(mq.namesrvAddr);
  } finally {
    await mq.shutdown();
  }
}

async function ensureTopic(namesrv: string, opts: BenchOptions): Promise<void> {
  const admin = new DefaultMQAdminExt({ namesrvAddr: namesrv });
  await admin.start();
  try {
    await admin.createAndUpdateTopicConfig(
      {},
      { topicName: opts.topic, readQueueNums: opts.queues, writeQueueNums: opts.queues },
    );
  } finally {
    await admin.shutdown();
  }
  // let the broker's registration reach the name server
  await new Promise((r) => setTimeout(r, 300));
}

function payload(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = 97 + (i % 26);
  return b;
}

async function runProducer(opts: BenchOptions, namesrv: string): Promise<Record<string, unknown>> {
  await ensureTopic(namesrv, opts);
  const producer = new DefaultMQProducer({
    producerGroup: `${opts.group}_p`,
    namesrvAddr: namesrv,
    maxAsyncInFlight: opts.threads,
    compressMsgBodyOverHowmuch: Number.MAX_SAFE_INTEGER,
  });
  await producer.start();
  const body = payload(opts.size);
  const interval = new Histogram();
  const total = new Histogram();
  let errors = 0;
  let intervalErrors = 0;
  let sent = 0;
  const started = Date.now();
  const deadline = started + opts.durationSec * 1000;
  let tick = 1;
  const reporter = setInterval(() => {
    line({
      kind: 'producer',
      t: tick++,
      msgsPerSec: round((interval.count * opts.batch) / opts.intervalSec),
      p50Ms: round(interval.percentile(50)),
      p99Ms: round(interval.percentile(99)),
      maxMs: round(interval.max),
      errors: intervalErrors,
    });
    interval.reset();
    intervalErrors = 0;
  }, opts.intervalSec * 1000);
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const t0 = process.hrtime.bigint();
      try {
        if (opts.batch > 1) {
          await producer.send(Array.from({ length: opts.batch }, () => new Message(opts.topic, body)));
        } else if (opts.async) {
          await producer.sendAsync(new Message(opts.topic, body));
        } else {
          await producer.send(new Message(opts.topic, body));
        }
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        interval.add(ms);
        total.add(ms);
        sent += opts.batch;
      } catch {
        errors++;
        intervalErrors++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.threads }, worker));
  clearInterval(reporter);
  const elapsed = (Date.now() - started) / 1000;
  await producer.shutdown();
  return {
    kind: 'producer',
    summary: true,
    messages: sent,
    seconds: round(elapsed),
    msgsPerSec: round(sent / elapsed),
    p50Ms: round(total.percentile(50)),
    p99Ms: round(total.percentile(99)),
    maxMs: round(total.max),
    errors,
    size: opts.size,
    inFlight: opts.threads,
    batch: opts.batch,
  };
}

async function prefill(namesrv: string, opts: BenchOptions, count: number): Promise<void> {
  const producer = new DefaultMQProducer({
    producerGroup: `${opts.group}_fill`,
    namesrvAddr: namesrv,
    compressMsgBodyOverHowmuch: Number.MAX_SAFE_INTEGER,
  });
  await producer.start();
  const body = payload(opts.size);
  let next = 0;
  const batch = 32;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = Math.min(batch, count - next);
      next += n;
      await producer.send(Array.from({ length: n }, () => new Message(opts.topic, body)));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await producer.shutdown();
}

async function runConsumer(opts: BenchOptions, namesrv: string): Promise<Record<string, unknown>> {
  await ensureTopic(namesrv, opts);
  process.stderr.write(`pre-filling ${opts.count} messages of ${opts.size} bytes\n`);
  await prefill(namesrv, opts, opts.count);
  const consumer = new DefaultMQPushConsumer({
    consumerGroup: `${opts.group}_c`,
    namesrvAddr: namesrv,
    consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
    consumeThreadMax: 64,
    consumeMessageBatchMaxSize: 32,
    pullBatchSize: 32,
  });
  consumer.subscribe(opts.topic, '*');
  const interval = new Histogram();
  let consumed = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  consumer.registerMessageListener({
    consumeMessage: (msgs: MessageExt[]) => {
      const now = Date.now();
      for (const m of msgs) interval.add(now - m.storeTimestamp);
      consumed += msgs.length;
      if (consumed >= opts.count) done();
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    },
  });
  const started = Date.now();
  let tick = 1;
  let last = 0;
  const reporter = setInterval(() => {
    line({ kind: 'consumer', t: tick++, msgsPerSec: round((consumed - last) / opts.intervalSec), consumed });
    last = consumed;
  }, opts.intervalSec * 1000);
  await consumer.start();
  await Promise.race([finished, new Promise((r) => setTimeout(r, Math.max(opts.durationSec, 60) * 1000))]);
  const elapsed = (Date.now() - started) / 1000;
  clearInterval(reporter);
  await consumer.shutdown();
  return {
    kind: 'consumer',
    summary: true,
    messages: consumed,
    seconds: round(elapsed),
    msgsPerSec: round(consumed / elapsed),
    storeToConsumeP50Ms: round(interval.percentile(50)),
    storeToConsumeP99Ms: round(interval.percentile(99)),
    errors: consumed >= opts.count ? 0 : opts.count - consumed,
  };
}

async function runE2e(baseOpts: BenchOptions, namesrv: string, topicGiven: boolean): Promise<Record<string, unknown>> {
  // Latency is measured on a fresh topic unless one is named: a new group would otherwise first drain the backlog
  // that earlier runs left behind (it starts at offset 0 on a young topic, as with Apache RocketMQ).
  const opts = topicGiven ? baseOpts : { ...baseOpts, topic: `${baseOpts.topic}_e2e_${Date.now()}` };
  await ensureTopic(namesrv, opts);
  const consumer = new DefaultMQPushConsumer({
    consumerGroup: `${opts.group}_e2e`,
    namesrvAddr: namesrv,
    consumeThreadMax: 64,
    consumeMessageBatchMaxSize: 16,
  });
  consumer.subscribe(opts.topic, '*');
  const interval = new Histogram();
  const total = new Histogram();
  let received = 0;
  consumer.registerMessageListener({
    consumeMessage: (msgs: MessageExt[]) => {
      const now = Date.now();
      for (const m of msgs) {
        // A new group on a young topic starts at offset 0: messages of earlier runs are not this run's latency.
        if (m.getUserProperty('benchRun') !== opts.group) continue;
        const sentAt = Number(m.getUserProperty('sentAt') ?? m.bornTimestamp);
        interval.add(now - sentAt);
        total.add(now - sentAt);
        received++;
      }
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    },
  });
  await consumer.start();
  // Wait until every queue of the first rebalance has its start offset: a new group starting from the last offset
  // would skip messages stored while it is still reading them.
  for (let i = 0; i < 100 && !consumer.queuesReady(); i++) await new Promise((r) => setTimeout(r, 100));
  const producer = new DefaultMQProducer({
    producerGroup: `${opts.group}_e2e_p`,
    namesrvAddr: namesrv,
    maxAsyncInFlight: 256,
    compressMsgBodyOverHowmuch: Number.MAX_SAFE_INTEGER,
  });
  await producer.start();
  const body = payload(opts.size);
  let sent = 0;
  let errors = 0;
  const started = Date.now();
  const deadline = started + opts.durationSec * 1000;
  let tick = 1;
  let lastSent = 0;
  const reporter = setInterval(() => {
    line({
      kind: 'e2e',
      t: tick++,
      sendPerSec: round((sent - lastSent) / opts.intervalSec),
      p50Ms: round(interval.percentile(50)),
      p99Ms: round(interval.percentile(99)),
      maxMs: round(interval.max),
      received,
      errors,
    });
    lastSent = sent;
    interval.reset();
  }, opts.intervalSec * 1000);
  const pending = new Set<Promise<unknown>>();
  while (Date.now() < deadline) {
    const due = Math.floor(((Date.now() - started) / 1000) * opts.rate);
    while (sent < due && pending.size < 256) {
      const m = new Message(opts.topic, body);
      m.putUserProperty('sentAt', String(Date.now()));
      m.putUserProperty('benchRun', opts.group);
      sent++;
      const p = producer.sendAsync(m).catch(() => void errors++);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  const drainUntil = Date.now() + 10000;
  while (received < sent - errors && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  clearInterval(reporter);
  const elapsed = (Date.now() - started) / 1000;
  await producer.shutdown();
  await consumer.shutdown();
  return {
    kind: 'e2e',
    summary: true,
    targetRate: opts.rate,
    sent,
    received,
    seconds: round(elapsed),
    msgsPerSec: round(sent / opts.durationSec),
    p50Ms: round(total.percentile(50)),
    p99Ms: round(total.percentile(99)),
    maxMs: round(total.max),
    errors: errors + Math.max(0, sent - errors - received),
  };
}

export async function runClientBench(kind: string, args: string[]): Promise<void> {
  const opts = parseBenchArgs(args);
  const summary = await withCluster(opts, (namesrv) =>
    kind === 'producer'
      ? runProducer(opts, namesrv)
      : kind === 'consumer'
        ? runConsumer(opts, namesrv)
        : runE2e(
            opts,
            namesrv,
            args.some((a) => a === '--topic' || a.startsWith('--topic=')),
          ),
  );
  line(summary);
}

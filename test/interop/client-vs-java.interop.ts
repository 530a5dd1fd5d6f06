/**
 * Interop check: @rocketnest/client against a running RocketMQ cluster (real Apache RocketMQ 4.9.4 / 5.2.0, or
 * RocketNest itself). Not part of `npm test`; run through test/interop/run.sh, or by hand after compiling:
 *
 *   node dist/test/interop/client-vs-java.interop.js --namesrv 127.0.0.1:9876 [--label rmq494] [--txWaitMs 90000]
 *
 * Each step prints `PASS <name> (<ms> ms)` or `FAIL <name>: <reason>`; the last line is a JSON summary and the exit
 * code is the number of failed steps (capped at 100).
 */
import {
  ConsumeConcurrentlyStatus,
  ConsumeFromWhere,
  ConsumeOrderlyStatus,
  DefaultLitePullConsumer,
  DefaultMQAdminExt,
  DefaultMQProducer,
  DefaultMQPushConsumer,
  LocalTransactionState,
  SendStatus,
  TransactionMQProducer,
} from '@rocketnest/client';
import { Message, type MessageExt } from '@rocketnest/common';

interface Args {
  namesrv: string;
  label: string;
  txWaitMs: number;
  timeoutMs: number;
}

function parseArgs(argv: string[]): Args {
  const out: Args = {
    namesrv: process.env.NAMESRV_ADDR ?? '127.0.0.1:9876',
    label: 'peer',
    txWaitMs: 90000,
    timeoutMs: 20000,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    if (key === '--namesrv') out.namesrv = value;
    else if (key === '--label') out.label = value;
    else if (key === '--txWaitMs') out.txWaitMs = Number(value);
    else if (key === '--timeoutMs') out.timeoutMs = Number(value);
    else throw new Error(`unknown option ${key}`);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const run = `${Date.now() % 1000000}`;
const name = (prefix: string): string => `Interop${prefix}_${run}`;
const FAST = {
  clientIP: '127.0.0.1',
  pollNameServerIntervalMs: 1000,
  heartbeatBrokerIntervalMs: 1000,
  persistConsumerOffsetIntervalMs: 500,
  rebalanceIntervalMs: 1000,
  brokerSuspendMaxTimeMillis: 1000,
} as const;

async function waitFor<T>(cond: () => T | Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms: ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}

interface Outcome {
  step: string;
  ok: boolean;
  ms: number;
  error?: string;
}
const outcomes: Outcome[] = [];
const closers: Array<() => Promise<void>> = [];

async function step(stepName: string, fn: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  try {
    await fn();
    outcomes.push({ step: stepName, ok: true, ms: Date.now() - t0 });
    console.log(`PASS ${stepName} (${Date.now() - t0} ms)`);
  } catch (err) {
    const error = err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err);
    outcomes.push({ step: stepName, ok: false, ms: Date.now() - t0, error });
    console.log(`FAIL ${stepName}: ${error}`);
  }
}

async function main(): Promise<void> {
  console.log(`client-vs-java against ${args.label} (name server ${args.namesrv}), run ${run}`);
  const admin = new DefaultMQAdminExt({ namesrvAddr: args.namesrv, clientIP: '127.0.0.1' });
  await admin.start();
  closers.push(() => admin.shutdown());
  let clusterName = 'DefaultCluster';
  let brokerAddr = '';

  await step('admin: cluster info, topic list', async () => {
    const info = await admin.examineBrokerClusterInfo();
    const first = [...info.clusterAddrTable.keys()][0];
    check(first !== undefined, 'no cluster in clusterAddrTable');
    clusterName = first!;
    const brokerName = info.clusterAddrTable.get(clusterName)![0]!;
    brokerAddr = info.brokerAddrTable.get(brokerName)?.brokerAddrs.get(0) ?? '';
    check(/^[\d.]+:\d+$/.test(brokerAddr), `no master address for ${brokerName}`);
    const topics = await admin.fetchAllTopicList();
    check(topics.includes('TBW102'), `topic list lacks TBW102: ${topics.slice(0, 10).join(',')}`);
  });

  const topics = {
    plain: name('Plain'),
    order: name('Order'),
    req: name('Req'),
    tx: name('Tx'),
    delay: name('Delay'),
    pull: name('Pull'),
  };
  await step('admin: create topics on the cluster and see their routes', async () => {
    for (const t of Object.values(topics)) {
      await admin.createAndUpdateTopicConfig({ clusterName }, { topicName: t, readQueueNums: 4, writeQueueNums: 4 });
    }
    for (const t of Object.values(topics)) {
      await waitFor(async () => (await admin.examineTopicRouteInfo(t)).queueDatas.length > 0, 10000, `route of ${t}`);
    }
  });

  const producer = new DefaultMQProducer({
    ...FAST,
    namesrvAddr: args.namesrv,
    producerGroup: name('PG'),
    instanceName: name('p'),
  });
  await producer.start();
  closers.push(() => producer.shutdown());

  // Transactions first: a real broker checks back only every transactionCheckInterval (60 s in 4.9.4).
  const txChecked: string[] = [];
  const txProducer = new TransactionMQProducer({
    ...FAST,
    namesrvAddr: args.namesrv,
    producerGroup: name('TxPG'),
    instanceName: name('tx'),
    transactionListener: {
      executeLocalTransaction: (msg) => {
        const body = msg.body.toString();
        if (body === 'commit') return LocalTransactionState.COMMIT_MESSAGE;
        if (body === 'rollback') return LocalTransactionState.ROLLBACK_MESSAGE;
        return LocalTransactionState.UNKNOW;
      },
      checkLocalTransaction: (msg) => {
        txChecked.push(msg.body.toString());
        return LocalTransactionState.COMMIT_MESSAGE;
      },
    },
  });
  await txProducer.start();
  closers.push(() => txProducer.shutdown());
  await step('transaction: half messages commit / rollback / unknown', async () => {
    const c = await txProducer.sendMessageInTransaction(new Message(topics.tx, 'commit'), 1);
    check(
      c.sendStatus === SendStatus.SEND_OK && c.localTransactionState === LocalTransactionState.COMMIT_MESSAGE,
      `commit: ${JSON.stringify(c)}`,
    );
    const r = await txProducer.sendMessageInTransaction(new Message(topics.tx, 'rollback'));
    check(r.localTransactionState === LocalTransactionState.ROLLBACK_MESSAGE, `rollback: ${r.localTransactionState}`);
    const u = await txProducer.sendMessageInTransaction(new Message(topics.tx, 'check-me'));
    check(u.localTransactionState === LocalTransactionState.UNKNOW, `unknown: ${u.localTransactionState}`);
  });
  const txStarted = Date.now();

  const sent: { msgId: string; offsetMsgId: string; body: string }[] = [];
  await step('send: sync, async, callback, oneway, batch, large (compressed) body', async () => {
    const sync = await producer.send(
      new Message(topics.plain, 'sync', { tags: 'TagA', keys: ['k1', 'k2'], properties: { p: 'v' } }),
    );
    check(sync.sendStatus === SendStatus.SEND_OK, `sync status ${sync.sendStatus}`);
    check(
      /^[0-9A-F]{32}$/.test(sync.msgId) && /^[0-9A-F]{32}$/.test(sync.offsetMsgId),
      `ids ${sync.msgId} ${sync.offsetMsgId}`,
    );
    sent.push({ msgId: sync.msgId, offsetMsgId: sync.offsetMsgId, body: 'sync' });
    const a = await producer.sendAsync(new Message(topics.plain, 'async', { tags: 'TagB' }));
    check(a.sendStatus === SendStatus.SEND_OK, 'async');
    sent.push({ msgId: a.msgId, offsetMsgId: a.offsetMsgId, body: 'async' });
    const cb = await new Promise<string>((resolve, reject) =>
      producer.send(new Message(topics.plain, 'callback', { tags: 'TagA' }), (err, res) =>
        err ? reject(err) : resolve(res!.msgId),
      ),
    );
    check(cb.length === 32, 'callback id');
    await producer.sendOneway(new Message(topics.plain, 'oneway', { tags: 'TagA' }));
    const batch = await producer.send(['b1', 'b2', 'b3'].map((b) => new Message(topics.plain, b, { tags: 'TagA' })));
    check(batch.sendStatus === SendStatus.SEND_OK && batch.msgId.split(',').length === 3, `batch ids ${batch.msgId}`);
    const big = await producer.send(new Message(topics.plain, Buffer.alloc(20000, 'z'), { tags: 'TagA' }));
    check(big.sendStatus === SendStatus.SEND_OK, 'big');
  });

  await step('push consumer (concurrently, tag filter, from first offset) receives exactly what was sent', async () => {
    const got: MessageExt[] = [];
    const c = new DefaultMQPushConsumer({
      ...FAST,
      namesrvAddr: args.namesrv,
      consumerGroup: name('CG'),
      instanceName: name('c'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
    });
    c.subscribe(topics.plain, 'TagA || TagB');
    c.registerMessageListener({
      consumeMessage: (msgs) => {
        got.push(...msgs);
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    try {
      await waitFor(() => got.length >= 8, args.timeoutMs, `8 messages, got ${got.length}`);
      const bodies = got.map((m) => (m.body.length > 100 ? `big${m.body.length}` : m.body.toString())).sort();
      check(
        JSON.stringify(bodies) ===
          JSON.stringify(['async', 'b1', 'b2', 'b3', 'big20000', 'callback', 'oneway', 'sync']),
        `bodies ${JSON.stringify(bodies)}`,
      );
      const first = got.find((m) => m.body.toString() === 'sync')!;
      check(
        first.tags === 'TagA' && first.keys === 'k1 k2' && first.getUserProperty('p') === 'v',
        'tags/keys/properties',
      );
      check(first.msgId === sent[0]!.msgId, `msgId ${first.msgId} != ${sent[0]!.msgId}`);
      check(got.find((m) => m.body.length === 20000)!.body.equals(Buffer.alloc(20000, 'z')), 'big body intact');
      await waitFor(
        async () => (await admin.examineConsumeStats(name('CG'), topics.plain)).diffTotal === 0,
        10000,
        'lag 0',
      );
    } finally {
      await c.shutdown();
    }
  });

  await step('orderly: selector sends + orderly push consumer keep per-key order', async () => {
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    const n = 10;
    for (let seq = 0; seq < n; seq++) {
      for (const key of keys) {
        await producer.send(new Message(topics.order, `${key}-${seq}`, { properties: { key, seq: String(seq) } }), {
          selector: (mqs, _m, arg) => mqs[Number(String(arg).slice(1)) % mqs.length]!,
          arg: key,
        });
      }
    }
    const perKey = new Map<string, number[]>();
    let total = 0;
    const c = new DefaultMQPushConsumer({
      ...FAST,
      namesrvAddr: args.namesrv,
      consumerGroup: name('OCG'),
      instanceName: name('oc'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
      consumeMessageBatchMaxSize: 3,
    });
    c.subscribe(topics.order, '*');
    c.registerMessageListener({
      kind: 'orderly',
      consumeMessage: (msgs) => {
        for (const m of msgs) {
          const key = m.getUserProperty('key')!;
          perKey.set(key, [...(perKey.get(key) ?? []), Number(m.getUserProperty('seq'))]);
          total++;
        }
        return ConsumeOrderlyStatus.SUCCESS;
      },
    });
    await c.start();
    try {
      await waitFor(
        () => total >= keys.length * n,
        args.timeoutMs,
        `${keys.length * n} ordered messages, got ${total}`,
      );
      for (const key of keys) {
        const seqs = perKey.get(key) ?? [];
        check(JSON.stringify(seqs) === JSON.stringify([...Array(n).keys()]), `order of ${key}: ${seqs.join(',')}`);
      }
    } finally {
      await c.shutdown();
    }
  });

  await step('request-reply: request() answered by a lite pull replier through <cluster>_REPLY_TOPIC', async () => {
    const replier = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: args.namesrv,
      consumerGroup: name('RepG'),
      instanceName: name('rep'),
    });
    replier.subscribe(topics.req, '*');
    await replier.start();
    const replyProducer = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: args.namesrv,
      producerGroup: name('RepPG'),
      instanceName: name('rp'),
    });
    await replyProducer.start();
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        for (const msg of await replier.poll(200)) await replyProducer.sendReply(msg, `re:${msg.body.toString()}`);
      }
    })();
    try {
      await waitFor(() => replier.assignment().length === 4, 10000, 'replier assignment');
      const reply = await producer.request(new Message(topics.req, 'ping'), 10000);
      check(reply.body.toString() === 're:ping', `reply body ${reply.body.toString()}`);
    } finally {
      stop = true;
      await loop;
      await replyProducer.shutdown();
      await replier.shutdown();
    }
  });

  await step('delay level 1 (1 s): delivered no earlier than 1 s after sending', async () => {
    const m = new Message(topics.delay, 'later');
    m.delayTimeLevel = 1;
    const t0 = Date.now();
    await producer.send(m);
    const got: number[] = [];
    const c = new DefaultMQPushConsumer({
      ...FAST,
      namesrvAddr: args.namesrv,
      consumerGroup: name('DCG'),
      instanceName: name('dc'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
    });
    c.subscribe(topics.delay, '*');
    c.registerMessageListener({
      consumeMessage: () => {
        got.push(Date.now() - t0);
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    try {
      await waitFor(() => got.length >= 1, args.timeoutMs, 'delayed message');
      check(got[0]! >= 900, `arrived after ${got[0]} ms`);
    } finally {
      await c.shutdown();
    }
  });

  await step('lite pull: assign + seekToBegin + poll, and subscribe mode', async () => {
    for (let i = 0; i < 8; i++) await producer.send(new Message(topics.pull, `lp${i}`));
    const assignC = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: args.namesrv,
      consumerGroup: name('LPA'),
      instanceName: name('lpa'),
      autoCommit: false,
    });
    await assignC.start();
    try {
      const mqs = await assignC.fetchMessageQueues(topics.pull);
      check(mqs.length === 4, `queues ${mqs.length}`);
      assignC.assign(mqs);
      for (const mq of mqs) await assignC.seekToBegin(mq);
      const got: string[] = [];
      await waitFor(
        async () => {
          got.push(...(await assignC.poll(300)).map((m) => m.body.toString()));
          return got.length >= 8;
        },
        args.timeoutMs,
        `8 pulled, got ${got.length}`,
      );
      check(new Set(got).size === 8, `distinct ${got.join(',')}`);
    } finally {
      await assignC.shutdown();
    }
    const subC = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: args.namesrv,
      consumerGroup: name('LPS'),
      instanceName: name('lps'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
    });
    subC.subscribe(topics.pull, '*');
    await subC.start();
    try {
      const got: string[] = [];
      await waitFor(
        async () => {
          got.push(...(await subC.poll(300)).map((m) => m.body.toString()));
          return got.length >= 8;
        },
        args.timeoutMs,
        `8 via subscribe, got ${got.length}`,
      );
      await subC.commitSync();
    } finally {
      await subC.shutdown();
    }
  });

  await step('admin: topic stats, view by offset id, query by key and unique key, consume stats, runtime', async () => {
    const stats = await admin.examineTopicStats(topics.plain);
    check(stats.reduce((s, q) => s + q.maxOffset, 0) === 8, `maxOffset sum ${JSON.stringify(stats)}`);
    const viewed = await admin.viewMessage(sent[0]!.offsetMsgId);
    check(viewed.body.toString() === 'sync', `viewMessage body ${viewed.body.toString()}`);
    const byKey = await waitFor(
      async () => {
        const r = await admin.queryMessage(topics.plain, 'k2');
        return r.length > 0 ? r : undefined;
      },
      10000,
      'queryMessage k2',
    );
    check(byKey[0]!.body.toString() === 'sync', 'query by key body');
    const byUniq = await admin.queryMessageByUniqKey(topics.plain, sent[1]!.msgId);
    check(byUniq.body.toString() === 'async', 'query by unique key body');
    const rt = await admin.fetchBrokerRuntimeStats(brokerAddr);
    check(Number(rt.msgPutTotalTodayNow ?? '-1') >= 0, `runtime ${Object.keys(rt).length} keys`);
  });

  await step('transaction: committed + checked-back messages consumable, rolled back one not', async () => {
    const got: string[] = [];
    const c = new DefaultMQPushConsumer({
      ...FAST,
      namesrvAddr: args.namesrv,
      consumerGroup: name('TCG'),
      instanceName: name('tc'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
    });
    c.subscribe(topics.tx, '*');
    c.registerMessageListener({
      consumeMessage: (msgs) => {
        got.push(...msgs.map((m) => m.body.toString()));
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    try {
      const left = Math.max(args.timeoutMs, args.txWaitMs - (Date.now() - txStarted));
      await waitFor(
        () => got.includes('check-me'),
        left,
        `check-back commit (checked: ${txChecked.join(',')}; got: ${got.join(',')})`,
      );
      check(got.includes('commit') && !got.includes('rollback'), `tx bodies ${got.join(',')}`);
      check(txChecked.includes('check-me'), 'checkLocalTransaction was called');
    } finally {
      await c.shutdown();
    }
  });
}

main()
  .catch((err: unknown) => {
    outcomes.push({ step: 'setup', ok: false, ms: 0, error: err instanceof Error ? err.message : String(err) });
    console.log(`FAIL setup: ${err instanceof Error ? err.stack : String(err)}`);
  })
  .finally(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    const failed = outcomes.filter((o) => !o.ok).length;
    console.log(
      JSON.stringify({ label: args.label, namesrv: args.namesrv, passed: outcomes.length - failed, failed, outcomes }),
    );
    process.exit(Math.min(failed, 100));
  });

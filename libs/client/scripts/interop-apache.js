#!/usr/bin/env node
/*
 * By-hand interop check of @rocketnest/client against a real Apache RocketMQ name server + broker (not part of npm test).
 *
 *   npm run build
 *   /tmp/peers/bin/rmq494.sh start            # or rmq520.sh start (name server 127.0.0.1:9877)
 *   node libs/client/scripts/interop-apache.js 127.0.0.1:9876
 *
 * Covers: admin topic creation and cluster info, sync/batch/compressed/oneway sends, push consumption with a
 * RECONSUME_LATER round trip through %RETRY%, a transactional commit, consume stats and connections, view by offset
 * msgId, lite pull (assign + seek), orderly consumption across a rebalance (two members), request-reply.
 * Exits 1 on the first failed check.
 */
const path = require('node:path');
const dist = path.resolve(__dirname, '../../../dist');
const { Message } = require(`${dist}/libs/common/src`);
const c = require(`${dist}/libs/client/src`);

const ns = process.argv[2] || '127.0.0.1:9876';
const fast = {
  namesrvAddr: ns,
  clientIP: '127.0.0.1',
  pollNameServerIntervalMs: 1000,
  rebalanceIntervalMs: 1000,
  heartbeatBrokerIntervalMs: 1000,
  lockIntervalMs: 1000,
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (cond, ms) => {
  const t = Date.now();
  while (!cond() && Date.now() - t < ms) await sleep(100);
  return cond();
};
let failures = 0;
const check = (name, ok, detail = '') => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name} ${detail}`);
  if (!ok) failures++;
};

(async () => {
  const suffix = Date.now() % 100000;
  const topic = `RnInterop${suffix}`;
  const admin = new c.DefaultMQAdminExt({ ...fast, instanceName: 'interop-admin' });
  await admin.start();
  await admin.createAndUpdateTopicConfig({}, { topicName: topic, readQueueNums: 4, writeQueueNums: 4 });
  const cluster = await admin.examineBrokerClusterInfo();
  check('cluster info', cluster.clusterAddrTable.size > 0, JSON.stringify([...cluster.clusterAddrTable]));
  await sleep(1000);

  const p = new c.DefaultMQProducer({ ...fast, producerGroup: 'rn_interop_pg', instanceName: 'interop-p' });
  await p.start();
  const r1 = await p.send(new Message(topic, 'hello', { tags: 'TagA', keys: 'k1' }));
  check('sync send', r1.sendStatus === 'SEND_OK', `${r1.msgId} ${r1.offsetMsgId}`);
  const r2 = await p.send([new Message(topic, 'b1'), new Message(topic, 'b2')]);
  check('batch send', r2.sendStatus === 'SEND_OK' && r2.msgId.split(',').length === 2);
  const r3 = await p.send(new Message(topic, Buffer.alloc(10000, 'c')));
  check('compressed send', r3.sendStatus === 'SEND_OK');
  await p.sendOneway(new Message(topic, 'oneway'));

  const got = [];
  let failedOnce = false;
  const cons = new c.DefaultMQPushConsumer({
    ...fast,
    consumerGroup: `rn_interop_cg${suffix}`,
    instanceName: 'interop-c',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    maxReconsumeTimes: 1,
  });
  cons.subscribe(topic, '*');
  cons.registerMessageListener({
    consumeMessage: (msgs, ctx) => {
      for (const m of msgs) {
        if (m.body.toString() === 'hello' && !failedOnce) {
          failedOnce = true;
          ctx.delayLevelWhenNextConsume = 1;
          return 'RECONSUME_LATER';
        }
        got.push(
          `${m.body.length > 100 ? `c*${m.body.length}` : m.body.toString()}/r${m.reconsumeTimes}/${m.topic === topic}`,
        );
      }
      return 'CONSUME_SUCCESS';
    },
  });
  await cons.start();
  await until(() => got.length >= 5, 30000);
  check(
    'push consume incl. retry',
    ['b1/r0/true', 'b2/r0/true', 'c*10000/r0/true', 'hello/r1/true', 'oneway/r0/true'].every((x) => got.includes(x)),
    JSON.stringify(got.sort()),
  );

  const tx = new c.TransactionMQProducer({
    ...fast,
    producerGroup: 'rn_interop_tx',
    instanceName: 'interop-tx',
    transactionListener: {
      executeLocalTransaction: () => 'COMMIT_MESSAGE',
      checkLocalTransaction: () => 'COMMIT_MESSAGE',
    },
  });
  await tx.start();
  const tr = await tx.sendMessageInTransaction(new Message(topic, 'tx-commit'));
  await until(() => got.some((x) => x.startsWith('tx-commit')), 20000);
  check(
    'transaction commit consumed',
    tr.localTransactionState === 'COMMIT_MESSAGE' && got.some((x) => x.startsWith('tx-commit')),
  );
  await sleep(1500);
  const stats = await admin.examineConsumeStats(cons.groupName, topic);
  check('consume stats', stats.offsetTable.length === 4, `lag ${stats.diffTotal}`);
  const conn = await admin.examineConsumerConnectionInfo(cons.groupName);
  check('consumer connections', conn.connectionSet.length === 1, JSON.stringify(conn.connectionSet));
  const view = await admin.viewMessage(r1.offsetMsgId);
  check('view message', view.body.toString() === 'hello' && view.tags === 'TagA' && view.keys === 'k1');

  const lite = new c.DefaultLitePullConsumer({
    ...fast,
    consumerGroup: 'rn_interop_lite',
    instanceName: 'interop-lite',
    autoCommit: false,
  });
  await lite.start();
  const mqs = await lite.fetchMessageQueues(topic);
  lite.assign(mqs);
  for (const mq of mqs) lite.seek(mq, 0);
  const pulled = [];
  const t0 = Date.now();
  while (pulled.length < 6 && Date.now() - t0 < 15000) pulled.push(...(await lite.poll(500)));
  check('lite pull', pulled.length >= 6, `${pulled.length} messages`);

  // orderly across a rebalance
  const otopic = `RnOrd${suffix}`;
  await admin.createAndUpdateTopicConfig({}, { topicName: otopic, readQueueNums: 4, writeQueueNums: 4 });
  await sleep(1000);
  const seqs = new Map();
  const mk = (name) => {
    const k = new c.DefaultMQPushConsumer({
      ...fast,
      consumerGroup: `rn_ord_${suffix}`,
      instanceName: name,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    k.subscribe(otopic, '*');
    k.registerMessageListener({
      kind: 'orderly',
      consumeMessage: (msgs) => {
        for (const m of msgs) {
          const key = m.getUserProperty('key');
          (seqs.get(key) || seqs.set(key, []).get(key)).push(Number(m.getUserProperty('seq')));
        }
        return 'SUCCESS';
      },
    });
    return k;
  };
  const send = async (from, to) => {
    for (let s = from; s < to; s++)
      for (const key of ['k0', 'k1', 'k2', 'k3'])
        await p.send(new Message(otopic, key + s, { properties: { key, seq: String(s) } }), {
          selector: (list, _m, arg) => list[Number(arg.slice(1)) % list.length],
          arg: key,
        });
  };
  const oa = mk('interop-oa');
  await oa.start();
  await send(0, 20);
  const ob = mk('interop-ob');
  await ob.start();
  await send(20, 40);
  const uniqueCount = () => [...seqs.values()].reduce((s, l) => s + new Set(l).size, 0);
  await until(() => uniqueCount() >= 160, 30000);
  const inOrder = [...seqs.values()].every((l) => {
    const f = l.filter((x, i) => l.indexOf(x) === i);
    return f.every((x, i) => i === 0 || x > f[i - 1]);
  });
  check(
    'orderly across rebalance',
    uniqueCount() === 160 && inOrder,
    `owned ${oa.assignedQueues().length}+${ob.assignedQueues().length}`,
  );

  // request-reply
  const rt = `RnReq${suffix}`;
  await admin.createAndUpdateTopicConfig({}, { topicName: rt, readQueueNums: 1, writeQueueNums: 1 });
  await sleep(1000);
  const replier = new c.DefaultMQProducer({ ...fast, producerGroup: 'rn_interop_rp', instanceName: 'interop-rp' });
  await replier.start();
  const rc = new c.DefaultMQPushConsumer({
    ...fast,
    consumerGroup: `rn_interop_rc${suffix}`,
    instanceName: 'interop-rc',
  });
  rc.subscribe(rt, '*');
  rc.registerMessageListener({
    consumeMessage: async (msgs) => {
      for (const m of msgs) await replier.sendReply(m, `reply:${m.body.toString()}`);
      return 'CONSUME_SUCCESS';
    },
  });
  await rc.start();
  await until(() => rc.assignedQueues().length > 0, 10000);
  const reply = await p.request(new Message(rt, 'ping'), 10000);
  check('request-reply', reply.body.toString() === 'reply:ping');

  for (const x of [rc, replier, oa, ob, lite, tx, cons, p, admin]) await x.shutdown();
  console.log(failures === 0 ? 'ALL PASSED' : `${failures} FAILED`);
  process.exit(failures === 0 ? 0 : 1);
})().catch((e) => {
  console.error('FAILED', e);
  process.exit(1);
});

import { DefaultLitePullConsumer, MQClientManager } from '@rocketnest/client';
import { Message, RocketMQError, type MessageExt, type MessageQueue } from '@rocketnest/common';
import { CliUsageError, type CommandDef } from '../command';
import { describeMessage, formatTime, messageToJson, shortBody, table } from '../output';

const topicOpt = { short: 't', type: 'string', arg: '<topic>', description: 'topic name', required: true } as const;

export const queryMsgById: CommandDef = {
  name: 'queryMsgById',
  description:
    'Show messages by offset message id (store host + commit-log offset); several ids comma-separated. ' +
    "With -t, an id that is not an offset id is looked up as the producer's msgId",
  options: {
    msgId: { short: 'i', type: 'string', arg: '<msgId[,...]>', description: 'offset msgId', required: true },
    topic: { short: 't', type: 'string', arg: '<topic>', description: "topic, to fall back to the producer's msgId" },
  },
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = ctx.str('topic');
    const ids = ctx
      .req('msgId')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const found: MessageExt[] = [];
    for (const id of ids) {
      try {
        found.push(await admin.viewMessage(id));
      } catch (err) {
        if (topic === undefined) {
          if (err instanceof RocketMQError)
            throw new CliUsageError(
              `No message with offset id ${id} (${err.message}); for the producer's msgId use queryMsgByUniqueKey -t <topic> -i ${id}`,
              { cause: err },
            );
          throw err;
        }
        found.push(await admin.queryMessageByUniqKey(topic, id));
      }
    }
    return {
      json: ids.length === 1 ? messageToJson(found[0]!) : found.map(messageToJson),
      text: found.map(describeMessage).join('\n\n'),
    };
  },
};

export const queryMsgByKey: CommandDef = {
  name: 'queryMsgByKey',
  description: 'Find messages of a topic by key (KEYS property)',
  options: {
    topic: topicOpt,
    msgKey: { short: 'k', type: 'string', arg: '<key>', description: 'message key', required: true },
    beginTimestamp: { short: 'b', type: 'string', arg: '<ms>', description: 'stored at or after (default 0)' },
    endTimestamp: { short: 'e', type: 'string', arg: '<ms>', description: 'stored before (default now)' },
    maxNum: { short: 'c', type: 'string', arg: '<n>', description: 'at most this many (default 64)' },
  },
  async run(ctx) {
    const topic = ctx.req('topic');
    const key = ctx.req('msgKey');
    const begin = ctx.int('beginTimestamp', 0);
    const end = ctx.int('endTimestamp', Date.now() + 1000);
    const found = await (await ctx.admin()).queryMessage(topic, key, ctx.int('maxNum', 64, 1, 65536), begin, end);
    found.sort((a, b) => a.storeTimestamp - b.storeTimestamp);
    return {
      json: { topic, key, messages: found.map(messageToJson) },
      text: table(
        ['Message ID', 'Offset ID', 'QID', 'Offset', 'Store Time'],
        found.map((m) => [
          m.uniqKeyOrOffsetMsgId,
          m.offsetMsgId,
          m.queueId,
          m.queueOffset,
          formatTime(m.storeTimestamp),
        ]),
      ),
    };
  },
};

export const queryMsgByUniqueKey: CommandDef = {
  name: 'queryMsgByUniqueKey',
  description: "Show a message by the producer's msgId (UNIQ_KEY)",
  options: {
    topic: topicOpt,
    msgId: { short: 'i', type: 'string', arg: '<msgId>', description: "the producer's msgId", required: true },
  },
  async run(ctx) {
    const m = await (await ctx.admin()).queryMessageByUniqKey(ctx.req('topic'), ctx.req('msgId'));
    return { json: messageToJson(m), text: `MsgId:  ${m.uniqKeyOrOffsetMsgId}\n${describeMessage(m)}` };
  },
};

export const sendMessage: CommandDef = {
  name: 'sendMessage',
  description: 'Send one message',
  options: {
    topic: topicOpt,
    body: { short: 'p', type: 'string', arg: '<body>', description: 'message body (UTF-8)', required: true },
    keys: { short: 'k', type: 'string', arg: '<keys>', description: 'message keys' },
    tags: { short: 'c', type: 'string', arg: '<tags>', description: 'message tag' },
    brokerName: { short: 'b', type: 'string', arg: '<broker>', description: 'to this broker (with -i)' },
    queueId: { short: 'i', type: 'string', arg: '<qid>', description: 'to this queue (with -b)' },
  },
  async run(ctx) {
    const topic = ctx.req('topic');
    const brokerName = ctx.str('brokerName');
    const queueIdRaw = ctx.str('queueId');
    if ((brokerName === undefined) !== (queueIdRaw === undefined))
      throw new CliUsageError('-b <brokerName> and -i <queueId> go together');
    const msg = new Message(topic, ctx.req('body'), { keys: ctx.str('keys'), tags: ctx.str('tags') });
    const producer = await ctx.producer();
    const queue: MessageQueue | undefined =
      brokerName !== undefined ? { topic, brokerName, queueId: ctx.int('queueId', 0, 0, 65535) } : undefined;
    const r = await producer.send(msg, queue ? { queue, timeoutMs: ctx.timeoutMs } : { timeoutMs: ctx.timeoutMs });
    const json = {
      topic,
      brokerName: r.messageQueue.brokerName,
      queueId: r.messageQueue.queueId,
      queueOffset: r.queueOffset,
      sendStatus: r.sendStatus,
      msgId: r.msgId,
      offsetMsgId: r.offsetMsgId,
    };
    return {
      json,
      text: table(
        ['Broker Name', 'QID', 'Send Result', 'MsgId', 'OffsetMsgId'],
        [[json.brokerName, json.queueId, json.sendStatus, json.msgId, json.offsetMsgId]],
      ),
    };
  },
};

/** A queue still to read: next offset and the max offset when the command started. */
interface QueueProgress {
  mq: MessageQueue;
  next: number;
  end: number;
}

function mqKey(mq: MessageQueue): string {
  return `${mq.brokerName}@${mq.queueId}`;
}

export const consumeMessage: CommandDef = {
  name: 'consumeMessage',
  description:
    'Pull and print messages (lite pull). Without -g reads from each queue start and commits nothing; ' +
    "with -g continues from the group's committed offsets and commits what it printed",
  options: {
    topic: topicOpt,
    consumerGroup: { short: 'g', type: 'string', arg: '<group>', description: 'consume as this group' },
    count: { short: 'c', type: 'string', arg: '<n>', description: 'at most this many messages (default 128)' },
    brokerName: { short: 'b', type: 'string', arg: '<broker>', description: 'only this broker' },
    queueId: { short: 'i', type: 'string', arg: '<qid>', description: 'only this queue' },
    offset: { short: 'o', type: 'string', arg: '<offset>', description: 'start at this queue offset' },
    waitMs: { type: 'string', arg: '<ms>', description: 'stop after this long without messages (default 3000)' },
  },
  async run(ctx) {
    const topic = ctx.req('topic');
    const count = ctx.int('count', 128, 1, 1_000_000);
    const waitMs = ctx.int('waitMs', 3000, 0, 600_000);
    const group = ctx.str('consumerGroup');
    const onlyBroker = ctx.str('brokerName');
    const onlyQueue = ctx.str('queueId') === undefined ? undefined : ctx.int('queueId', 0, 0, 65535);
    const startOffset = ctx.str('offset') === undefined ? undefined : ctx.int('offset', 0);

    const stats = await (await ctx.admin()).examineTopicStats(topic);
    const selected = stats.filter(
      (s) =>
        (onlyBroker === undefined || s.mq.brokerName === onlyBroker) &&
        (onlyQueue === undefined || s.mq.queueId === onlyQueue),
    );
    if (selected.length === 0)
      throw new CliUsageError(
        `Topic ${topic} has no queue matching${onlyBroker ? ` -b ${onlyBroker}` : ''}${onlyQueue !== undefined ? ` -i ${onlyQueue}` : ''}`,
      );

    // Start offsets are known before the consumer starts, so its pull loops begin there (no seek racing a long poll).
    const committed = new Map<string, number>();
    if (group !== undefined && startOffset === undefined) {
      // Queues the group never committed report 0 here, which the clamp below turns into the queue's min offset.
      const cs = await (await ctx.admin()).examineConsumeStats(group, topic);
      for (const q of cs.offsetTable) committed.set(mqKey(q.mq), q.consumerOffset);
    }
    const progress = new Map<string, QueueProgress>();
    for (const s of selected) {
      const mq = { ...s.mq, topic };
      const from = startOffset ?? committed.get(mqKey(s.mq)) ?? s.minOffset;
      progress.set(mqKey(mq), { mq, next: Math.min(Math.max(from, s.minOffset), s.maxOffset), end: s.maxOffset });
    }

    const instanceName = ctx.instanceName('consumer');
    const suspendMs = Math.max(100, Math.min(waitMs, 1000));
    const consumer = new DefaultLitePullConsumer({
      consumerGroup: group ?? 'rocketnest_cli_consumer',
      namesrvAddr: ctx.namesrvAddr,
      instanceName,
      autoCommit: false,
      pullBatchSize: Math.min(32, count),
      brokerSuspendMaxTimeMillis: suspendMs,
      consumerTimeoutMillisWhenSuspend: suspendMs + ctx.timeoutMs,
      requestTimeoutMs: ctx.timeoutMs,
    });
    consumer.assign([...progress.values()].map((p) => p.mq));
    for (const p of progress.values()) consumer.seek(p.mq, p.next);
    await consumer.start();
    ctx.onClose(() => consumer.shutdown());
    if (group !== undefined) {
      // Register the group with the brokers now (as a subscribing consumer's first heartbeat would), so they create
      // its %RETRY% topic and consumerProgress / consumerConnection find it. The instance is the consumer's own.
      const client = MQClientManager.getOrCreate({ namesrvAddr: ctx.namesrvAddr, instanceName });
      try {
        await client.sendHeartbeatToAllBrokers();
      } finally {
        await client.release();
      }
    }

    const printed: MessageExt[] = [];
    const done = (): boolean => printed.length >= count || [...progress.values()].every((p) => p.next >= p.end);
    let idleSince = Date.now();
    while (!done() && Date.now() - idleSince < waitMs) {
      const batch = await consumer.poll(Math.min(500, waitMs));
      if (batch.length === 0) continue;
      idleSince = Date.now();
      for (const m of batch) {
        if (printed.length >= count) break;
        const p = progress.get(`${m.brokerName}@${m.queueId}`);
        if (p && m.queueOffset < p.next) continue; // already printed (a re-pull after seek)
        printed.push(m);
        if (p) p.next = m.queueOffset + 1;
      }
    }
    if (group !== undefined) {
      // Commit exactly what was printed: seek sets each queue's consume offset.
      for (const p of progress.values()) consumer.seek(p.mq, p.next);
      await consumer.commitSync();
    }
    return {
      json: { topic, consumerGroup: group, messages: printed.map(messageToJson) },
      text:
        table(
          ['Broker Name', 'QID', 'Offset', 'MsgId', 'Tags', 'Keys', 'Store Time', 'Body'],
          printed.map((m) => [
            m.brokerName || '-',
            m.queueId,
            m.queueOffset,
            m.uniqKeyOrOffsetMsgId,
            m.tags,
            m.keys,
            formatTime(m.storeTimestamp),
            shortBody(m.body),
          ]),
        ) + `\n\n${printed.length} message(s)`,
    };
  },
};

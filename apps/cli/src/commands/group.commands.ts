import type { SubscriptionGroupConfigInput } from '@rocketnest/client';
import type { CommandDef } from '../command';
import { parseResetTime } from '../time';
import { formatTime, keyValues, table } from '../output';

const target = {
  brokerAddr: { short: 'b', type: 'string', arg: '<host:port>', description: 'on this broker' },
  clusterName: { short: 'c', type: 'string', arg: '<cluster>', description: 'on every master of this cluster' },
} as const;
const group = { short: 'g', type: 'string', arg: '<group>', description: 'consumer group', required: true } as const;

export const updateSubGroup: CommandDef = {
  name: 'updateSubGroup',
  description: 'Create or update a subscription (consumer) group',
  options: {
    groupName: group,
    ...target,
    consumeEnable: { short: 's', type: 'string', arg: '<true|false>', description: 'consumption allowed' },
    consumeFromMinEnable: { short: 'm', type: 'string', arg: '<true|false>', description: 'consume from min offset' },
    consumeBroadcastEnable: { short: 'd', type: 'string', arg: '<true|false>', description: 'broadcast allowed' },
    consumeMessageOrderly: { short: 'o', type: 'string', arg: '<true|false>', description: 'orderly group' },
    retryQueueNums: { short: 'q', type: 'string', arg: '<n>', description: 'retry queues (default 1)' },
    retryMaxTimes: { short: 'r', type: 'string', arg: '<n>', description: 'max redeliveries (default 16)' },
    brokerId: { short: 'i', type: 'string', arg: '<id>', description: 'broker to consume from (default 0)' },
    whichBrokerWhenConsumeSlowly: { short: 'w', type: 'string', arg: '<id>', description: 'slave to use when slow' },
    notifyConsumerIdsChangedEnable: {
      short: 'a',
      type: 'string',
      arg: '<true|false>',
      description: 'notify consumers of membership changes',
    },
  },
  exactlyOneOf: [['brokerAddr', 'clusterName']],
  async run(ctx) {
    const config: SubscriptionGroupConfigInput = { groupName: ctx.req('groupName') };
    const bools = [
      'consumeEnable',
      'consumeFromMinEnable',
      'consumeBroadcastEnable',
      'consumeMessageOrderly',
      'notifyConsumerIdsChangedEnable',
    ] as const;
    for (const k of bools) {
      const v = ctx.boolWord(k);
      if (v !== undefined) config[k] = v;
    }
    const ints = ['retryQueueNums', 'retryMaxTimes', 'brokerId', 'whichBrokerWhenConsumeSlowly'] as const;
    for (const k of ints) if (ctx.str(k) !== undefined) config[k] = ctx.int(k, 0, 0, 1_000_000);
    const where = ctx.target();
    await (await ctx.admin()).createAndUpdateSubscriptionGroupConfig(where, config);
    const place = where.addr ?? `cluster ${where.clusterName}`;
    return {
      json: { ...where, subscriptionGroupConfig: config },
      text: `create subscription group to ${place} success.\n${JSON.stringify(config)}`,
    };
  },
};

export const deleteSubGroup: CommandDef = {
  name: 'deleteSubGroup',
  description: 'Delete a subscription group (and its offsets)',
  options: { groupName: group, ...target },
  exactlyOneOf: [['brokerAddr', 'clusterName']],
  async run(ctx) {
    const name = ctx.req('groupName');
    const where = ctx.target();
    await (await ctx.admin()).deleteSubscriptionGroup(where, name);
    const place = where.addr ?? `cluster ${where.clusterName}`;
    return {
      json: { ...where, groupName: name, deleted: true },
      text: `delete subscription group [${name}] from ${place} success.`,
    };
  },
};

export const consumerProgress: CommandDef = {
  name: 'consumerProgress',
  description: "Show a group's offsets and lag per queue",
  options: {
    groupName: group,
    topic: { short: 't', type: 'string', arg: '<topic>', description: 'only this topic' },
  },
  async run(ctx) {
    const stats = await (await ctx.admin()).examineConsumeStats(ctx.req('groupName'), ctx.str('topic'));
    const rows = [...stats.offsetTable].sort(
      (a, b) =>
        a.mq.topic.localeCompare(b.mq.topic) ||
        a.mq.brokerName.localeCompare(b.mq.brokerName) ||
        a.mq.queueId - b.mq.queueId,
    );
    return {
      json: {
        consumeTps: stats.consumeTps,
        diffTotal: stats.diffTotal,
        offsetTable: rows.map((q) => ({
          topic: q.mq.topic,
          brokerName: q.mq.brokerName,
          queueId: q.mq.queueId,
          brokerOffset: q.brokerOffset,
          consumerOffset: q.consumerOffset,
          diff: q.lag,
          lastTimestamp: q.lastTimestamp,
        })),
      },
      text:
        `${table(
          ['Topic', 'Broker Name', 'QID', 'Broker Offset', 'Consumer Offset', 'Diff', 'LastTime'],
          rows.map((q) => [
            q.mq.topic,
            q.mq.brokerName,
            q.mq.queueId,
            q.brokerOffset,
            q.consumerOffset,
            q.lag,
            formatTime(q.lastTimestamp),
          ]),
        )}\n\n` +
        keyValues([
          ['Consume TPS', stats.consumeTps],
          ['Diff Total', stats.diffTotal],
        ]),
    };
  },
};

export const consumerConnection: CommandDef = {
  name: 'consumerConnection',
  description: "Show a group's online clients and subscriptions",
  options: { groupName: group },
  async run(ctx) {
    const conn = await (await ctx.admin()).examineConsumerConnectionInfo(ctx.req('groupName'));
    const subs = Object.entries(conn.subscriptionTable).map(([topic, sd]) => {
      const s = sd as { subString?: unknown; expressionType?: unknown } | null;
      const text = (v: unknown, dflt: string): string => (typeof v === 'string' ? v : dflt);
      return [topic, text(s?.subString, '*'), text(s?.expressionType, 'TAG')];
    });
    const text = [
      table(
        ['#', 'ClientId', 'ClientAddr', 'Language', 'Version'],
        conn.connectionSet.map((c, i) => [i + 1, c.clientId, c.clientAddr, c.language, c.version]),
      ),
      '',
      'Below is subscription:',
      table(['Topic', 'SubExpression', 'Type'], subs),
      '',
      keyValues([
        ['ConsumeType', conn.consumeType],
        ['MessageModel', conn.messageModel],
        ['ConsumeFromWhere', conn.consumeFromWhere],
      ]),
    ].join('\n');
    return { json: conn, text };
  },
};

export const resetOffsetByTime: CommandDef = {
  name: 'resetOffsetByTime',
  description: "Reset a group's offsets of a topic to a point in time",
  options: {
    groupName: group,
    topic: { short: 't', type: 'string', arg: '<topic>', description: 'topic name', required: true },
    timestamp: {
      short: 's',
      type: 'string',
      arg: '<ms|yyyy-MM-dd#HH:mm:ss:SSS|now>',
      description: 'reset to the first message stored at or after this time',
      required: true,
    },
    force: {
      short: 'f',
      type: 'string',
      arg: '<true|false>',
      description: 'also move offsets backwards (default true)',
    },
  },
  async run(ctx) {
    const topic = ctx.req('topic');
    const groupName = ctx.req('groupName');
    const timestamp = parseResetTime(ctx.req('timestamp'));
    const offsets = await (
      await ctx.admin()
    ).resetOffsetByTimestamp(topic, groupName, timestamp, ctx.boolWord('force') ?? true);
    const rows = [...offsets]
      .map(([key, offset]) => {
        const [t = '', brokerName = '', queueId = '0'] = key.split('@');
        return { topic: t, brokerName, queueId: Number(queueId), offset };
      })
      .sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
    return {
      json: { topic, groupName, timestamp, offsets: rows },
      text: `reset offsets of group [${groupName}] on topic [${topic}] to ${formatTime(timestamp)} (${timestamp}).\n${table(
        ['Broker Name', 'QID', 'Offset'],
        rows.map((r) => [r.brokerName, r.queueId, r.offset]),
      )}`,
    };
  },
};

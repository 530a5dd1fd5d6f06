import { PermName, type TopicConfigInput } from '@rocketnest/client';
import { CliUsageError, type CommandDef } from '../command';
import { formatTime, table } from '../output';

const target = {
  brokerAddr: { short: 'b', type: 'string', arg: '<host:port>', description: 'on this broker' },
  clusterName: { short: 'c', type: 'string', arg: '<cluster>', description: 'on every master of this cluster' },
} as const;

function permText(perm: number): string {
  return `${perm & PermName.PERM_READ ? 'R' : '-'}${perm & PermName.PERM_WRITE ? 'W' : '-'}${perm & PermName.PERM_INHERIT ? 'X' : '-'}`;
}

export const topicList: CommandDef = {
  name: 'topicList',
  description: 'List every topic the name server knows',
  options: {},
  async run(ctx) {
    const topics = (await (await ctx.admin()).fetchAllTopicList()).sort();
    return { json: { topicList: topics }, text: topics.join('\n') };
  },
};

export const topicRoute: CommandDef = {
  name: 'topicRoute',
  description: "Show a topic's route: brokers and queues",
  options: { topic: { short: 't', type: 'string', arg: '<topic>', description: 'topic name', required: true } },
  async run(ctx) {
    const route = await (await ctx.admin()).examineTopicRouteInfo(ctx.req('topic'));
    const brokers = route.brokerDatas.flatMap((bd) =>
      [...bd.brokerAddrs].map(
        ([id, addr]) => [bd.cluster, bd.brokerName, id, addr] as [string, string, number, string],
      ),
    );
    const queues = route.queueDatas.map((q) => [q.brokerName, q.readQueueNums, q.writeQueueNums, permText(q.perm)]);
    return {
      json: route,
      text: `${table(['Cluster', 'Broker Name', 'BID', 'Addr'], brokers)}\n\n${table(
        ['Broker Name', 'Read Queues', 'Write Queues', 'Perm'],
        queues,
      )}`,
    };
  },
};

export const topicStatus: CommandDef = {
  name: 'topicStatus',
  description: "Show a topic's queues with min/max offsets",
  options: { topic: { short: 't', type: 'string', arg: '<topic>', description: 'topic name', required: true } },
  async run(ctx) {
    const stats = await (await ctx.admin()).examineTopicStats(ctx.req('topic'));
    stats.sort((a, b) => a.mq.brokerName.localeCompare(b.mq.brokerName) || a.mq.queueId - b.mq.queueId);
    return {
      json: {
        offsetTable: stats.map((s) => ({
          brokerName: s.mq.brokerName,
          queueId: s.mq.queueId,
          minOffset: s.minOffset,
          maxOffset: s.maxOffset,
          lastUpdateTimestamp: s.lastUpdateTimestamp,
        })),
      },
      text: table(
        ['Broker Name', 'QID', 'Min Offset', 'Max Offset', 'Last Updated'],
        stats.map((s) => [s.mq.brokerName, s.mq.queueId, s.minOffset, s.maxOffset, formatTime(s.lastUpdateTimestamp)]),
      ),
    };
  },
};

/** mqadmin's `-a +k=v,+k2=v2` attribute list. */
function parseAttributes(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\+?([^=]+)=(.*)$/.exec(part.trim());
    if (!m) throw new CliUsageError(`Bad attribute "${part}"; use +key=value[,+key=value]`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export const updateTopic: CommandDef = {
  name: 'updateTopic',
  description: 'Create or update a topic on a broker or a cluster',
  options: {
    topic: { short: 't', type: 'string', arg: '<topic>', description: 'topic name', required: true },
    ...target,
    readQueueNums: { short: 'r', type: 'string', arg: '<n>', description: 'read queues (default 8)' },
    writeQueueNums: { short: 'w', type: 'string', arg: '<n>', description: 'write queues (default 8)' },
    perm: {
      short: 'p',
      type: 'string',
      arg: '<2|4|6>',
      description: 'permission: 2 write, 4 read, 6 both (default 6)',
    },
    order: { short: 'o', type: 'string', arg: '<true|false>', description: 'ordered topic (default false)' },
    attributes: {
      short: 'a',
      type: 'string',
      arg: '<+k=v,...>',
      description: '5.x attributes, e.g. +message.type=FIFO',
    },
  },
  exactlyOneOf: [['brokerAddr', 'clusterName']],
  async run(ctx) {
    const config: TopicConfigInput = {
      topicName: ctx.req('topic'),
      readQueueNums: ctx.int('readQueueNums', 8, 1, 1024),
      writeQueueNums: ctx.int('writeQueueNums', 8, 1, 1024),
      perm: ctx.int('perm', 6, 0, 7),
      order: ctx.boolWord('order') ?? false,
    };
    const attrs = ctx.str('attributes');
    if (attrs !== undefined) config.attributes = parseAttributes(attrs);
    const where = ctx.target();
    await (await ctx.admin()).createAndUpdateTopicConfig(where, config);
    const place = where.addr ?? `cluster ${where.clusterName}`;
    return {
      json: { ...where, topicConfig: config },
      text: `create topic to ${place} success.\n${JSON.stringify(config)}`,
    };
  },
};

export const deleteTopic: CommandDef = {
  name: 'deleteTopic',
  description: 'Delete a topic from the brokers of a cluster and from the name servers',
  options: {
    topic: { short: 't', type: 'string', arg: '<topic>', description: 'topic name', required: true },
    clusterName: { short: 'c', type: 'string', arg: '<cluster>', description: 'cluster (default: every broker)' },
  },
  async run(ctx) {
    const topic = ctx.req('topic');
    const clusterName = ctx.str('clusterName');
    await (await ctx.admin()).deleteTopic(topic, clusterName);
    return {
      json: { topic, clusterName, deleted: true },
      text: `delete topic [${topic}] from ${clusterName ? `cluster [${clusterName}]` : 'every broker'} success.`,
    };
  },
};

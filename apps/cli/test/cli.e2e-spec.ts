import { EmbeddedRocketMQ } from '@rocketnest/broker';
import { DefaultLitePullConsumer } from '@rocketnest/client';
import { run, type CliIO } from '../src';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function waitFor(cond: () => Promise<boolean> | boolean, { timeoutMs = 5000, stepMs = 50 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

describe('cli (mqadmin-style) against EmbeddedRocketMQ', () => {
  let mq: EmbeddedRocketMQ;
  let ns: string;
  const uniq = `${process.pid}_${Date.now()}`;
  const topic = `CliTopic_${uniq}`;
  const group = `CliGroup_${uniq}`;

  async function cli(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env,
    };
    const code = await run(argv, io);
    return { code, stdout, stderr };
  }

  /** Runs with `-n <ns> --json` and parses stdout; fails with stderr when the exit code is not 0. */
  async function json<T = Record<string, unknown>>(...argv: string[]): Promise<T> {
    const r = await cli([...argv, '-n', ns, '--json']);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  beforeAll(async () => {
    mq = await EmbeddedRocketMQ.start();
    ns = mq.namesrvAddr;
  });

  afterAll(async () => {
    await mq.shutdown();
  });

  it('lists the cluster, creates a topic, sends, queries by key and id, consumes, tracks and resets progress', async () => {
    const cluster = await json<{
      brokers: Array<{ cluster: string; brokerName: string; addr: string; version?: string }>;
    }>('clusterList');
    expect(cluster.brokers).toHaveLength(1);
    const broker = cluster.brokers[0]!;
    expect(broker.addr).toBe(mq.brokerAddr);
    expect(broker.version).toMatch(/^V\d/);

    const created = await cli(['updateTopic', '-n', ns, '-t', topic, '-c', broker.cluster, '-r', '2', '-w', '2']);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain('success');
    await waitFor(async () => (await json<{ topicList: string[] }>('topicList')).topicList.includes(topic));
    const route = await json<{ queueDatas: Array<{ brokerName: string; writeQueueNums: number; perm: number }> }>(
      'topicRoute',
      '-t',
      topic,
    );
    expect(route.queueDatas).toEqual([
      expect.objectContaining({ brokerName: broker.brokerName, writeQueueNums: 2, perm: 6 }),
    ]);

    const sent: Array<{ msgId: string; offsetMsgId: string; sendStatus: string }> = [];
    for (let i = 0; i < 3; i++) {
      sent.push(await json('sendMessage', '-t', topic, '-p', `hello ${i}`, '-k', `key-${i}`, '-c', 'tagA'));
    }
    expect(sent.map((s) => s.sendStatus)).toEqual(['SEND_OK', 'SEND_OK', 'SEND_OK']);
    // a send is acknowledged once it is in the commit log; the consume queues follow (as in Java)
    await mq.broker.messageStore.waitDispatched();

    const status = await json<{ offsetTable: Array<{ queueId: number; maxOffset: number }> }>(
      'topicStatus',
      '-t',
      topic,
    );
    expect(status.offsetTable).toHaveLength(2);
    expect(status.offsetTable.reduce((s, q) => s + q.maxOffset, 0)).toBe(3);
    const statusText = await cli(['topicStatus', '-t', topic], { NAMESRV_ADDR: ns });
    expect(statusText.code).toBe(0);
    expect(statusText.stdout).toMatch(/^#Broker Name\s+#QID\s+#Min Offset\s+#Max Offset/);

    const byKey = await json<{ messages: Array<{ body: string; keys: string; msgId: string }> }>(
      'queryMsgByKey',
      '-t',
      topic,
      '-k',
      'key-1',
    );
    expect(byKey.messages).toEqual([
      expect.objectContaining({ body: 'hello 1', keys: 'key-1', msgId: sent[1]!.msgId }),
    ]);

    const byId = await json<{ body: string; tags: string }>('queryMsgById', '-i', sent[2]!.offsetMsgId);
    expect(byId).toMatchObject({ body: 'hello 2', tags: 'tagA' });
    const byIdText = await cli(['queryMsgById', '-n', ns, '-i', sent[2]!.offsetMsgId]);
    expect(byIdText.stdout).toMatch(/Message Body:\s+hello 2/);
    const byIdFallback = await json<{ body: string }>(
      'queryMsgById',
      '-i',
      sent[1]!.msgId,
      '-t',
      topic,
      '--timeout',
      '2000',
    );
    expect(byIdFallback.body).toBe('hello 1');
    const byUniq = await json<{ body: string; offsetMsgId: string }>(
      'queryMsgByUniqueKey',
      '-t',
      topic,
      '-i',
      sent[0]!.msgId,
    );
    expect(byUniq).toMatchObject({ body: 'hello 0', offsetMsgId: sent[0]!.offsetMsgId });

    // Without -g: reads everything, commits nothing.
    const peek = await json<{ messages: Array<{ body: string }> }>('consumeMessage', '-t', topic, '--waitMs', '2000');
    expect(peek.messages.map((m) => m.body).sort()).toEqual(['hello 0', 'hello 1', 'hello 2']);

    // -b/-i/-o pick one queue from an offset.
    const q1 = status.offsetTable.find((q) => q.maxOffset >= 2)?.queueId ?? -1;
    expect(q1).toBeGreaterThanOrEqual(0);
    const slice = await json<{ messages: Array<{ queueId: number; queueOffset: number }> }>(
      'consumeMessage',
      '-t',
      topic,
      '-b',
      broker.brokerName,
      '-i',
      String(q1),
      '-o',
      '1',
    );
    expect(slice.messages.length).toBeGreaterThan(0);
    expect(slice.messages.every((m) => m.queueId === q1)).toBe(true);
    expect(Math.min(...slice.messages.map((m) => m.queueOffset))).toBe(1);

    // With -g: consumes and commits, so the group's lag drops to 0.
    const consumed = await json<{ messages: Array<{ body: string }> }>('consumeMessage', '-t', topic, '-g', group);
    expect(consumed.messages.map((m) => m.body).sort()).toEqual(['hello 0', 'hello 1', 'hello 2']);
    // The broker registers the group's new %RETRY% topic with the name server in the background.
    await waitFor(async () => (await cli(['consumerProgress', '-n', ns, '-g', group])).code === 0);
    const progress = await json<{ diffTotal: number; offsetTable: Array<{ topic: string; consumerOffset: number }> }>(
      'consumerProgress',
      '-g',
      group,
    );
    expect(progress.diffTotal).toBe(0);
    expect(progress.offsetTable.filter((q) => q.topic === topic)).toHaveLength(2);
    const again = await json<{ messages: unknown[] }>('consumeMessage', '-t', topic, '-g', group, '--waitMs', '300');
    expect(again.messages).toHaveLength(0);

    // Reset to the beginning of time: lag 3 again, and a 2-message consume leaves lag 1.
    const reset = await json<{ offsets: Array<{ offset: number }> }>(
      'resetOffsetByTime',
      '-g',
      group,
      '-t',
      topic,
      '-s',
      '0',
    );
    expect(reset.offsets.map((o) => o.offset)).toEqual([0, 0]);
    expect((await json<{ diffTotal: number }>('consumerProgress', '-g', group, '-t', topic)).diffTotal).toBe(3);
    const two = await json<{ messages: unknown[] }>('consumeMessage', '-t', topic, '-g', group, '-c', '2');
    expect(two.messages).toHaveLength(2);
    expect((await json<{ diffTotal: number }>('consumerProgress', '-g', group)).diffTotal).toBe(1);
    // "now" moves each queue to its end (Java's broker keeps the newest message of each queue: lag 1 per queue).
    const resetNow = await json<{ offsets: Array<{ offset: number }> }>(
      'resetOffsetByTime',
      '-g',
      group,
      '-t',
      topic,
      '-s',
      'now',
    );
    expect(resetNow.offsets.reduce((sum, o) => sum + o.offset, 0)).toBeGreaterThan(0);
    expect((await json<{ diffTotal: number }>('consumerProgress', '-g', group)).diffTotal).toBeLessThan(3);
    const textReset = await cli([
      'resetOffsetByTime',
      '-n',
      ns,
      '-g',
      group,
      '-t',
      topic,
      '-s',
      '2020-01-01#00:00:00:000',
    ]);
    expect(textReset.stdout).toMatch(/reset offsets of group .*\n#Broker Name\s+#QID\s+#Offset/);
    expect((await json<{ diffTotal: number }>('consumerProgress', '-g', group)).diffTotal).toBe(3);
  });

  it('shows the connections of an online group and broker status', async () => {
    const onlineGroup = `CliOnline_${uniq}`;
    const onlineTopic = `CliOnlineTopic_${uniq}`;
    expect(
      (await cli(['updateTopic', '-n', ns, '-t', onlineTopic, '-b', mq.brokerAddr, '-r', '1', '-w', '1'])).code,
    ).toBe(0);
    const consumer = new DefaultLitePullConsumer({ consumerGroup: onlineGroup, namesrvAddr: ns, autoCommit: false });
    consumer.subscribe(onlineTopic, '*');
    await consumer.start();
    try {
      await waitFor(async () => (await cli(['consumerConnection', '-n', ns, '-g', onlineGroup])).code === 0);
      const conn = await json<{
        connectionSet: Array<{ language: string }>;
        subscriptionTable: Record<string, unknown>;
      }>('consumerConnection', '-g', onlineGroup);
      expect(conn.connectionSet).toHaveLength(1);
      expect(Object.keys(conn.subscriptionTable)).toContain(onlineTopic);
    } finally {
      await consumer.shutdown();
    }
    const stats = await json<Record<string, string>>('brokerStatus', '-b', mq.brokerAddr);
    expect(stats.brokerActive).toBe('true');
  });

  it('creates and deletes subscription groups and topics', async () => {
    const g = `CliSub_${uniq}`;
    const t = `CliDel_${uniq}`;
    expect((await cli(['updateSubGroup', '-n', ns, '-g', g, '-b', mq.brokerAddr, '-r', '3'])).code).toBe(0);
    expect(mq.broker.subscriptionGroupManager.containsSubscriptionGroup(g)).toBe(true);
    expect((await cli(['deleteSubGroup', '-n', ns, '-g', g, '-b', mq.brokerAddr])).code).toBe(0);
    expect(mq.broker.subscriptionGroupManager.containsSubscriptionGroup(g)).toBe(false);

    expect((await cli(['updateTopic', '-n', ns, '-t', t, '-b', mq.brokerAddr])).code).toBe(0);
    await waitFor(async () => (await json<{ topicList: string[] }>('topicList')).topicList.includes(t));
    expect((await cli(['deleteTopic', '-n', ns, '-t', t])).code).toBe(0);
    expect((await json<{ topicList: string[] }>('topicList')).topicList).not.toContain(t);
  });

  it('reports usage errors clearly', async () => {
    const unknown = await cli(['nosuchCommand', '-n', ns]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "nosuchCommand"');
    expect(unknown.stderr).toContain('consumerProgress');

    const none = await cli([]);
    expect(none.code).toBe(2);

    const help = await cli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('resetOffsetByTime');
    const cmdHelp = await cli(['help', 'updateTopic']);
    expect(cmdHelp.stdout).toContain('-t, --topic <topic>');

    const badFlag = await cli(['topicRoute', '-n', ns, '-t', 'x', '-z']);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/Unknown option '-z'/);

    const missing = await cli(['topicRoute', '-n', ns]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing -t <topic>');

    const both = await cli(['updateTopic', '-n', ns, '-t', 'x', '-b', mq.brokerAddr, '-c', 'DefaultCluster']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('exactly one of -b or -c');

    const noNamesrv = await cli(['topicList']);
    expect(noNamesrv.code).toBe(1);
    expect(noNamesrv.stderr).toContain('NAMESRV_ADDR');

    const badTime = await cli(['resetOffsetByTime', '-n', ns, '-g', 'g', '-t', 't', '-s', 'yesterday']);
    expect(badTime.code).toBe(1);
    expect(badTime.stderr).toContain('Bad time "yesterday"');

    const badInt = await cli(['updateTopic', '-n', ns, '-t', 'x', '-c', 'c', '-r', 'many']);
    expect(badInt.code).toBe(1);
    expect(badInt.stderr).toContain('--readQueueNums must be an integer');

    const noRoute = await cli(['topicRoute', '-n', ns, '-t', `Missing_${uniq}`, '--json']);
    expect(noRoute.code).toBe(1);
    expect((JSON.parse(noRoute.stderr) as { error: string }).error).toMatch(/No route for topic/);
  });
});

/**
 * The broker boots on a store directory written by Apache RocketMQ 4.9.4 (test/fixtures/apache-rocketmq/store/4.9.4-clean) and
 * serves it: the Java topics.json / subscriptionGroup.json / consumerOffset.json are read, committed offsets are
 * answered, and the Java-written messages are pulled.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode, decodeMessageRecords } from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { EmbeddedRocketMQ } from '@rocketnest/broker';

const FIXTURE = path.resolve(__dirname, 'fixtures/apache-rocketmq/store/4.9.4-clean');

async function copyWritable(src: string, dest: string): Promise<void> {
  await fsp.cp(src, dest, { recursive: true });
  const fix = async (p: string): Promise<void> => {
    const st = await fsp.stat(p);
    await fsp.chmod(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) for (const c of await fsp.readdir(p)) await fix(path.join(p, c));
  };
  await fix(dest);
  await fsp.rm(path.join(dest, 'manifest.json'), { force: true });
}

describe('broker on a store written by Apache RocketMQ 4.9.4 (e2e)', () => {
  it('loads the Java config files and serves the Java messages and offsets', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rn-java-store-'));
    const root = path.join(dir, 'store');
    await copyWritable(FIXTURE, root);
    const javaOffsets = await fsp.readFile(path.join(root, 'config', 'consumerOffset.json'), 'utf8');
    const mq = await EmbeddedRocketMQ.start({
      storePathRootDir: root,
      brokerConfig: {
        mappedFileSizeCommitLog: 1048576,
        mappedFileSizeConsumeQueue: 6000,
        maxHashSlotNum: 1000,
        maxIndexNum: 4000,
      },
    });
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    try {
      const tc = mq.broker.topicConfigManager.selectTopicConfig('FxStoreA');
      expect(tc).toMatchObject({ readQueueNums: 4, writeQueueNums: 4, perm: 6 });
      expect(mq.broker.subscriptionGroupManager.containsSubscriptionGroup('fx_store_group')).toBe(true);
      const expected = /"FxStoreA@fx_store_group":\{0:(\d+)/.exec(javaOffsets)![1];
      const offset = await client.invoke(
        mq.brokerAddr,
        RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
          consumerGroup: 'fx_store_group',
          topic: 'FxStoreA',
          queueId: 0,
        }),
        3000,
      );
      expect(offset.extFields).toEqual({ offset: expected });
      const pulled = await client.invoke(
        mq.brokerAddr,
        RemotingCommand.createRequest(RequestCode.PULL_MESSAGE, {
          consumerGroup: 'rn_reader',
          topic: 'FxStoreA',
          queueId: 0,
          queueOffset: 0,
          maxMsgNums: 4,
          sysFlag: 4,
          commitOffset: 0,
          suspendTimeoutMillis: 0,
          subscription: '*',
          subVersion: 0,
        }),
        3000,
      );
      expect(pulled.code).toBe(ResponseCode.SUCCESS);
      const msgs = decodeMessageRecords(pulled.body!);
      expect(msgs.map((m) => m.properties.seq)).toEqual(['1', '2', '3', '4']);
      expect(msgs[0]!.keys).toContain('store-1');
    } finally {
      await client.shutdown();
      await mq.shutdown();
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});

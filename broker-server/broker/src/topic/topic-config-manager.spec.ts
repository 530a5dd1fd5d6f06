import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultBrokerConfig, finalizeBrokerConfig, type BrokerConfig } from '../config/broker-config';
import { ConsumerOffsetManager } from '../offset/consumer-offset-manager';
import { SubscriptionGroupManager } from '../subscription/subscription-group-manager';
import { TopicConfigManager } from './topic-config-manager';

describe('config managers', () => {
  let dir: string;
  let cfg: BrokerConfig;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-managers-'));
    cfg = finalizeBrokerConfig({ ...defaultBrokerConfig({}), storePathRootDir: dir, brokerIP1: '127.0.0.1' });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates TBW102 and the system topics, and auto-creates from an inheritable template', () => {
    let changed = 0;
    const tcm = new TopicConfigManager(cfg, () => changed++);
    expect(tcm.selectTopicConfig('TBW102')).toMatchObject({ readQueueNums: 8, writeQueueNums: 8, perm: 7 });
    expect(tcm.selectTopicConfig('SCHEDULE_TOPIC_XXXX')!.readQueueNums).toBe(18);
    expect(tcm.isSystemTopic('DefaultCluster')).toBe(true);
    const created = tcm.createTopicInSendMessageMethod('T1', 'TBW102', 4, 0);
    expect(created).toMatchObject({ topicName: 'T1', readQueueNums: 4, writeQueueNums: 4, perm: 6 });
    expect(changed).toBe(1);
    expect(tcm.createTopicInSendMessageMethod('T2', 'TBW102', 100, 0)!.writeQueueNums).toBe(8);
    expect(tcm.createTopicInSendMessageMethod('T3', 'T1', 4, 0)).toBeUndefined();
    expect(tcm.createTopicInSendMessageMethod('T4', 'NoSuchTemplate', 4, 0)).toBeUndefined();
    const version = tcm.dataVersion.counter;
    const reloaded = new TopicConfigManager(cfg);
    reloaded.load();
    expect(reloaded.selectTopicConfig('T1')).toEqual(created);
    expect(reloaded.dataVersion.counter).toBe(version);
  });

  it('refuses auto-creation when autoCreateTopicEnable is off', () => {
    const tcm = new TopicConfigManager({ ...cfg, autoCreateTopicEnable: false });
    expect(tcm.selectTopicConfig('TBW102')).toBeUndefined();
    expect(tcm.createTopicInSendMessageMethod('T1', 'TBW102', 4, 0)).toBeUndefined();
  });

  it('writes consumerOffset.json as Java does (bare queue-id keys) and reads it back', () => {
    const com = new ConsumerOffsetManager(cfg);
    com.commitOffset('G', 'T', 0, 250);
    com.commitOffset('G', 'T', 1, 251);
    com.persist();
    const text = fs.readFileSync(com.file, 'utf8');
    expect(text).toContain('"T@G":{0:250,1:251');
    const again = new ConsumerOffsetManager(cfg);
    again.load();
    expect(again.queryOffset('G', 'T', 1)).toBe(251);
    expect(again.queryOffset('G', 'T', 2)).toBe(-1);
    expect(again.whichTopicByConsumer('G')).toEqual(new Set(['T']));
    again.assignResetOffset('T', 'G', 0, 7);
    expect(again.queryThenEraseResetOffset('T', 'G', 0)).toBe(7);
    expect(again.queryThenEraseResetOffset('T', 'G', 0)).toBeUndefined();
  });

  it('auto-creates subscription groups only when allowed, and persists them', () => {
    const sgm = new SubscriptionGroupManager(cfg);
    expect(sgm.findSubscriptionGroupConfig('G1')).toMatchObject({
      groupName: 'G1',
      retryQueueNums: 1,
      retryMaxTimes: 16,
    });
    const again = new SubscriptionGroupManager(cfg);
    again.load();
    expect(again.containsSubscriptionGroup('G1')).toBe(true);
    const strict = new SubscriptionGroupManager({ ...cfg, autoCreateSubscriptionGroup: false });
    expect(strict.findSubscriptionGroupConfig('G2')).toBeUndefined();
    expect(strict.findSubscriptionGroupConfig('TOOLS_CONSUMER')).toBeDefined();
  });
});

import { createTopicConfig, type TopicConfig } from '@rocketnest/common';
import { RouteInfoManager, type BrokerChannel, type RegisterBrokerParams } from './route-info-manager';

const tc = (topicName: string, perm = 6, queues = 4): TopicConfig =>
  createTopicConfig(topicName, { readQueueNums: queues, writeQueueNums: queues, perm });
const table = (...tcs: TopicConfig[]): Record<string, TopicConfig> =>
  Object.fromEntries(tcs.map((t) => [t.topicName, t]));

describe('RouteInfoManager', () => {
  let now = 1_000_000;
  let rim: RouteInfoManager;
  const channel = (): BrokerChannel & { closed: number } => {
    const ch = { closed: 0, close: () => void ch.closed++ };
    return ch;
  };
  const reg = (over: Partial<RegisterBrokerParams> = {}): RegisterBrokerParams => ({
    clusterName: 'C',
    brokerAddr: '10.0.0.1:10911',
    brokerName: 'broker-a',
    brokerId: 0,
    haServerAddr: '10.0.0.1:10912',
    dataVersion: { counter: 1, stateVersion: 0, timestamp: 1 },
    topicConfigTable: table(tc('T1'), tc('T2')),
    ...over,
  });

  beforeEach(() => {
    now = 1_000_000;
    rim = new RouteInfoManager({ brokerChannelExpiredTimeMs: 1000, now: () => now });
  });

  it('builds routes from a master registration', () => {
    expect(rim.registerBroker(reg())).toEqual({});
    const route = rim.pickupTopicRouteData('T1')!;
    expect(route.queueDatas).toEqual([
      { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
    ]);
    expect(route.brokerDatas[0]!.brokerAddrs).toEqual({ '0': '10.0.0.1:10911' });
    expect(rim.pickupTopicRouteData('nope')).toBeUndefined();
    expect(rim.getTopicsByCluster('C').sort()).toEqual(['T1', 'T2']);
  });

  it('tells a slave its master and keeps queue data from the master only', () => {
    rim.registerBroker(reg());
    const res = rim.registerBroker(
      reg({
        brokerId: 1,
        brokerAddr: '10.0.0.2:10911',
        topicConfigTable: table(tc('T1', 6, 16), tc('T2')),
      }),
    );
    expect(res).toEqual({ haServerAddr: '10.0.0.1:10912', masterAddr: '10.0.0.1:10911' });
    const route = rim.pickupTopicRouteData('T1')!;
    expect(route.queueDatas[0]!.readQueueNums).toBe(4);
    expect(Object.keys(route.brokerDatas[0]!.brokerAddrs)).toEqual(['0', '1']);
  });

  it('rejects a single-topic registration before the broker registered fully', () => {
    expect(rim.registerBroker(reg({ topicConfigTable: table(tc('T1')) }))).toBeUndefined();
  });

  it('updates queue data only when the data version changed or the topic is new to the broker', () => {
    rim.registerBroker(reg());
    rim.registerBroker(
      reg({
        topicConfigTable: table(tc('T1', 6, 8), tc('T2')),
      }),
    );
    expect(rim.pickupTopicRouteData('T1')!.queueDatas[0]!.readQueueNums).toBe(4);
    rim.registerBroker(
      reg({
        dataVersion: { counter: 2, stateVersion: 0, timestamp: 2 },
        topicConfigTable: table(tc('T1', 6, 8), tc('T2')),
      }),
    );
    expect(rim.pickupTopicRouteData('T1')!.queueDatas[0]!.readQueueNums).toBe(8);
  });

  it('drops silent brokers on scan, closing their channel, and keeps fresh ones', () => {
    const a = channel();
    const b = channel();
    rim.registerBroker(reg({ channel: a }));
    rim.registerBroker(
      reg({ brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', channel: b, heartbeatTimeoutMillis: 5000 }),
    );
    now += 900;
    rim.updateBrokerInfoUpdateTimestamp('C', '10.0.0.1:10911');
    now += 900;
    expect(rim.scanNotActiveBroker()).toEqual([]);
    now += 1200;
    expect(rim.scanNotActiveBroker()).toEqual(['10.0.0.1:10911']);
    expect(a.closed).toBe(1);
    expect(b.closed).toBe(0);
    expect(rim.pickupTopicRouteData('T1')!.brokerDatas.map((d) => d.brokerName)).toEqual(['broker-b']);
    now += 5000;
    expect(rim.scanNotActiveBroker()).toEqual(['10.0.0.3:10911']);
    expect(rim.pickupTopicRouteData('T1')).toBeUndefined();
    expect(rim.clusterAddrTable.size).toBe(0);
  });

  it("removes a broker's routes when its channel is destroyed", () => {
    const ch = channel();
    rim.registerBroker(reg({ channel: ch }));
    rim.onChannelDestroy(channel());
    expect(rim.pickupTopicRouteData('T1')).toBeDefined();
    rim.onChannelDestroy(ch);
    expect(rim.pickupTopicRouteData('T1')).toBeUndefined();
    expect(rim.brokerAddrTable.size).toBe(0);
    expect(rim.brokerLiveTable.size).toBe(0);
  });

  it('keeps the broker name while a slave remains after the master unregisters', () => {
    rim.registerBroker(reg());
    rim.registerBroker(reg({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }));
    rim.unregisterBroker({ clusterName: 'C', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 });
    const route = rim.pickupTopicRouteData('T1')!;
    expect(route.brokerDatas[0]!.brokerAddrs).toEqual({ '1': '10.0.0.2:10911' });
  });

  it('lets the prime slave act as master when supported', () => {
    rim = new RouteInfoManager({ supportActingMaster: true, now: () => now });
    rim.registerBroker(reg({ enableActingMaster: true }));
    rim.registerBroker(reg({ brokerId: 1, brokerAddr: '10.0.0.2:10911', enableActingMaster: true }));
    rim.unregisterBroker({ clusterName: 'C', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 });
    const route = rim.pickupTopicRouteData('T1')!;
    expect(route.queueDatas[0]!.perm).toBe(4);
    expect(route.brokerDatas[0]!.brokerAddrs).toEqual({ '0': '10.0.0.2:10911' });
  });

  it('deletes topics missing from a full registration when configured', () => {
    rim = new RouteInfoManager({ deleteTopicWithBrokerRegistration: true, now: () => now });
    rim.registerBroker(reg());
    rim.registerBroker(
      reg({
        dataVersion: { counter: 2, stateVersion: 0, timestamp: 2 },
        topicConfigTable: table(tc('T1'), tc('T3')),
      }),
    );
    expect(rim.getAllTopicList().sort()).toEqual(['T1', 'T3']);
  });

  it('lists unit topics by sys flag and system topics', () => {
    rim.registerBroker(
      reg({
        topicConfigTable: table({ ...tc('U'), topicSysFlag: 1 }, { ...tc('S'), topicSysFlag: 2 }, tc('T')),
      }),
    );
    expect(rim.topicsBySysFlag(RouteInfoManager.hasUnitFlag)).toEqual(['U']);
    expect(rim.topicsBySysFlag(RouteInfoManager.hasUnitSubFlag)).toEqual(['S']);
    expect(rim.getSystemTopicList()).toEqual({ topics: ['C', 'broker-a'], brokerAddr: '10.0.0.1:10911' });
  });
});

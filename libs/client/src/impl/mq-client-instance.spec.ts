import { RequestCode, ResponseCode, type MessageQueue } from '@rocketnest/common';
import { RemotingCommand, RemotingServer, type RemotingChannel } from '@rocketnest/remoting';
import {
  MQClientInstance,
  type MQConsumerInner,
  topicRouteToPublishInfo,
  topicRouteToSubscribeInfo,
} from './mq-client-instance';
import { decodeTopicRouteData } from './mq-client-api';

/** A consumer as the instance sees it, recording what the broker asked for. */
function fakeConsumer(): MQConsumerInner & { rebalances: number; resets: Array<[string, number]> } {
  const c = {
    groupName: 'G',
    messageModel: 'CLUSTERING',
    consumeType: 'CONSUME_PASSIVELY',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    rebalances: 0,
    resets: [] as Array<[string, number]>,
    subscriptions: () => [],
    doRebalance: () => {
      c.rebalances++;
      return Promise.resolve();
    },
    updateTopicSubscribeInfo: () => undefined,
    isSubscribeTopicNeedUpdate: () => false,
    persistConsumerOffset: () => Promise.resolve(),
    resetOffset: (_topic: string, offsets: Map<string, { mq: MessageQueue; offset: number }>) => {
      for (const [k, v] of offsets) c.resets.push([k, v.offset]);
      return Promise.resolve();
    },
    runningInfo: () => ({ properties: { consumerGroup: 'G' } }),
  };
  return c;
}

describe('MQClientInstance answers broker requests', () => {
  let server: RemotingServer;
  let instance: MQClientInstance;
  let channel: RemotingChannel;
  const consumer = fakeConsumer();

  beforeAll(async () => {
    server = new RemotingServer({ host: '127.0.0.1', port: 0 });
    server.registerDefaultProcessor(() => RemotingCommand.createResponse(ResponseCode.SUCCESS));
    await server.start();
    const addr = `127.0.0.1:${server.port}`;
    instance = new MQClientInstance({
      namesrvAddr: addr,
      clientIP: '127.0.0.1',
      instanceName: 'spec',
      rebalanceIntervalMs: 60000,
    });
    instance.registerConsumer(consumer);
    await instance.start();
    await instance.remoting.invoke(addr, RemotingCommand.createRequest(RequestCode.HEART_BEAT), 1000);
    channel = server.channels[0]!;
  });
  afterAll(async () => {
    await instance.shutdown();
    await server.shutdown();
  });

  it('rebalances at once on NOTIFY_CONSUMER_IDS_CHANGED', async () => {
    const before = consumer.rebalances;
    await server.invokeOneway(
      channel,
      RemotingCommand.createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: 'G' }),
    );
    const deadline = Date.now() + 3000;
    while (consumer.rebalances === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(consumer.rebalances).toBeGreaterThan(before);
  });

  it('applies RESET_CONSUMER_CLIENT_OFFSET with JSON-string and raw object keys', async () => {
    const body = Buffer.from(
      '{"offsetTable":{"{\\"brokerName\\":\\"b\\",\\"queueId\\":0,\\"topic\\":\\"T\\"}":5,{"brokerName":"b","queueId":1,"topic":"T"}:7}}',
    );
    const res = await server.invoke(
      channel,
      RemotingCommand.createRequest(
        RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
        { topic: 'T', group: 'G', timestamp: 0, isForce: true },
        body,
      ),
      2000,
    );
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(consumer.resets).toEqual([
      ['T@b@0', 5],
      ['T@b@1', 7],
    ]);
  });

  it('answers GET_CONSUMER_RUNNING_INFO, and SYSTEM_ERROR for an unknown group', async () => {
    const ok = await server.invoke(
      channel,
      RemotingCommand.createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, {
        consumerGroup: 'G',
        clientId: instance.clientId,
      }),
      2000,
    );
    expect(ok.code).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse(ok.body!.toString())).toEqual({ properties: { consumerGroup: 'G' } });
    const missing = await server.invoke(
      channel,
      RemotingCommand.createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, {
        consumerGroup: 'X',
        clientId: instance.clientId,
      }),
      2000,
    );
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('refuses a second consumer of the same group in one client instance', () => {
    expect(() => instance.registerConsumer(fakeConsumer())).toThrow(/already started/);
  });
});

describe('route conversion', () => {
  const route = decodeTopicRouteData(
    Buffer.from(
      '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"b2","cluster":"C"},{"brokerAddrs":{1:"127.0.0.1:10921"},"brokerName":"b3","cluster":"C"},{"brokerAddrs":{"0":"127.0.0.1:10931"},"brokerName":"b1","cluster":"C"}],' +
        '"queueDatas":[{"brokerName":"b2","perm":6,"readQueueNums":2,"writeQueueNums":2,"topicSysFlag":0},{"brokerName":"b3","perm":6,"readQueueNums":1,"writeQueueNums":1,"topicSysFlag":0},{"brokerName":"b1","perm":4,"readQueueNums":1,"writeQueueNums":1,"topicSysFlag":0}]}',
    ),
  );

  it('reads unquoted integer broker ids', () => {
    expect(route.brokerDatas[0]!.brokerAddrs.get(0)).toBe('127.0.0.1:10911');
  });

  it('publishes only writable queues of brokers with a master, sorted by broker name', () => {
    expect(topicRouteToPublishInfo('T', route).messageQueueList.map((q) => `${q.brokerName}/${q.queueId}`)).toEqual([
      'b2/0',
      'b2/1',
    ]);
  });

  it('subscribes readable queues', () => {
    expect(topicRouteToSubscribeInfo('T', route).map((q) => `${q.brokerName}/${q.queueId}`)).toEqual([
      'b2/0',
      'b2/1',
      'b3/0',
      'b1/0',
    ]);
  });

  it('honours orderTopicConf', () => {
    const info = topicRouteToPublishInfo('T', { ...route, orderTopicConf: 'b1:2;b2:1' });
    expect(info.orderTopic).toBe(true);
    expect(info.messageQueueList.map((q) => `${q.brokerName}/${q.queueId}`)).toEqual(['b1/0', 'b1/1', 'b2/0']);
  });
});

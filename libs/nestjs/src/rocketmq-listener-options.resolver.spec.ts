import { resolveListenerOptions } from './rocketmq-listener-options.resolver';
import { RocketMQConfigurationError, UnresolvablePlaceholderError } from './rocketmq.errors';
import { mapSource } from './rocketmq.properties';

describe('resolveListenerOptions', () => {
  const source = mapSource({ 'rocketmq.name-server': 'ns:9876', 'app.topic': 'orders', 'app.threads': '4' });

  it("fills rocketmq-spring's defaults and resolves the name server placeholder", () => {
    const o = resolveListenerOptions({ consumerGroup: 'g', topic: 't' }, source, 'L');
    expect(o).toMatchObject({
      consumerGroup: 'g',
      topic: 't',
      selectorType: 'TAG',
      selectorExpression: '*',
      consumeMode: 'CONCURRENTLY',
      messageModel: 'CLUSTERING',
      consumeThreadMax: 64,
      consumeThreadNumber: 20,
      maxReconsumeTimes: -1,
      consumeTimeout: 15,
      replyTimeout: 3000,
      nameServer: 'ns:9876',
      accessKey: '',
      secretKey: '',
      delayLevelWhenNextConsume: 0,
      suspendCurrentQueueTimeMillis: 1000,
      awaitTerminationMillisWhenShutdown: 1000,
      instanceName: 'DEFAULT',
      pullBatchSize: 32,
      consumeMessageBatchMaxSize: 1,
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      tlsEnable: 'false',
    });
  });

  it('resolves placeholders in strings and numbers', () => {
    const o = resolveListenerOptions(
      {
        consumerGroup: '${app.group:fallback-group}',
        topic: '${app.topic}',
        consumeThreadMax: '${app.threads}' as unknown as number,
      },
      source,
      'L',
    );
    expect(o.consumerGroup).toBe('fallback-group');
    expect(o.topic).toBe('orders');
    expect(o.consumeThreadMax).toBe(4);
  });

  it('rejects ORDERLY with BROADCASTING at start', () => {
    expect(() =>
      resolveListenerOptions(
        { consumerGroup: 'g', topic: 't', consumeMode: 'ORDERLY', messageModel: 'BROADCASTING' },
        source,
        'OrderedFan',
      ),
    ).toThrow(/OrderedFan: consumeMode ORDERLY is not supported with messageModel BROADCASTING/);
  });

  it('names the class and attribute for missing or invalid values', () => {
    expect(() => resolveListenerOptions({ consumerGroup: '', topic: 't' }, source, 'L')).toThrow(
      /consumerGroup\) of L is required/,
    );
    expect(() => resolveListenerOptions({ consumerGroup: 'g', topic: '${nope}' }, source, 'L')).toThrow(
      UnresolvablePlaceholderError,
    );
    expect(() =>
      resolveListenerOptions({ consumerGroup: 'g', topic: 't', selectorType: 'REGEX' as 'TAG' }, source, 'L'),
    ).toThrow(RocketMQConfigurationError);
    expect(() => resolveListenerOptions({ consumerGroup: 'g', topic: 't' }, mapSource({}), 'L')).toThrow(
      /L: no name server/,
    );
  });
});

import {
  chainSources,
  configServiceSource,
  isListenerEnabled,
  mapSource,
  optionsSource,
  resolveRocketMQProperties,
  toEnvName,
} from './rocketmq.properties';
import { RocketMQConfigurationError } from './rocketmq.errors';
import { resolvePlaceholders } from './placeholder.resolver';
import { UnresolvablePlaceholderError } from './rocketmq.errors';

/** A ConfigService look-alike over a nested object, as @nestjs/config resolves dotted paths. */
function fakeConfig(nested: Record<string, unknown>, env: Record<string, string> = {}) {
  return {
    get(key: string): unknown {
      if (key in env) return env[key];
      let cur: unknown = nested;
      for (const part of key.split('.')) {
        if (cur === null || typeof cur !== 'object') return undefined;
        cur = (cur as Record<string, unknown>)[part];
      }
      return cur;
    },
  };
}

describe('resolveRocketMQProperties', () => {
  it("applies rocketmq-spring's defaults when nothing is configured", () => {
    const p = resolveRocketMQProperties(mapSource({}));
    expect(p.nameServer).toBeUndefined();
    expect(p.producer).toEqual({
      sendMessageTimeout: 3000,
      compressMessageBodyThreshold: 4096,
      retryTimesWhenSendFailed: 2,
      retryTimesWhenSendAsyncFailed: 2,
      retryNextServer: false,
      maxMessageSize: 4194304,
      enableMsgTrace: false,
      customizedTraceTopic: 'RMQ_SYS_TRACE_TOPIC',
      tlsEnable: false,
      instanceName: 'DEFAULT',
    });
    expect(p.pullConsumer).toMatchObject({
      messageModel: 'CLUSTERING',
      selectorType: 'TAG',
      selectorExpression: '*',
      pullBatchSize: 10,
      instanceName: 'DEFAULT',
    });
    expect(p.consumer.listeners).toEqual({});
  });

  it('reads kebab-case keys from a nested config and coerces strings from the environment', () => {
    const config = fakeConfig(
      {
        rocketmq: {
          'name-server': '127.0.0.1:9876',
          producer: { group: 'pg', 'send-message-timeout': 5000, 'retry-next-server': true },
          'pull-consumer': { group: 'pull', topic: 'T' },
        },
      },
      { ROCKETMQ_PRODUCER_MAX_MESSAGE_SIZE: '1024', ROCKETMQ_PRODUCER_INSTANCE_NAME: 'env-instance' },
    );
    const p = resolveRocketMQProperties(configServiceSource(config));
    expect(p.nameServer).toBe('127.0.0.1:9876');
    expect(p.producer.group).toBe('pg');
    expect(p.producer.sendMessageTimeout).toBe(5000);
    expect(p.producer.retryNextServer).toBe(true);
    expect(p.producer.maxMessageSize).toBe(1024);
    expect(p.producer.instanceName).toBe('env-instance');
    expect(p.pullConsumer.group).toBe('pull');
    expect(p.pullConsumer.topic).toBe('T');
  });

  it('accepts the camelCase spelling (Spring relaxed binding)', () => {
    const p = resolveRocketMQProperties(configServiceSource(fakeConfig({ rocketmq: { nameServer: 'ns:1' } })));
    expect(p.nameServer).toBe('ns:1');
  });

  it('lets explicit options win over ConfigService', () => {
    const source = chainSources(
      optionsSource({ producer: { group: 'explicit' } }),
      configServiceSource(fakeConfig({ rocketmq: { producer: { group: 'from-config' }, 'name-server': 'a:1' } })),
    );
    const p = resolveRocketMQProperties(source);
    expect(p.producer.group).toBe('explicit');
    expect(p.nameServer).toBe('a:1');
  });

  it('names the key and the bad value when a number is not a number', () => {
    const source = mapSource({ 'rocketmq.producer.send-message-timeout': 'soon' });
    expect(() => resolveRocketMQProperties(source)).toThrow(RocketMQConfigurationError);
    expect(() => resolveRocketMQProperties(source)).toThrow(
      /rocketmq\.producer\.send-message-timeout.*integer.*"soon"/,
    );
  });

  it('rejects an unknown message model', () => {
    expect(() => resolveRocketMQProperties(mapSource({ 'rocketmq.consumer.message-model': 'FANOUT' }))).toThrow(
      /rocketmq\.consumer\.message-model.*CLUSTERING, BROADCASTING/,
    );
  });

  it('maps a key to its environment variable name', () => {
    expect(toEnvName('rocketmq.producer.send-message-timeout')).toBe('ROCKETMQ_PRODUCER_SEND_MESSAGE_TIMEOUT');
  });
});

describe('isListenerEnabled', () => {
  it('disables by a nested listeners map or a flat key, and enables otherwise', () => {
    const nested = configServiceSource(fakeConfig({ rocketmq: { consumer: { listeners: { g1: { t1: false } } } } }));
    expect(isListenerEnabled(nested, 'g1', 't1')).toBe(false);
    expect(isListenerEnabled(nested, 'g1', 't2')).toBe(true);
    const flat = mapSource({ 'rocketmq.consumer.listeners.g.orders.v1': 'false' });
    expect(isListenerEnabled(flat, 'g', 'orders.v1')).toBe(false);
    expect(isListenerEnabled(optionsSource({ consumer: { listeners: { g: { t: false } } } }), 'g', 't')).toBe(false);
  });
});

describe('resolvePlaceholders', () => {
  const source = mapSource({ 'app.topic': 'orders', 'app.n': 3 });

  it('substitutes keys and defaults, several per string', () => {
    expect(resolvePlaceholders('${app.topic}-${app.n}', source, 'x')).toBe('orders-3');
    expect(resolvePlaceholders('${missing:fallback}', source, 'x')).toBe('fallback');
    expect(resolvePlaceholders('${missing:}', source, 'x')).toBe('');
    expect(resolvePlaceholders('plain', source, 'x')).toBe('plain');
  });

  it('throws a named error for an undefined key without default', () => {
    expect(() => resolvePlaceholders('${nope}', source, '@RocketMQMessageListener(topic) of L')).toThrow(
      UnresolvablePlaceholderError,
    );
    expect(() => resolvePlaceholders('${nope}', source, '@RocketMQMessageListener(topic) of L')).toThrow(
      /"\$\{nope\}" in @RocketMQMessageListener\(topic\) of L/,
    );
  });
});

import { MessageConst, MessageExt } from '@rocketnest/common';
import { MessageBuilder, RocketMQMessage } from './rocketmq-headers';
import { DefaultRocketMQMessageConverter } from './rocketmq-message-converter';
import { createRocketMessage, parseDestination, toRocketMQMessage } from './rocketmq-message.factory';
import { MessageConversionError } from './rocketmq.errors';

describe('parseDestination', () => {
  it('splits topic:tags at the first colon', () => {
    expect(parseDestination('orders')).toEqual({ topic: 'orders', tags: undefined });
    expect(parseDestination('orders:created || paid')).toEqual({ topic: 'orders', tags: 'created || paid' });
    expect(parseDestination('orders:')).toEqual({ topic: 'orders', tags: undefined });
  });

  it('rejects an empty destination or topic', () => {
    expect(() => parseDestination('')).toThrow(MessageConversionError);
    expect(() => parseDestination(':tag')).toThrow(/No topic/);
  });
});

describe('createRocketMessage', () => {
  const converter = new DefaultRocketMQMessageConverter();

  it('builds topic, tags and a JSON body from a payload', () => {
    const msg = createRocketMessage('orders:created', { id: 1 }, converter);
    expect(msg.topic).toBe('orders');
    expect(msg.tags).toBe('created');
    expect(msg.body.toString()).toBe('{"id":1}');
  });

  it('maps headers: KEYS, rocketmq_KEYS, TAGS, FLAG, WAIT_STORE_MSG_OK and user properties', () => {
    const msg = createRocketMessage(
      'orders',
      MessageBuilder.withPayload('x')
        .setHeader('KEYS', ['k1', 'k2'])
        .setHeader('TAGS', 'fromHeader')
        .setHeader('FLAG', '3')
        .setHeader('WAIT_STORE_MSG_OK', 'false')
        .setHeader('tenant', 'acme')
        .setHeader('n', 5)
        .setHeader('DELAY', '3')
        .build(),
      converter,
    );
    expect(msg.keys).toBe('k1 k2');
    expect(msg.tags).toBe('fromHeader');
    expect(msg.flag).toBe(3);
    expect(msg.waitStoreMsgOK).toBe(false);
    expect(msg.getUserProperty('tenant')).toBe('acme');
    expect(msg.getUserProperty('n')).toBe('5');
    // a system property name in headers is not turned into a property (rocketmq-spring skips STRING_HASH_SET)
    expect(msg.getProperty(MessageConst.DELAY)).toBeUndefined();
    expect(msg.getProperty('FLAG')).toBeUndefined();

    const prefixed = createRocketMessage(
      't:tag',
      new RocketMQMessage('y', { rocketmq_KEYS: 'pk', TAGS: 'ignored' }),
      converter,
    );
    expect(prefixed.keys).toBe('pk');
    expect(prefixed.tags).toBe('tag');
  });

  it('refuses an empty body', () => {
    expect(() => createRocketMessage('t', '', converter)).toThrow(/empty/);
  });
});

describe('toRocketMQMessage', () => {
  it('exposes rocketmq_-prefixed headers and user properties', () => {
    const ext = new MessageExt({
      topic: 'orders',
      body: Buffer.from('b'),
      queueId: 2,
      msgId: 'ID1',
      reconsumeTimes: 0,
    });
    ext.setTags('created');
    ext.setKeys('k');
    ext.putUserProperty('tenant', 'acme');
    const m = toRocketMQMessage(ext);
    expect(m.payload.toString()).toBe('b');
    expect(m.headers).toMatchObject({
      rocketmq_TOPIC: 'orders',
      rocketmq_TAGS: 'created',
      rocketmq_KEYS: 'k',
      rocketmq_QUEUE_ID: 2,
      rocketmq_MESSAGE_ID: 'ID1',
      tenant: 'acme',
    });
    expect(m.getHeader('KEYS')).toBe('k');
    expect(m.headers).not.toHaveProperty('TAGS');
  });
});

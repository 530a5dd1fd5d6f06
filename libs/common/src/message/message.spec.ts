import { MQClientError } from '../errors/rocketmq-error';
import { Message, MessageExt, MessageExtBrokerInner } from './message';
import { hostToString, normalizeHostAddress, parseHostString, readHostAddress, writeHostAddress } from './host-address';

describe('Message', () => {
  it('sets WAIT=true, tags and keys like the Java constructor', () => {
    const msg = new Message('TopicTest', 'hello', { tags: 'TagA', keys: ['k1', 'k2'] });
    expect(msg.body.toString()).toBe('hello');
    expect(msg.properties).toEqual({ TAGS: 'TagA', KEYS: 'k1 k2', WAIT: 'true' });
    expect(msg.keyList).toEqual(['k1', 'k2']);
    expect(msg.waitStoreMsgOK).toBe(true);
    expect(new Message().properties).toEqual({});
    expect(new Message('T', Buffer.from([1]), { tags: '', keys: '' }).properties).toEqual({ WAIT: 'true' });
  });

  it('reads and writes the system properties through accessors', () => {
    const msg = new Message('T', Buffer.from('x'), { waitStoreMsgOK: false });
    expect(msg.waitStoreMsgOK).toBe(false);
    expect(msg.delayTimeLevel).toBe(0);
    msg.setDelayTimeLevel(3).setTags('TagB').setKeys('a b');
    expect(msg.getProperty('DELAY')).toBe('3');
    expect(msg.delayTimeLevel).toBe(3);
    msg.delayTimeMs = 1500;
    msg.delayTimeSec = 2;
    msg.deliverTimeMs = 1700000000000;
    expect(msg.properties).toMatchObject({
      TIMER_DELAY_MS: '1500',
      TIMER_DELAY_SEC: '2',
      TIMER_DELIVER_MS: '1700000000000',
      TAGS: 'TagB',
      KEYS: 'a b',
    });
    expect(msg.deliverTimeMs).toBe(1700000000000);
    msg.buyerId = 'b1';
    expect(msg.getProperty('BUYER_ID')).toBe('b1');
    msg.tags = undefined;
    expect(msg.hasProperty('TAGS')).toBe(false);
    expect(() => (msg.delayTimeMs = -1)).toThrow(MQClientError);
    expect(() => (msg.delayTimeLevel = 1.5)).toThrow(MQClientError);
  });

  it('protects reserved property names like Java putUserProperty', () => {
    const msg = new Message('T', 'b');
    msg.putUserProperty('orderId', '1001');
    expect(msg.getUserProperty('orderId')).toBe('1001');
    expect(() => msg.putUserProperty('TAGS', 'x')).toThrow(/used by the system/);
    expect(() => msg.putUserProperty('UNIQ_KEY', 'x')).toThrow(MQClientError);
    expect(() => msg.putUserProperty('a', '  ')).toThrow(/blank/);
    expect(() => msg.putUserProperty(' ', 'v')).toThrow(/blank/);
    expect(() => new Message('T', 'b', { properties: { DELAY: '1' } })).toThrow(MQClientError);
    expect(msg.getProperty('toString')).toBeUndefined();
  });

  it('MessageExt exposes host strings and the client msgId fallback', () => {
    const ext = new MessageExt({
      bornHost: { address: '2001:db8:0:0:0:0:0:10', port: 50000 },
      storeHost: { address: '127.0.0.1', port: 10911 },
      offsetMsgId: 'OFF',
    });
    expect(ext.bornHostString).toBe('[2001:db8:0:0:0:0:0:10]:50000');
    expect(ext.storeHostString).toBe('127.0.0.1:10911');
    expect(ext.uniqKeyOrOffsetMsgId).toBe('OFF');
    ext.putProperty('UNIQ_KEY', 'U1');
    expect(ext.uniqKeyOrOffsetMsgId).toBe('U1');
    expect(ext.properties).toEqual({ UNIQ_KEY: 'U1' });
  });

  it('MessageExtBrokerInner derives the properties string and tags code', () => {
    const inner = new MessageExtBrokerInner();
    inner.tags = 'TagA';
    expect(inner.syncTagsCode()).toBe(2598919);
    expect(inner.syncPropertiesString()).toBe('TAGS\u0001TagA\u0002');
    inner.tags = undefined;
    expect(inner.syncTagsCode()).toBe(0);
  });
});

describe('host addresses', () => {
  it('writes and reads IPv4, IPv6 and IPv4-mapped addresses', () => {
    const buf = Buffer.alloc(16);
    expect(writeHostAddress(buf, 0, '127.0.0.1')).toBe(4);
    expect(buf.subarray(0, 4).toString('hex')).toBe('7f000001');
    expect(writeHostAddress(buf, 0, '2001:db8::10')).toBe(16);
    expect(buf.toString('hex')).toBe('20010db8000000000000000000000010');
    expect(readHostAddress(buf, 0, 16)).toBe('2001:db8:0:0:0:0:0:10');
    expect(writeHostAddress(buf, 0, '::ffff:10.1.2.3')).toBe(4);
    expect(buf.subarray(0, 4).toString('hex')).toBe('0a010203');
    writeHostAddress(buf, 0, '::');
    expect(readHostAddress(buf, 0, 16)).toBe('0:0:0:0:0:0:0:0');
    expect(writeHostAddress(buf, 0, '0:0:0:0:0:ffff:7f00:1')).toBe(4);
    expect(buf.subarray(0, 4).toString('hex')).toBe('7f000001');
    expect(readHostAddress(Buffer.from('00000000000000000000ffff01020304', 'hex'), 0, 16)).toBe('1.2.3.4');
    expect(normalizeHostAddress('::1')).toBe('0:0:0:0:0:0:0:1');
    expect(normalizeHostAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeHostAddress('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(hostToString({ address: '::ffff:7f00:1', port: 2 })).toBe('127.0.0.1:2');
  });

  it('rejects text that is not an IP address', () => {
    const buf = Buffer.alloc(16);
    for (const bad of ['', 'localhost', '1.2.3', '1.2.3.256', '1..2.3', '1:2:3', '1::2::3', 'g::1', '1.2.3.4.5']) {
      expect(() => writeHostAddress(buf, 0, bad)).toThrow(MQClientError);
    }
  });

  it('parses and prints host strings', () => {
    expect(parseHostString('127.0.0.1:10911')).toEqual({ address: '127.0.0.1', port: 10911 });
    expect(parseHostString('/127.0.0.1:48742')).toEqual({ address: '127.0.0.1', port: 48742 });
    expect(parseHostString('[::1]:9876')).toEqual({ address: '::1', port: 9876 });
    expect(parseHostString('2001:db8:0:0:0:0:0:10:50000')).toEqual({ address: '2001:db8:0:0:0:0:0:10', port: 50000 });
    expect(hostToString({ address: '::1', port: 1 })).toBe('[::1]:1');
    expect(hostToString({ address: '::ffff:1.2.3.4', port: 1 })).toBe('1.2.3.4:1');
    expect(() => parseHostString('127.0.0.1')).toThrow(MQClientError);
    expect(() => parseHostString('127.0.0.1:70000')).toThrow(MQClientError);
    expect(() => parseHostString('[::1]9876')).toThrow(MQClientError);
  });
});

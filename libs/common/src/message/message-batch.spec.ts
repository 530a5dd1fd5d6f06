import * as fs from 'node:fs';
import * as path from 'node:path';
import { MQClientError, RemotingCommandError } from '../errors/rocketmq-error';
import { Message, MessageExt } from './message';
import {
  batchEncodedSize,
  decodeBatchMessageEntries,
  decodeBatchMessages,
  encodeBatchMessages,
  unwrapInnerBatch,
  validateBatch,
} from './message-batch';
import { decodeMessageProperties } from './message-properties';

interface BatchFixture {
  encodeMessagesHex: string;
  decodeMessages: Array<{ topic: null; flag: number; properties: Record<string, string>; bodyUtf8: string }>;
}
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'message-records.json'), 'utf8'),
) as Record<'4.9.4' | '5.2.0', { batch: BatchFixture }>;

describe('batch message body', () => {
  it.each([
    ['4.9.4', false],
    ['5.2.0', true],
  ] as const)('golden %s batch decodes and re-encodes like Java', (version, trailingSeparator) => {
    const { encodeMessagesHex, decodeMessages } = fixture[version].batch;
    const buf = Buffer.from(encodeMessagesHex, 'hex');
    const msgs = decodeBatchMessages(buf);
    expect(
      msgs.map((m) => ({ topic: m.topic, flag: m.flag, properties: m.properties, bodyUtf8: m.body.toString() })),
    ).toEqual(decodeMessages.map((d) => ({ ...d, topic: '' })));
    // Java writes properties in HashMap order; take that order from the capture and re-encode.
    const ordered = decodeBatchMessageEntries(buf).map((e) => ({
      flag: e.flag,
      body: Buffer.from(e.body),
      properties: decodeMessageProperties(e.propertiesString),
    }));
    expect(encodeBatchMessages(ordered, { trailingSeparator }).toString('hex')).toBe(encodeMessagesHex);
  });

  it('matches the two-message example of protocol.md §4.7', () => {
    const hex =
      '0000001f000000000000000000000000000000056865' +
      '6c6c6f000461013102' +
      '0000001b00000000000000000000000000000005776f726c640000';
    const a = new Message();
    a.body = Buffer.from('hello');
    a.properties = { a: '1' };
    const b = new Message();
    b.body = Buffer.from('world');
    expect(encodeBatchMessages([a, b]).toString('hex')).toBe(hex);
    expect(batchEncodedSize([a, b])).toBe(hex.length / 2);
  });

  it('round-trips empty bodies, flags and unicode properties', () => {
    const msgs = [
      new Message('T', Buffer.alloc(0), { flag: -1 }),
      new Message('T', '身体', { tags: '标签', properties: { city: 'Zürich' } }),
    ];
    const decoded = decodeBatchMessages(encodeBatchMessages(msgs));
    expect(decoded.map((m) => [m.flag, m.body.toString(), m.properties])).toEqual([
      [-1, '', { WAIT: 'true' }],
      [0, '身体', { TAGS: '标签', WAIT: 'true', city: 'Zürich' }],
    ]);
    expect(encodeBatchMessages([])).toHaveLength(0);
    expect(decodeBatchMessages(Buffer.alloc(0))).toEqual([]);
  });

  it('rejects truncated and inconsistent bodies with RemotingCommandError', () => {
    const good = encodeBatchMessages([new Message('T', 'abc', { tags: 'x' }), new Message('T', 'de')]);
    const firstEntrySize = good.readInt32BE(0);
    for (let len = 1; len < good.length; len++) {
      const cut = good.subarray(0, len);
      let threw = false;
      try {
        decodeBatchMessages(cut);
      } catch (err) {
        threw = err instanceof RemotingCommandError;
      }
      // A cut exactly between two entries is a valid shorter batch.
      expect([len, threw]).toEqual([len, len !== firstEntrySize]);
    }
    const wrongSize = Buffer.from(good);
    wrongSize.writeInt32BE(5, 0);
    expect(() => decodeBatchMessages(wrongSize)).toThrow(/TOTALSIZE/);
    const negBody = Buffer.from(good);
    negBody.writeInt32BE(-1, 16);
    expect(() => decodeBatchMessages(negBody)).toThrow(RemotingCommandError);
  });

  it('unwraps a 5.x inner batch like the Java client', () => {
    const outer = new MessageExt({ topic: 'T', queueOffset: 10, queueId: 2, commitLogOffset: 99, offsetMsgId: 'OFF' });
    const a = new Message('T', 'a');
    a.putProperty('UNIQ_KEY', 'U-A');
    outer.body = encodeBatchMessages([a, new Message('T', 'b')]);
    const inner = unwrapInnerBatch(outer);
    expect(inner.map((m) => [m.topic, m.queueOffset, m.queueId, m.body.toString(), m.msgId])).toEqual([
      ['T', 10, 2, 'a', 'U-A'],
      ['T', 11, 2, 'b', 'OFF'],
    ]);
  });
});

describe('validateBatch', () => {
  const msg = (topic = 'T', opts: ConstructorParameters<typeof Message>[2] = {}) => new Message(topic, 'x', opts);

  it('accepts a uniform batch', () => {
    expect(() => validateBatch([msg(), msg('T', { tags: 'a' })])).not.toThrow();
  });

  it.each([
    ['empty', [], /at least one/],
    ['delay', [msg(), msg().setDelayTimeLevel(2)], /delay level/],
    ['retry topic', [msg('%RETRY%g'), msg('%RETRY%g')], /retry topic/],
    ['mixed topics', [msg('A'), msg('B')], /same topic/],
    ['mixed wait', [msg(), msg('T', { waitStoreMsgOK: false })], /waitStoreMsgOK/],
  ])('rejects %s', (_name, batch, pattern) => {
    expect(() => validateBatch(batch)).toThrow(MQClientError);
    expect(() => validateBatch(batch)).toThrow(pattern);
  });

  it('rejects a batch over the size limit', () => {
    const big = [new Message('T', Buffer.alloc(600)), new Message('T', Buffer.alloc(600))];
    expect(() => validateBatch(big, { maxBodyBytes: 1000 })).toThrow(/over the 1000-byte limit/);
    expect(() => validateBatch(big, { maxBodyBytes: 2000 })).not.toThrow();
  });
});

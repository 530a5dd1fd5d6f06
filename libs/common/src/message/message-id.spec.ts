import * as fs from 'node:fs';
import * as path from 'node:path';
import { MQClientError } from '../errors/rocketmq-error';
import {
  UniqIdGenerator,
  createOffsetMessageId,
  createUniqId,
  decodeOffsetMessageId,
  getIpFromUniqId,
  getNearlyTimeFromUniqId,
  getPidFromUniqId,
  isMessageIdShaped,
} from './message-id';

interface UniqIdCase {
  id: string;
  createdAtMillis: number;
  layoutHex: { ip: string; pid: string; classLoaderHash: string; millisSinceMonthStart: string; counter: string };
  getIPStrFromID: string;
  getPidFromID: number;
  getNearlyTimeFromID: number;
}
interface OffsetIdCase {
  host: string;
  ipBytesHex: string;
  port: number;
  offset: string;
  msgId: string;
  decoded: { address: string; offset: string };
}
type VersionIds = {
  uniqIds: UniqIdCase[];
  capturedUniqIds: Array<Omit<UniqIdCase, 'createdAtMillis' | 'layoutHex'>>;
  offsetMsgIds: OffsetIdCase[];
};
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', 'message-ids.json'), 'utf8')) as Record<
  '4.9.4' | '5.2.0',
  VersionIds
>;
const versions = ['4.9.4', '5.2.0'] as const;

function localMonthStart(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

describe('offset msgId', () => {
  const cases = versions.flatMap((v) => fixture[v].offsetMsgIds.map((c) => [v, c.host, c.offset, c] as const));

  it.each(cases)('%s %s offset %s matches Java createMessageId/decodeMessageId', (_v, _h, _o, c) => {
    const offset = BigInt(c.offset);
    const id = createOffsetMessageId({ address: c.host, port: c.port }, offset);
    expect(id).toBe(c.msgId);
    if (offset <= BigInt(Number.MAX_SAFE_INTEGER)) {
      expect(createOffsetMessageId({ address: c.host, port: c.port }, Number(offset))).toBe(c.msgId);
    }
    const decoded = decodeOffsetMessageId(c.msgId);
    expect(decoded.offsetBigInt).toBe(offset);
    expect(decoded.offset).toBe(Number(offset));
    const javaAddress = decoded.host.address.includes(':')
      ? `/[${decoded.host.address}]:${decoded.host.port}`
      : `/${decoded.host.address}:${decoded.host.port}`;
    expect(javaAddress).toBe(c.decoded.address);
  });

  it('rejects ids that are not 32 or 56 hex characters', () => {
    for (const bad of ['', 'XYZ', '7F00000100002A9F000000000000000', '7F00000100002A9F000000000000000G']) {
      expect(() => decodeOffsetMessageId(bad)).toThrow(MQClientError);
    }
    expect(isMessageIdShaped('7F00000100002A9F0000000000000000')).toBe(true);
    expect(isMessageIdShaped('7F00000100002A9F00000000000000')).toBe(false);
  });
});

describe('unique id (UNIQ_KEY)', () => {
  it.each(versions)('%s: a generator with the same inputs reproduces the Java ids', (v) => {
    const ids = fixture[v].uniqIds;
    const first = ids[0]!;
    const start = localMonthStart(first.createdAtMillis);
    let i = 0;
    const gen = new UniqIdGenerator({
      ip: Buffer.from(first.layoutHex.ip, 'hex'),
      pid: parseInt(first.layoutHex.pid, 16),
      classLoaderHash: Buffer.from(first.layoutHex.classLoaderHash, 'hex').readInt32BE(0),
      now: () => start + parseInt(ids[Math.min(i, ids.length - 1)]!.layoutHex.millisSinceMonthStart, 16),
    });
    for (; i < ids.length; i++) {
      expect(gen.create()).toBe(ids[i]!.id);
    }
  });

  it.each(versions)('%s: decodes ip and pid like Java', (v) => {
    for (const c of [...fixture[v].uniqIds, ...fixture[v].capturedUniqIds]) {
      expect(getIpFromUniqId(c.id)).toBe(c.getIPStrFromID);
      expect(getPidFromUniqId(c.id)).toBe(c.getPidFromID);
    }
  });

  it.each(versions)('%s: nearly-time follows Java (this month unless that is not in the past)', (v) => {
    for (const c of fixture[v].uniqIds) {
      const span = parseInt(c.layoutHex.millisSinceMonthStart, 16);
      const start = localMonthStart(c.createdAtMillis);
      expect(getNearlyTimeFromUniqId(c.id, start + span + 5)).toBe(start + span);
      const prevStart = new Date(new Date(start).getFullYear(), new Date(start).getMonth() - 1, 1).getTime();
      expect(getNearlyTimeFromUniqId(c.id, start + span)).toBe(prevStart + span);
    }
  });

  it('wraps the counter at 16 bits and restarts the delta each month', () => {
    let now = new Date(2026, 0, 31, 23, 59, 59, 999).getTime();
    const gen = new UniqIdGenerator({ ip: '10.0.0.1', pid: 0x12345, classLoaderHash: -1, now: () => now });
    const a = gen.create();
    expect(a.slice(0, 20)).toBe('0A0000012345FFFFFFFF');
    expect(a.slice(-4)).toBe('0000');
    now += 1;
    const b = gen.create();
    expect(b.slice(20, 28)).toBe('00000000');
    for (let i = 0; i < 0xfffe; i++) gen.create();
    expect(gen.create().slice(-4)).toBe('0000');
    const v6 = new UniqIdGenerator({ ip: '2001:db8::1', pid: 1, classLoaderHash: 0, now: () => now }).create();
    expect(v6).toHaveLength(56);
    expect(getIpFromUniqId(v6)).toBe('2001:0db8:0000:0000:0000:0000:0000:0001');
  });

  it('creates distinct well-formed ids from the default generator', () => {
    const ids = new Set(Array.from({ length: 100 }, () => createUniqId()));
    expect(ids.size).toBe(100);
    for (const id of ids) {
      expect(isMessageIdShaped(id)).toBe(true);
      expect(getPidFromUniqId(id)).toBe(process.pid & 0xffff);
    }
  });

  it('rejects malformed ids and IPs', () => {
    expect(() => getPidFromUniqId('nope')).toThrow(MQClientError);
    expect(() => new UniqIdGenerator({ ip: Buffer.alloc(5) })).toThrow(MQClientError);
  });
});

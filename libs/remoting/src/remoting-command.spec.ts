import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemotingCommandError } from '@rocketnest/common';
import { RemotingCommand, SerializeType } from './remoting-command';

interface FixtureFrame {
  code: number;
  opaque: number;
  flag: number;
  serializeType: number;
  headerText?: string;
  headerHex?: string;
  headerJson: Record<string, unknown>;
  bodyHex: string;
  note?: string;
}

const WIRE = join(__dirname, '../../../test/fixtures/apache-rocketmq/wire');

function fixtureFrames(): Array<[string, FixtureFrame]> {
  const out: Array<[string, FixtureFrame]> = [];
  for (const version of readdirSync(WIRE)) {
    for (const file of readdirSync(join(WIRE, version))) {
      if (!file.endsWith('.json') || file === 'codes.json') continue;
      const frames = JSON.parse(readFileSync(join(WIRE, version, file), 'utf8')) as FixtureFrame[];
      frames.forEach((f, i) => out.push([`${version}/${file}#${i}`, f]));
    }
  }
  return out;
}

/** Rebuilds the raw frame (length prefix included) the way the capture proxy recorded it. */
function rawFrame(f: FixtureFrame): Buffer {
  const header = f.serializeType === 1 ? Buffer.from(f.headerHex!, 'hex') : Buffer.from(f.headerText!, 'utf8');
  const body = Buffer.from(f.bodyHex, 'hex');
  const head = Buffer.alloc(8);
  head.writeInt32BE(4 + header.length + body.length, 0);
  head.writeInt32BE((f.serializeType << 24) | header.length, 4);
  return Buffer.concat([head, header, body]);
}

describe('RemotingCommand golden bytes', () => {
  // protocol.md §1.1: GET_ROUTEINFO_BY_TOPIC(105), topic T1, opaque 1, version 479, verified against the 5.2.0 jar.
  const jsonText =
    '{"code":105,"extFields":{"topic":"T1"},"flag":0,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":479}';
  const binaryHex =
    '00000026010000220069' +
    '00' +
    '01df' +
    '00000001' +
    '00000000' +
    '00000000' +
    '0000000d' +
    '0005746f706963' +
    '000000025431';

  function example(type: SerializeType): RemotingCommand {
    const cmd = RemotingCommand.createRequest(105, { topic: 'T1' });
    cmd.opaque = 1;
    cmd.version = 479;
    cmd.serializeType = type;
    return cmd;
  }

  it('encodes the protocol.md JSON example byte for byte', () => {
    const frame = example(SerializeType.JSON).encode();
    expect(frame.readInt32BE(0)).toBe(0x80);
    expect(frame.readInt32BE(4)).toBe(0x7c);
    expect(frame.subarray(8).toString('utf8')).toBe(jsonText);
  });

  it('encodes the protocol.md ROCKETMQ example byte for byte', () => {
    expect(example(SerializeType.ROCKETMQ).encode().toString('hex')).toBe(binaryHex);
  });

  it('decodes the ROCKETMQ example', () => {
    const cmd = RemotingCommand.decode(Buffer.from(binaryHex, 'hex').subarray(4));
    expect(cmd).toMatchObject({ code: 105, language: 'JAVA', version: 479, opaque: 1, flag: 0, serializeType: 1 });
    expect(cmd.extFields).toEqual({ topic: 'T1' });
    expect(cmd.body).toBeUndefined();
  });

  const frames = fixtureFrames();

  it('finds the captured fixture frames', () => {
    expect(frames.length).toBeGreaterThan(1000);
  });

  it('decodes every captured frame and re-encodes it byte-identically', () => {
    const mismatches: string[] = [];
    for (const [name, f] of frames) {
      const raw = rawFrame(f);
      const cmd = RemotingCommand.decode(raw.subarray(4));
      if (
        cmd.code !== f.code ||
        cmd.opaque !== f.opaque ||
        cmd.flag !== f.flag ||
        cmd.serializeType !== f.serializeType
      ) {
        mismatches.push(`${name}: header fields differ`);
        continue;
      }
      expect(cmd.language).toBe(f.headerJson.language);
      expect(cmd.version).toBe(f.headerJson.version);
      const again = cmd.encode();
      if (!again.equals(raw))
        mismatches.push(`${name}: ${again.subarray(8, 200).toString()} vs ${raw.subarray(8, 200).toString()}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps extFields and body of a captured REGISTER_BROKER request', () => {
    const [, reg] = frames.find(([n, f]) => n.startsWith('4.9.4/broker-registration') && f.code === 103)!;
    const cmd = RemotingCommand.decode(rawFrame(reg).subarray(4));
    expect(cmd.extFields).toMatchObject({ brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', brokerId: '0' });
    expect(cmd.body?.toString('utf8')).toContain('"topicConfigSerializeWrapper"');
  });
});

describe('RemotingCommand round trip', () => {
  const cases: Array<[string, () => RemotingCommand]> = [
    ['empty body, no ext fields', () => RemotingCommand.createRequest(34)],
    [
      'ext fields and body',
      () => RemotingCommand.createRequest(310, { a: 'g', b: 'Topic', e: 3, m: false }, Buffer.from('hello')),
    ],
    [
      'unicode remark and values',
      () => {
        const c = RemotingCommand.createResponse(17, 'No route for "Zürich" 主题 🚀', {
          city: 'Zürich',
          note: 'a\u0001b\u0002',
        });
        c.opaque = 99;
        return c;
      },
    ],
    ['binary body', () => RemotingCommand.createRequest(11, { queueId: 1 }, Buffer.from([0, 1, 2, 255, 254]))],
    [
      'oneway, negative opaque',
      () => {
        const c = RemotingCommand.createRequest(15, { offset: 10n }).markOneway();
        c.opaque = -5;
        return c;
      },
    ],
  ];

  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ] as const) {
    for (const [name, make] of cases) {
      it(`${type === 0 ? 'JSON' : 'ROCKETMQ'}: ${name}`, () => {
        const cmd = make();
        cmd.serializeType = type;
        const frame = cmd.encode();
        expect(frame.readInt32BE(0)).toBe(frame.length - 4);
        const back = RemotingCommand.decode(frame.subarray(4));
        expect(back.code).toBe(cmd.code);
        expect(back.opaque).toBe(cmd.opaque);
        expect(back.flag).toBe(cmd.flag);
        expect(back.version).toBe(cmd.version);
        expect(back.language).toBe('JAVA');
        expect(back.remark).toBe(cmd.remark);
        expect(back.extFields ?? {}).toEqual(cmd.extFields ?? {});
        expect(back.body ?? Buffer.alloc(0)).toEqual(cmd.body ?? Buffer.alloc(0));
        expect(back.serializeType).toBe(type);
        expect(back.encode().equals(frame)).toBe(true);
      });
    }
  }

  it('escapes JSON header strings exactly as JSON.stringify does', () => {
    const tricky = ['plain', 'a"b', 'back\\slash', 'ctl\u0001\u0002\n\t', 'é Zürich', '🚀', 'lone \ud800', '\u2028'];
    for (const value of tricky) {
      const cmd = RemotingCommand.createRequest(1, { [value]: value });
      cmd.remark = value;
      const header = cmd.jsonHeader();
      expect(header).toContain(`${JSON.stringify(value)}:${JSON.stringify(value)}`);
      expect(header).toContain(`"remark":${JSON.stringify(value)}`);
      const back = RemotingCommand.decode(cmd.encode().subarray(4));
      expect(back.remark).toBe(JSON.parse(JSON.stringify(value)));
    }
  });

  it('stringifies ext values and drops null/undefined ones', () => {
    const cmd = RemotingCommand.createRequest(1, { a: 1, b: true, c: undefined, d: null, e: 'x' });
    expect(cmd.extFields).toEqual({ a: '1', b: 'true', e: 'x' });
  });

  it('sets response and oneway flags', () => {
    const r = RemotingCommand.createResponse(0);
    expect(r.isResponse()).toBe(true);
    expect(r.flag).toBe(1);
    const q = RemotingCommand.createRequest(1).markOneway();
    expect(q.isOneway()).toBe(true);
    expect(q.isResponse()).toBe(false);
  });

  it('draws increasing opaques for requests', () => {
    const a = RemotingCommand.createRequest(1).opaque;
    const b = RemotingCommand.createRequest(1).opaque;
    expect(b).toBe(a + 1);
  });

  it('accepts lenient JSON header values the Java side accepts', () => {
    const text = '{"code":105,"extFields":{"queueId":1,"flag":true,"gone":null},"language":0,"opaque":"7"}';
    const hdr = Buffer.from(text);
    const frame = Buffer.alloc(4 + hdr.length);
    frame.writeInt32BE(hdr.length, 0);
    hdr.copy(frame, 4);
    const cmd = RemotingCommand.decode(frame);
    expect(cmd.extFields).toEqual({ queueId: '1', flag: 'true' });
    expect(cmd.language).toBe('JAVA');
    expect(cmd.opaque).toBe(7);
    expect(cmd.version).toBe(0);
  });
});

describe('RemotingCommand hostile input', () => {
  function frameOf(type: number, header: Buffer, body = Buffer.alloc(0)): Buffer {
    const f = Buffer.alloc(4 + header.length + body.length);
    f.writeInt32BE(((type << 24) | header.length) >>> 0, 0);
    header.copy(f, 4);
    body.copy(f, 4 + header.length);
    return f;
  }

  it('rejects a frame whose header length exceeds the frame', () => {
    const f = Buffer.alloc(10);
    f.writeInt32BE(100, 0);
    expect(() => RemotingCommand.decode(f)).toThrow(RemotingCommandError);
    expect(() => RemotingCommand.decode(f)).toThrow(/header length 100/);
  });

  it('rejects an unknown serialize type', () => {
    expect(() => RemotingCommand.decode(frameOf(7, Buffer.from('{}')))).toThrow(/Unknown serialize type 7/);
  });

  it('rejects broken JSON, non-object JSON and a header without a code', () => {
    expect(() => RemotingCommand.decode(frameOf(0, Buffer.from('{"code":')))).toThrow(RemotingCommandError);
    expect(() => RemotingCommand.decode(frameOf(0, Buffer.from('[1,2]')))).toThrow(/not an object/);
    expect(() => RemotingCommand.decode(frameOf(0, Buffer.from('{"flag":0}')))).toThrow(/code/);
    expect(() => RemotingCommand.decode(frameOf(0, Buffer.from('{"code":1,"extFields":[1]}')))).toThrow(
      RemotingCommandError,
    );
    expect(() => RemotingCommand.decode(frameOf(0, Buffer.from('{"code":1,"language":99}')))).toThrow(/language/);
  });

  it('keeps a __proto__ ext field as plain data', () => {
    const text = '{"code":1,"extFields":{"__proto__":"x","a":"b"}}';
    const hdr = Buffer.from(text);
    const frame = Buffer.alloc(4 + hdr.length);
    frame.writeInt32BE(hdr.length, 0);
    hdr.copy(frame, 4);
    const cmd = RemotingCommand.decode(frame);
    expect(Object.getPrototypeOf(cmd.extFields)).toBe(Object.prototype);
    expect(Object.keys(cmd.extFields!)).toEqual(['__proto__', 'a']);
    const bin = RemotingCommand.decode(
      Object.assign(cmd, { serializeType: SerializeType.ROCKETMQ }).encode().subarray(4),
    );
    expect(Object.keys(bin.extFields!)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(bin.extFields)).toBe(Object.prototype);
  });

  it('rejects a truncated frame', () => {
    expect(() => RemotingCommand.decode(Buffer.alloc(2))).toThrow(RemotingCommandError);
  });

  it('rejects binary headers with overrunning remark or ext lengths', () => {
    const good = RemotingCommand.createRequest(105, { topic: 'T1' });
    good.serializeType = SerializeType.ROCKETMQ;
    const frame = good.encode().subarray(4);
    const short = Buffer.from(frame.subarray(0, 4 + 10));
    short.writeInt32BE((1 << 24) | 10, 0);
    expect(() => RemotingCommand.decode(short)).toThrow(/shorter than 21/);
    const badRemark = Buffer.from(frame);
    badRemark.writeInt32BE(1000, 4 + 13);
    expect(() => RemotingCommand.decode(badRemark)).toThrow(/remark length/);
    const badExt = Buffer.from(frame);
    badExt.writeInt32BE(1000, 4 + 17);
    expect(() => RemotingCommand.decode(badExt)).toThrow(/extFields length/);
    const badKey = Buffer.from(frame);
    badKey.writeInt16BE(300, 4 + 21);
    expect(() => RemotingCommand.decode(badKey)).toThrow(/key overruns/);
  });

  it('never throws anything but RemotingCommandError on random bytes', () => {
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const len = rand() % 64;
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = rand() & 0xff;
      if (len >= 4 && i % 2 === 0) buf.writeUInt32BE(((rand() % 2) << 24) | (rand() % (len - 3)), 0);
      try {
        RemotingCommand.decode(buf);
      } catch (err) {
        expect(err).toBeInstanceOf(RemotingCommandError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });

  it('encodeHead followed by the body is the same bytes as encode', () => {
    for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      for (const body of [undefined, Buffer.alloc(0), Buffer.from('x'.repeat(70000))]) {
        const cmd = RemotingCommand.createResponse(0, 'r\u00e9mark', { a: '1', b: 'ünï' });
        cmd.serializeType = serializeType;
        cmd.body = body;
        const head = cmd.encodeHead();
        expect(Buffer.concat([head, body ?? Buffer.alloc(0)])).toEqual(cmd.encode());
      }
    }
  });
});

import { readFileSync } from 'fs';
import { join } from 'path';
import { RemotingCommandError } from '../errors/rocketmq-error';
import { JavaMap, javaMapEntries, parseJavaJson } from './java-json-reader';
import { formatJavaDouble, javaDouble, toJavaJson } from './java-json-writer';

interface WireBody {
  version: string;
  file: string;
  name: string;
  bodyText: string;
}

const wireBodies = JSON.parse(
  readFileSync(join(__dirname, '../protocol/body/__fixtures__/wire-bodies.json'), 'utf8'),
) as WireBody[];

describe('parseJavaJson', () => {
  it('parses standard JSON like JSON.parse', () => {
    const text = '{"a":[1,2.5,-3e2,true,false,null,"x\\n\\u00e9\\"\\\\"],"b":{},"c":[]}';
    expect(parseJavaJson(text)).toEqual(JSON.parse(text));
  });

  it('accepts fastjson bare integer keys as string keys', () => {
    expect(parseJavaJson('{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921",-1:"x"}}')).toEqual({
      brokerAddrs: { '0': '127.0.0.1:10911', '1': '127.0.0.1:10921', '-1': 'x' },
    });
  });

  it('accepts identifier keys, single-quoted strings and odd escapes', () => {
    expect(parseJavaJson("{topic:'T\\'s',q:'\\x41\\/'}")).toEqual({ topic: "T's", q: 'A/' });
  });

  it('turns an object with object keys into a JavaMap keeping parsed keys in order', () => {
    const v = parseJavaJson('{"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:{"maxOffset":2},"plain":3}}');
    const table = (v as { offsetTable: unknown }).offsetTable;
    expect(table).toBeInstanceOf(JavaMap);
    expect(javaMapEntries(table)).toEqual([
      [{ brokerName: 'b', queueId: 1, topic: 'T' }, { maxOffset: 2 }],
      ['plain', 3],
    ]);
    expect((table as JavaMap).getString('plain')).toBe(3);
  });

  it('keeps integers beyond 2^53 exact as bigint by default, or as asked', () => {
    const text = '{"a":9223372036854775807,"b":-9223372036854775808,"c":9007199254740991,"d":12345678901234567890123}';
    expect(parseJavaJson(text)).toEqual({
      a: 9223372036854775807n,
      b: -9223372036854775808n,
      c: 9007199254740991,
      d: 12345678901234567890123n,
    });
    expect(parseJavaJson('[9223372036854775807]', { bigIntegers: 'string' })).toEqual(['9223372036854775807']);
    expect(parseJavaJson('[9223372036854775807]', { bigIntegers: 'number' })).toEqual([2 ** 63]);
    expect(parseJavaJson('[1.5e300, 0.0, -0.25]')).toEqual([1.5e300, 0, -0.25]);
  });

  it('never sets the prototype from a __proto__ key', () => {
    const v = parseJavaJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts trailing commas, fastjson whitespace, and UTF-8 bytes', () => {
    expect(parseJavaJson('\f[1,2,]\b')).toEqual([1, 2]);
    expect(parseJavaJson(Buffer.from('{"k":"中文é",}', 'utf8'))).toEqual({ k: '中文é' });
  });

  it('parses every JSON body captured from Java 4.9.4 and 5.2.0', () => {
    expect(wireBodies.length).toBeGreaterThan(50);
    for (const b of wireBodies) {
      expect(() => parseJavaJson(b.bodyText)).not.toThrow();
    }
    const cluster = wireBodies.find((b) => b.name === 'GET_BROKER_CLUSTER_INFO/response/SUCCESS')!;
    expect(cluster.bodyText).toContain('{0:"127.0.0.1');
    expect(parseJavaJson(cluster.bodyText)).toMatchObject({
      brokerAddrTable: { 'broker-a': { brokerAddrs: { '0': expect.stringMatching(/^127\.0\.0\.1:109\d1$/) } } },
    });
  });

  describe('hostile input', () => {
    const bad = [
      '',
      '   ',
      '{',
      '[',
      '{"a"',
      '{"a":',
      '{"a":1',
      '{"a":1,',
      '[1,',
      '"abc',
      "'abc",
      '"\\u12"',
      '"\\q"',
      '{"a" 1}',
      '{:1}',
      '[1 2]',
      'tru',
      'nul',
      'NaN',
      'Infinity',
      '-',
      '.',
      '1e',
      '1e+',
      '{} {}',
      '}',
      ']',
      '{"a":1]',
      '[1}',
      '\u0000',
      'hello',
    ];
    it.each(bad)('rejects %j with a RemotingCommandError', (text) => {
      expect(() => parseJavaJson(text)).toThrow(RemotingCommandError);
    });

    it('rejects nesting beyond maxDepth without overflowing the stack', () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      expect(() => parseJavaJson(deep)).toThrow(/nesting deeper than 512/);
      expect(parseJavaJson('[[[1]]]', { maxDepth: 3 })).toEqual([[[1]]]);
      expect(() => parseJavaJson('[[[[1]]]]', { maxDepth: 3 })).toThrow(RemotingCommandError);
      const deepKeys = '{'.repeat(600) + '1:1' + '}'.repeat(600);
      expect(() => parseJavaJson(deepKeys)).toThrow(RemotingCommandError);
    });

    it('rejects every truncation of real bodies with a RemotingCommandError', () => {
      for (const b of wireBodies.slice(0, 12)) {
        const t = b.bodyText;
        for (let cut = 0; cut < t.length; cut += Math.max(1, Math.floor(t.length / 97))) {
          expect(() => parseJavaJson(t.slice(0, cut))).toThrow(RemotingCommandError);
        }
      }
    });

    it('throws only RemotingCommandError on random bytes', () => {
      let seed = 12345;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed;
      };
      const alphabet = '{}[]:,"\'\\0123456789-+.eEtrufalsn xu{}';
      for (let i = 0; i < 2000; i++) {
        let s = '';
        const len = rnd() % 24;
        for (let j = 0; j < len; j++) s += alphabet[rnd() % alphabet.length];
        try {
          parseJavaJson(s);
        } catch (e) {
          expect(e).toBeInstanceOf(RemotingCommandError);
        }
      }
    });

    it('parses huge numbers without hanging or throwing', () => {
      const digits = '9'.repeat(5000);
      expect(typeof parseJavaJson(digits)).toBe('bigint');
      expect(parseJavaJson(`1${'0'.repeat(400)}.5`)).toBe(Infinity);
      expect(parseJavaJson('1e99999')).toBe(Infinity);
    });
  });
});

describe('toJavaJson', () => {
  it('sorts bean members, omits null/undefined, keeps array nulls', () => {
    expect(toJavaJson({ b: 1, a: 'x', n: null, u: undefined, arr: [null, undefined, 1] })).toBe(
      '{"a":"x","arr":[null,null,1],"b":1}',
    );
    expect(toJavaJson({ b: 1, a: 2 }, { sortKeys: false })).toBe('{"b":1,"a":2}');
  });

  it('escapes like fastjson', () => {
    expect(toJavaJson('a"b\\c\n\t\r\b\f\u0001\u0002\u001f\u007f\u0085\u2028/é中')).toBe(
      '"a\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u0002\\u001F\\u007F\\u0085\\u2028/é中"',
    );
    expect(toJavaJson('é中/\u007f', { browserCompatible: true })).toBe('"\\u00E9\\u4E2D\\/\\u007F"');
    expect(parseJavaJson(toJavaJson('x\u2029/\u0000', { browserCompatible: true }))).toBe('x\u2029/\u0000');
  });

  it('writes Java maps in insertion order with quoted or bare number keys', () => {
    const m = new Map<number, string>([
      [1, 'b'],
      [0, 'a'],
    ]);
    expect(toJavaJson({ brokerAddrs: m })).toBe('{"brokerAddrs":{"1":"b","0":"a"}}');
    expect(toJavaJson({ brokerAddrs: m }, { style: 'fastjson' })).toBe('{"brokerAddrs":{1:"b",0:"a"}}');
  });

  it('writes object map keys as JSON strings (standard) or raw objects (fastjson), both readable back', () => {
    const mq = { topic: 'T', brokerName: 'b', queueId: 0 };
    const value = { offsetTable: new Map([[mq, 5]]) };
    const std = toJavaJson(value);
    expect(std).toBe('{"offsetTable":{"{\\"brokerName\\":\\"b\\",\\"queueId\\":0,\\"topic\\":\\"T\\"}":5}}');
    const fj = toJavaJson(value, { style: 'fastjson' });
    expect(fj).toBe('{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:5}}');
    expect(javaMapEntries((parseJavaJson(fj) as { offsetTable: unknown }).offsetTable)).toEqual([
      [{ brokerName: 'b', queueId: 0, topic: 'T' }, 5],
    ]);
    expect(JSON.parse(std)).toEqual({ offsetTable: { '{"brokerName":"b","queueId":0,"topic":"T"}': 5 } });
  });

  it('writes sets, bytes, dates, bigints, doubles and unsafe longs the Java way', () => {
    expect(toJavaJson(new Set(['a', 'b']))).toBe('["a","b"]');
    expect(toJavaJson(Buffer.from([1, 2, 3]))).toBe('"AQID"');
    expect(toJavaJson(new Date(1700000000000))).toBe('1700000000000');
    expect(toJavaJson(9223372036854775807n)).toBe('9223372036854775807');
    expect(toJavaJson(99999999999999999999n)).toBe('9223372036854775807');
    expect(toJavaJson(2 ** 63)).toBe('9223372036854775807');
    expect(toJavaJson(1e21)).toBe('9223372036854775807');
    expect(toJavaJson(9223372036854775807n, { browserCompatible: true })).toBe('"9223372036854775807"');
    expect(toJavaJson([NaN, Infinity])).toBe('[null,null]');
    expect(toJavaJson({ consumeTps: javaDouble(0) })).toBe('{"consumeTps":0.0}');
    expect(toJavaJson(javaDouble(1.5))).toBe('1.5');
  });

  it('formats doubles as Java Double.toString', () => {
    expect(formatJavaDouble(0)).toBe('0.0');
    expect(formatJavaDouble(3)).toBe('3.0');
    expect(formatJavaDouble(0.001)).toBe('0.001');
    expect(formatJavaDouble(0.0001)).toBe('1.0E-4');
    expect(formatJavaDouble(1e7)).toBe('1.0E7');
    expect(formatJavaDouble(12345678.9)).toBe('1.23456789E7');
    expect(formatJavaDouble(-2.5)).toBe('-2.5');
  });

  it('reproduces the broker config file pretty format byte for byte', () => {
    const text = readFileSync(join(__dirname, '__fixtures__/consumerOffset.json'), 'utf8');
    const table = new Map<string, Map<number, number>>();
    for (const [k, v] of Object.entries(
      (parseJavaJson(text) as { offsetTable: Record<string, Record<string, number>> }).offsetTable,
    )) {
      table.set(k, new Map(Object.entries(v).map(([q, o]) => [Number(q), o])));
    }
    expect(toJavaJson({ offsetTable: table }, { pretty: true, style: 'fastjson' })).toBe(text);
  });

  it('rejects cycles with a TypeError', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => toJavaJson(a)).toThrow(TypeError);
  });

  it('round-trips through parseJavaJson', () => {
    const value = { s: 'x\u0001y"z', n: -12, f: 0.5, b: true, arr: [1, 'a', { k: [] }], o: { nested: { deep: 'é' } } };
    expect(parseJavaJson(toJavaJson(value))).toEqual(value);
    expect(parseJavaJson(toJavaJson(value, { pretty: true }))).toEqual(value);
    expect(parseJavaJson(toJavaJson(value, { browserCompatible: true }))).toEqual(value);
  });
});

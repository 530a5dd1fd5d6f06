import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendMessageProperties, decodeMessageProperties, encodeMessageProperties } from './message-properties';

interface PropertiesCase {
  'map (insertion order)': Record<string, string>;
  messageProperties2String: string;
  utf8Hex: string;
  string2messageProperties: Record<string, string>;
}
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'message-records.json'), 'utf8'),
) as Record<'4.9.4' | '5.2.0', { propertiesString: PropertiesCase[] }>;

describe('message properties string', () => {
  describe.each([
    ['4.9.4', false],
    ['5.2.0', true],
  ] as const)('golden %s', (version, trailingSeparator) => {
    const cases = fixture[version].propertiesString;
    it.each(cases.map((c, i) => [i, c] as const))('case %i encodes and decodes like Java', (_i, c) => {
      const encoded = encodeMessageProperties(c['map (insertion order)'], { trailingSeparator });
      expect(encoded).toBe(c.messageProperties2String);
      expect(Buffer.from(encoded, 'utf8').toString('hex')).toBe(c.utf8Hex);
      expect(decodeMessageProperties(c.messageProperties2String)).toEqual(c.string2messageProperties);
    });
  });

  it('defaults to the 5.x form with a trailing separator', () => {
    expect(encodeMessageProperties({ a: '1', b: '2' })).toBe('a\u00011\u0002b\u00012\u0002');
    expect(encodeMessageProperties({ a: '1', b: '2' }, { trailingSeparator: false })).toBe('a\u00011\u0002b\u00012');
  });

  it('skips undefined and null values and encodes nothing for empty input', () => {
    expect(encodeMessageProperties({ a: undefined, b: null, c: 'x' })).toBe('c\u0001x\u0002');
    expect(encodeMessageProperties({})).toBe('');
    expect(encodeMessageProperties(undefined)).toBe('');
  });

  it('round-trips unicode names and values', () => {
    const props = { 城市: 'Zürich', emoji: '😀 ok', KEYS: 'k1 k2' };
    expect(decodeMessageProperties(encodeMessageProperties(props))).toEqual(props);
    expect(decodeMessageProperties(encodeMessageProperties(props, { trailingSeparator: false }))).toEqual(props);
  });

  it('drops empty names and values and tolerates garbage', () => {
    expect(decodeMessageProperties('\u0001v\u0002a\u0001\u0002b\u0001x\u0002')).toEqual({ b: 'x' });
    expect(decodeMessageProperties('no separators at all')).toEqual({});
    expect(decodeMessageProperties('\u0002\u0002\u0001\u0001')).toEqual({});
    expect(decodeMessageProperties('a\u0001b\u0001c')).toEqual({ a: 'b\u0001c' });
    expect(decodeMessageProperties('')).toEqual({});
  });

  it('never lets a peer set the prototype through __proto__', () => {
    const map = decodeMessageProperties('__proto__\u0001evil\u0002a\u00011');
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(Object.keys(map)).toEqual(['__proto__', 'a']);
    expect(map['__proto__']).toBe('evil');
    expect(encodeMessageProperties(map)).toBe('__proto__\u0001evil\u0002a\u00011\u0002');
  });

  it('appends properties whether or not the first ends with a separator', () => {
    expect(decodeMessageProperties(appendMessageProperties('a\u00011', 'b\u00012\u0002'))).toEqual({ a: '1', b: '2' });
    expect(appendMessageProperties('a\u00011\u0002', 'b\u00012')).toBe('a\u00011\u0002b\u00012');
    expect(appendMessageProperties('', 'b\u00012')).toBe('b\u00012');
  });
});

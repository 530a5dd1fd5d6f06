/**
 * The message properties string (Java `MessageDecoder.messageProperties2String` / `string2messageProperties`,
 * protocol.md §4.4). It travels in the stored record (int16 length + UTF-8 bytes) and in the send header
 * (`properties` / `i`).
 *
 * ```
 * name 0x01 value 0x02 name 0x01 value 0x02 ...
 * ```
 * 5.x writes 0x02 after every pair, 4.9.x omits it after the last one. Both decoders accept both forms. A pair is kept
 * only when its name and its value are non-empty (Java drops `a=""` on decode).
 */
import { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from './message-const';

/** Longest properties string a record can carry, in UTF-8 bytes (int16 length field). */
export const MAX_PROPERTIES_LENGTH = 32767;

export interface EncodeMessagePropertiesOptions {
  /**
   * Write 0x02 after the last pair too (5.x behaviour). `false` reproduces 4.9.x byte for byte. Default true.
   */
  trailingSeparator?: boolean;
}

/**
 * Sets an own enumerable property even for the name `__proto__`, so that a peer-chosen property name can never change
 * an object's prototype.
 */
export function setOwnProperty(target: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}

/**
 * Encodes properties in insertion order; `undefined`/`null` values are skipped (as Java skips null values).
 */
export function encodeMessageProperties(
  properties: Readonly<Record<string, string | undefined | null>> | undefined | null,
  options: EncodeMessagePropertiesOptions = {},
): string {
  if (!properties) return '';
  let out = '';
  for (const name in properties) {
    if (!Object.prototype.hasOwnProperty.call(properties, name)) continue;
    const value = properties[name];
    if (value === undefined || value === null) continue;
    out += name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  }
  if (options.trailingSeparator === false && out.length > 0) out = out.slice(0, -1);
  return out;
}

/**
 * Decodes a properties string exactly as Java 5.x `string2messageProperties` does (it also reads the 4.9.x form).
 * Later duplicates of a name win. Never throws.
 */
export function decodeMessageProperties(s: string | undefined | null): Record<string, string> {
  const map: Record<string, string> = {};
  if (!s) return map;
  const len = s.length;
  let index = 0;
  while (index < len) {
    let end = s.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = len;
    if (end - index >= 3) {
      const sep = s.indexOf(NAME_VALUE_SEPARATOR, index);
      if (sep > index && sep < end - 1) {
        setOwnProperty(map, s.slice(index, sep), s.slice(sep + 1, end));
      }
    }
    index = end + 1;
  }
  return map;
}

/**
 * Concatenates two properties strings so that the result decodes to the union (the second wins on duplicates): adds
 * the 0x02 the first one may lack (4.9.x form), as the broker does when it appends batch-level properties.
 */
export function appendMessageProperties(base: string, extra: string): string {
  if (base.length === 0) return extra;
  if (extra.length === 0) return base;
  return base.endsWith(PROPERTY_SEPARATOR) ? base + extra : base + PROPERTY_SEPARATOR + extra;
}

import { instanceToPlain, plainToInstance } from 'class-transformer';
import { MessageConversionError } from './rocketmq.errors';

/** A class constructor a listener can declare as its payload type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PayloadType = abstract new (...args: any[]) => unknown;

/**
 * Turns payloads into message bodies and back (rocketmq-spring `RocketMQMessageConverter`). Replace it with
 * `RocketMQModule.forRoot({ messageConverter })`.
 */
export interface RocketMQMessageConverter {
  /** Payload → body bytes. */
  toBody(payload: unknown): Buffer;
  /**
   * Body bytes → the listener's declared type (`String`, `Buffer`, a class, or undefined for "parse JSON if it is
   * JSON, else the string").
   */
  fromBody(body: Buffer, type: PayloadType | undefined): unknown;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The default converter: `Buffer`/`Uint8Array` and `string` pass through (UTF-8), everything else is JSON; class
 * instances go through class-transformer's `instanceToPlain` (so `@Exclude`/`@Expose`/`@Transform` apply) and a
 * declared class comes back through `plainToInstance`.
 */
export class DefaultRocketMQMessageConverter implements RocketMQMessageConverter {
  toBody(payload: unknown): Buffer {
    if (payload === undefined || payload === null) {
      throw new MessageConversionError('The message payload cannot be empty (null or undefined)');
    }
    if (Buffer.isBuffer(payload)) return payload;
    if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
    try {
      const plain =
        typeof payload === 'object' && !Array.isArray(payload) && !isPlainObject(payload)
          ? instanceToPlain(payload)
          : payload;
      const json = JSON.stringify(plain);
      if (json === undefined) throw new Error(`${typeof payload} has no JSON form`);
      return Buffer.from(json, 'utf8');
    } catch (err) {
      throw new MessageConversionError(`Could not convert the payload to JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  fromBody(body: Buffer, type: PayloadType | undefined): unknown {
    if (type === (Buffer as unknown as PayloadType) || type === (Uint8Array as unknown as PayloadType)) return body;
    const text = body.toString('utf8');
    if (type === (String as unknown as PayloadType)) return text;
    if (type === undefined || type === (Object as unknown as PayloadType)) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new MessageConversionError(`Cannot convert the message body to ${type.name}: it is not JSON`, {
        cause: err,
      });
    }
    if (type === (Number as unknown as PayloadType) || type === (Boolean as unknown as PayloadType)) return parsed;
    if (type === (Array as unknown as PayloadType)) {
      if (!Array.isArray(parsed)) throw new MessageConversionError('Cannot convert the message body to Array');
      return parsed;
    }
    if (parsed === null || typeof parsed !== 'object') {
      throw new MessageConversionError(`Cannot convert the message body to ${type.name}: expected a JSON object`);
    }
    return plainToInstance(type as new () => unknown, parsed);
  }
}

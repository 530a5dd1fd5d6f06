/**
 * BATCH_ACK_MESSAGE (200151, 5.1.4+) body `BatchAckMessageRequestBody`: `{"acks":[BatchAck…],"brokerName":"…"}`.
 * BatchAck keys are fastjson `@JSONField` short names (`c t r so q rq pt it b`); the long names are accepted on input.
 * `b` is Java `BitSet.toByteArray()` as a base64 string (bit i = byte i/8, bit i%8): offsets `so + i` acked.
 */
import { arr, asObject, encodeBody, num, parseObjectBody, str, type JsonObject } from './body-json';
import { RemotingCommandError } from '../../errors/rocketmq-error';

export interface BatchAck {
  consumerGroup: string;
  topic: string;
  /** Retry flag: `"0"` normal, `"1"` POP retry V1, `"2"` POP retry V2. */
  retry: string;
  startOffset: number;
  queueId: number;
  reviveQueueId: number;
  popTime: number;
  invisibleTime: number;
  /** Acked positions relative to `startOffset`, ascending. */
  ackedIndexes: number[];
}

export interface BatchAckMessageRequestBody {
  brokerName: string;
  acks: BatchAck[];
}

/** Java `BitSet.toByteArray()` of the given bit indexes. */
export function bitSetToBytes(indexes: readonly number[]): Buffer {
  const max = indexes.reduce((m, i) => Math.max(m, i), -1);
  const out = Buffer.alloc(max < 0 ? 0 : (max >> 3) + 1);
  for (const i of indexes) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** Set bit indexes of a Java `BitSet.valueOf(bytes)`. */
export function bitSetFromBytes(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let b = 0; b < bytes.length; b++) {
    for (let bit = 0; bit < 8; bit++) if ((bytes[b]! & (1 << bit)) !== 0) out.push(b * 8 + bit);
  }
  return out;
}

export function encodeBatchAckMessageRequestBody(body: BatchAckMessageRequestBody): Buffer {
  return encodeBody({
    acks: body.acks.map((a) => ({
      b: bitSetToBytes(a.ackedIndexes).toString('base64'),
      c: a.consumerGroup,
      it: a.invisibleTime,
      pt: a.popTime,
      q: a.queueId,
      r: a.retry,
      rq: a.reviveQueueId,
      so: a.startOffset,
      t: a.topic,
    })),
    brokerName: body.brokerName,
  });
}

export function decodeBatchAckMessageRequestBody(
  body: Uint8Array | string | null | undefined,
): BatchAckMessageRequestBody {
  const path = 'BatchAckMessageRequestBody';
  const o = parseObjectBody(body, path);
  return {
    brokerName: str(o, 'brokerName', path),
    acks: arr(o, 'acks', path).map((v, i) => decodeBatchAck(asObject(v, `${path}.acks[${i}]`), `${path}.acks[${i}]`)),
  };
}

function decodeBatchAck(o: JsonObject, path: string): BatchAck {
  const pick = (short: string, long: string): string => (o[short] !== undefined && o[short] !== null ? short : long);
  const bits = o[pick('b', 'bitSet')];
  let bytes: Uint8Array;
  if (bits === undefined || bits === null) bytes = new Uint8Array(0);
  else if (typeof bits === 'string') bytes = Buffer.from(bits, 'base64');
  else if (Array.isArray(bits) && bits.every((x) => typeof x === 'number')) bytes = Uint8Array.from(bits);
  else throw new RemotingCommandError(`Invalid body field ${path}.b: expected a base64 string`);
  return {
    consumerGroup: str(o, pick('c', 'consumerGroup'), path),
    topic: str(o, pick('t', 'topic'), path),
    retry: str(o, pick('r', 'retry'), path),
    startOffset: num(o, pick('so', 'startOffset'), path),
    queueId: num(o, pick('q', 'queueId'), path),
    reviveQueueId: num(o, pick('rq', 'reviveQueueId'), path),
    popTime: num(o, pick('pt', 'popTime'), path),
    invisibleTime: num(o, pick('it', 'invisibleTime'), path),
    ackedIndexes: bitSetFromBytes(bytes),
  };
}

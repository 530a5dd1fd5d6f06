/**
 * REGISTER_BROKER (103) body — Java `RegisterBrokerBody` (protocol.md §2.3.19).
 *
 * Uncompressed (what Java brokers send; 5.x always says `compressed=false`): JSON
 * `{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{…},"topicConfigTable":{…}}}`.
 *
 * Compressed (`compressed=true` in the header): zlib stream (Java `Deflater(BEST_COMPRESSION)`, zlib header) of
 *   int32 BE  len, DataVersion JSON
 *   int32 BE  topicCount, then per topic: int32 BE len, TopicConfig compact text (see topic-config.ts)
 *   int32 BE  len, filterServerList JSON array
 *   [5.x]     int32 BE mappingCount, then per mapping: int32 BE len, TopicQueueMappingInfo JSON
 * The compact form loses `topicSysFlag` and `order`.
 *
 * `bodyCrc32` in the header is `crc32(body as sent) & 0x7FFFFFFF` (0 = not checked).
 */
import * as zlib from 'zlib';
import { RemotingCommandError } from '../../errors/rocketmq-error';
import { parseJavaJson } from '../../json/java-json-reader';
import { toJavaJson } from '../../json/java-json-writer';
import { asObject, encodeBody, parseBody, setOwn, strArr } from './body-json';
import { dataVersionFromJson, dataVersionToJson } from './data-version';
import {
  emptyTopicConfigWrapper,
  topicConfigFromText,
  topicConfigToText,
  topicConfigWrapperFromJson,
  topicConfigWrapperToJson,
  type TopicConfigSerializeWrapper,
} from './topic-config';

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  /** Legacy filter servers; usually empty. */
  filterServerList: string[];
}

export interface RegisterBrokerBodyDecodeOptions {
  /** Cap on the inflated size of a compressed body, bytes. Default 64 MiB. */
  maxInflatedBytes?: number;
}

const DEFAULT_MAX_INFLATED = 64 * 1024 * 1024;

/** Encode a REGISTER_BROKER body; `compressed` selects the zlib layout (set the header's `compressed` to match). */
export function encodeRegisterBrokerBody(body: RegisterBrokerBody, options: { compressed?: boolean } = {}): Buffer {
  if (!options.compressed) {
    return encodeBody({
      filterServerList: body.filterServerList,
      topicConfigSerializeWrapper: topicConfigWrapperToJson(body.topicConfigSerializeWrapper),
    });
  }
  const parts: Buffer[] = [];
  const pushBlock = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    parts.push(int32(bytes.length), bytes);
  };
  const w = body.topicConfigSerializeWrapper;
  pushBlock(toJavaJson(dataVersionToJson(w.dataVersion)));
  const topics = Object.values(w.topicConfigTable);
  parts.push(int32(topics.length));
  for (const tc of topics) pushBlock(topicConfigToText(tc));
  pushBlock(toJavaJson(body.filterServerList));
  const mappings = Object.values(w.topicQueueMappingInfoMap ?? {});
  parts.push(int32(mappings.length));
  for (const m of mappings) pushBlock(toJavaJson(m));
  return zlib.deflateSync(Buffer.concat(parts), { level: zlib.constants.Z_BEST_COMPRESSION });
}

/**
 * Decode a REGISTER_BROKER body. An empty body is an empty table with DataVersion(0, 0), as in Java. Anything
 * malformed (bad JSON, bad zlib, truncated blocks) is a `RemotingCommandError`.
 */
export function decodeRegisterBrokerBody(
  body: Uint8Array | null | undefined,
  compressed: boolean,
  options: RegisterBrokerBodyDecodeOptions = {},
): RegisterBrokerBody {
  if (body === null || body === undefined || body.length === 0) {
    return { topicConfigSerializeWrapper: emptyTopicConfigWrapper(), filterServerList: [] };
  }
  if (!compressed) {
    const o = asObject(parseBody(body, 'RegisterBrokerBody'), 'RegisterBrokerBody');
    const w = o.topicConfigSerializeWrapper;
    return {
      topicConfigSerializeWrapper:
        w === undefined || w === null
          ? emptyTopicConfigWrapper()
          : topicConfigWrapperFromJson(w, 'RegisterBrokerBody.topicConfigSerializeWrapper'),
      filterServerList: strArr(o, 'filterServerList', 'RegisterBrokerBody'),
    };
  }
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(body, { maxOutputLength: options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED });
  } catch (e) {
    throw new RemotingCommandError(`Compressed RegisterBrokerBody does not inflate: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const r = new BlockReader(raw);
  const wrapper = emptyTopicConfigWrapper();
  wrapper.dataVersion = dataVersionFromJson(asObject(parseJavaJson(r.block('DataVersion')), 'DataVersion'));
  const topicCount = r.int('topic count');
  for (let i = 0; i < topicCount; i++) {
    const tc = topicConfigFromText(r.block('TopicConfig'));
    setOwn(wrapper.topicConfigTable, tc.topicName, tc);
  }
  let filterServerList: string[] = [];
  try {
    filterServerList = strArr({ l: parseJavaJson(r.block('filterServerList')) }, 'l', 'filterServerList');
  } catch (e) {
    if (!(e instanceof RemotingCommandError) || /truncated/.test(e.message)) throw e;
    // Java logs and ignores an unparsable filter server list.
  }
  if (r.remaining >= 4) {
    const mappingCount = r.int('mapping count');
    const infos: Record<string, unknown> = {};
    for (let i = 0; i < mappingCount; i++) {
      const info = asObject(parseJavaJson(r.block('TopicQueueMappingInfo')), 'TopicQueueMappingInfo');
      setOwn(infos, typeof info.topic === 'string' ? info.topic : String(i), info);
    }
    wrapper.topicQueueMappingInfoMap = infos;
  }
  return { topicConfigSerializeWrapper: wrapper, filterServerList };
}

/** The header's `bodyCrc32`: `crc32(body) & 0x7FFFFFFF` (Java `UtilAll.crc32`). */
export function registerBrokerBodyCrc32(body: Uint8Array): number {
  return crc32(body) & 0x7fffffff;
}

let CRC_TABLE: Int32Array | undefined;

/** Standard CRC-32 (zlib polynomial), unsigned. */
export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = (CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)) | 0;
  return (crc ^ -1) >>> 0;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

class BlockReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  int(what: string): number {
    if (this.remaining < 4) throw new RemotingCommandError(`Compressed RegisterBrokerBody truncated at ${what}`);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    if (v < 0) throw new RemotingCommandError(`Compressed RegisterBrokerBody has a negative ${what}: ${v}`);
    return v;
  }

  block(what: string): string {
    const len = this.int(`${what} length`);
    if (this.remaining < len) throw new RemotingCommandError(`Compressed RegisterBrokerBody truncated in ${what}`);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
}

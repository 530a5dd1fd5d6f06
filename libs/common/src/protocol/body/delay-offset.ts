/**
 * `config/delayOffset.json` / GET_ALL_DELAY_OFFSET (45) body — Java `DelayOffsetSerializeWrapper` (protocol.md §5.8):
 * `{"offsetTable":{1:120,2:0,3:47}}` — delay level → next consume-queue offset in `SCHEDULE_TOPIC_XXXX` queue
 * `level − 1`; 5.x adds `dataVersion`. Java writes the level keys bare (fastjson default style).
 */
import { javaMapEntries } from '../../json/java-json-reader';
import {
  asIntKeyMap,
  encodeBody,
  optObject,
  parseObjectBody,
  setOwn,
  toNumber,
  type BodyEncodeOptions,
} from './body-json';
import { dataVersionFromJson, dataVersionToJson, type DataVersion } from './data-version';

export interface DelayOffsetSerializeWrapper {
  /** delay level (decimal string) → offset. */
  offsetTable: Record<string, number>;
  /** 5.x. */
  dataVersion?: DataVersion;
}

export function encodeDelayOffsetWrapper(
  w: DelayOffsetSerializeWrapper,
  options: BodyEncodeOptions & { pretty?: boolean } = {},
): Buffer {
  return encodeBody(
    { dataVersion: w.dataVersion && dataVersionToJson(w.dataVersion), offsetTable: asIntKeyMap(w.offsetTable) },
    { style: options.style ?? 'fastjson', pretty: options.pretty },
  );
}

export function decodeDelayOffsetWrapper(body: Uint8Array | string | null | undefined): DelayOffsetSerializeWrapper {
  const path = 'DelayOffsetSerializeWrapper';
  const o = parseObjectBody(body, path);
  const offsetTable: Record<string, number> = {};
  if (o.offsetTable != null) {
    for (const [k, v] of javaMapEntries(o.offsetTable, `${path}.offsetTable`)) {
      setOwn(offsetTable, String(k), toNumber(v, `${path}.offsetTable[${String(k)}]`));
    }
  }
  const out: DelayOffsetSerializeWrapper = { offsetTable };
  const dv = optObject(o, 'dataVersion', path);
  if (dv) out.dataVersion = dataVersionFromJson(dv, `${path}.dataVersion`);
  return out;
}

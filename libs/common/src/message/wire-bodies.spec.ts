import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeBatchMessageEntries, decodeBatchMessages, encodeBatchMessages } from './message-batch';
import {
  decodeMessageRecords,
  encodeMessageRecord,
  peekRecordHeader,
  readRecordPropertiesString,
} from './message-decoder';
import { decodeMessageProperties } from './message-properties';

interface WireBody {
  version: '4.9.4' | '5.2.0';
  scenario: string;
  code: string;
  kind: 'records' | 'batch';
  extFields: Record<string, string>;
  requestExtFields?: Record<string, string>;
  bodyHex: string;
}
const { bodies } = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'wire-record-bodies.json'), 'utf8'),
) as { bodies: WireBody[] };

const BROKER_ID_PREFIX = { '4.9.4': '7F00000100002A9F', '5.2.0': '7F00000100002AB3' } as const;
const cases = bodies.map((b, i) => [b.version, b.scenario, b.code, i, b] as const);

describe('bodies captured from real brokers and clients', () => {
  it.each(cases.filter(([, , , , b]) => b.kind === 'records'))(
    '%s %s %s #%i decodes, checks its CRCs and re-encodes byte for byte',
    (version, _s, code, _i, b) => {
      const buf = Buffer.from(b.bodyHex, 'hex');
      const msgs = decodeMessageRecords(buf, { checkCRC: true, decompressBody: false });
      expect(msgs.length).toBeGreaterThan(0);
      let pos = 0;
      for (const msg of msgs) {
        expect(msg.offsetMsgId.startsWith(BROKER_ID_PREFIX[version])).toBe(true);
        expect(msg.msgId).toBe(msg.properties.UNIQ_KEY ?? msg.offsetMsgId);
        const h = peekRecordHeader(buf, pos)!;
        const again = encodeMessageRecord({ ...msg, propertiesString: readRecordPropertiesString(buf, h) });
        expect(again.equals(buf.subarray(pos, pos + msg.storeSize))).toBe(true);
        pos += msg.storeSize;
      }
      if (code === 'PULL_MESSAGE') {
        const req = b.requestExtFields!;
        const from = Number(req.queueOffset);
        const next = Number(b.extFields.nextBeginOffset);
        // The broker may skip offsets whose tag the subscription filters out.
        const offsets = msgs.map((m) => m.queueOffset);
        expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
        expect(offsets[0]).toBeGreaterThanOrEqual(from);
        expect(offsets[offsets.length - 1]).toBeLessThan(next);
        for (const m of msgs) {
          expect(m.topic).toBe(req.topic);
          expect(m.queueId).toBe(Number(req.queueId));
        }
      }
      if (code === 'CHECK_TRANSACTION_STATE') {
        expect(msgs).toHaveLength(1);
        expect(msgs[0]!.offsetMsgId).toBe(b.extFields.offsetMsgId);
        expect(msgs[0]!.commitLogOffset).toBe(Number(b.extFields.commitLogOffset));
        expect(msgs[0]!.properties.UNIQ_KEY).toBe(b.extFields.msgId);
        expect(msgs[0]!.properties.TRAN_MSG).toBe('true');
      }
    },
  );

  it.each(cases.filter(([, , , , b]) => b.kind === 'batch'))(
    '%s %s %s #%i decodes and re-encodes byte for byte',
    (version, _s, _c, _i, b) => {
      const buf = Buffer.from(b.bodyHex, 'hex');
      const msgs = decodeBatchMessages(buf);
      expect(msgs).toHaveLength(3);
      for (const m of msgs) expect(m.properties).toMatchObject({ TAGS: 'TagA', WAIT: 'true' });
      const ordered = decodeBatchMessageEntries(buf).map((e) => ({
        flag: e.flag,
        body: e.body,
        properties: decodeMessageProperties(e.propertiesString),
      }));
      expect(encodeBatchMessages(ordered, { trailingSeparator: version === '5.2.0' }).equals(buf)).toBe(true);
    },
  );
});

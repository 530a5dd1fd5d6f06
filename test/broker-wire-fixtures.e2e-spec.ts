/**
 * Replays what real Java clients sent to Apache RocketMQ 5.2.0 (shared/fixtures/wire/5.2.0) against our broker and
 * compares the answers with what the Java broker answered: response code, serialize type, remark, ext field names in
 * Java's order, and the values that do not depend on the store (queue ids, offsets on a fresh store, UNIQ_KEY echo).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { EmbeddedRocketMQ } from '@rocketnest/broker';

interface Frame {
  conn: number;
  link: string;
  dir: 'c2s' | 's2c';
  kind: string;
  code: number;
  opaque: number;
  serializeType: number;
  headerText?: string;
  headerHex?: string;
  headerJson: { remark?: string; extFields?: Record<string, string> };
  bodyHex?: string;
  requestCode?: number;
}

const FIXTURES = path.resolve(__dirname, '../../shared/fixtures/wire/5.2.0');

function load(name: string): Frame[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Frame[];
}

function toCommand(f: Frame): RemotingCommand {
  const header = f.serializeType === 0 ? Buffer.from(f.headerText!, 'utf8') : Buffer.from(f.headerHex!, 'hex');
  const body = Buffer.from(f.bodyHex ?? '', 'hex');
  const frame = Buffer.alloc(4 + header.length + body.length);
  frame.writeUInt32BE(((f.serializeType << 24) | header.length) >>> 0, 0);
  header.copy(frame, 4);
  body.copy(frame, 4 + header.length);
  return RemotingCommand.decode(frame);
}

/** Client → broker exchanges of one scenario, requests paired with the Java broker's responses. */
function exchanges(frames: Frame[], codes: number[]): { request: Frame; response?: Frame }[] {
  const out: { request: Frame; response?: Frame }[] = [];
  for (const f of frames) {
    if (f.link !== 'client->broker' || f.dir !== 'c2s' || !f.kind.includes('request') || !codes.includes(f.code))
      continue;
    const response = frames.find(
      (r) =>
        r.link === f.link && r.conn === f.conn && r.dir === 's2c' && r.kind === 'response' && r.opaque === f.opaque,
    );
    out.push({ request: f, response });
  }
  return out;
}

describe('broker answers like Apache RocketMQ 5.2.0 (wire fixtures)', () => {
  let mq: EmbeddedRocketMQ;
  let client: RemotingClient;
  // One broker for the scenarios, replayed in capture order: the later ones see the earlier ones' queue offsets.
  beforeAll(async () => {
    mq = await EmbeddedRocketMQ.start();
    client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
  });
  afterAll(async () => {
    await client?.shutdown();
    await mq?.shutdown();
  });

  it.each(['producer.json', 'producer-rocketmq-serialize.json'])('replays %s', async (file) => {
    const list = exchanges(load(file), [310, 320, 34, 35]);
    expect(list.length).toBeGreaterThan(3);
    let compared = 0;
    for (const { request, response } of list) {
      const cmd = toCommand(request);
      if (cmd.isOneway()) {
        await client.invokeOneway(mq.brokerAddr, cmd, 3000);
        continue;
      }
      const ours = await client.invoke(mq.brokerAddr, cmd, 5000);
      await mq.broker.messageStore.waitDispatched();
      expect(response).toBeDefined();
      const java = response!;
      expect({ code: ours.code, serializeType: ours.serializeType }).toEqual({
        code: java.code,
        serializeType: java.serializeType,
      });
      expect(ours.remark).toBe(java.headerJson.remark);
      const javaExt = java.headerJson.extFields ?? {};
      expect(Object.keys(ours.extFields ?? {})).toEqual(Object.keys(javaExt));
      for (const key of [
        'queueId',
        'queueOffset',
        'transactionId',
        'TRACE_ON',
        'MSG_REGION',
        'IS_SUPPORT_HEART_BEAT_V2',
        'IS_SUB_CHANGE',
      ]) {
        if (key in javaExt) expect(`${key}=${ours.extFields![key]}`).toBe(`${key}=${javaExt[key]}`);
      }
      if ('msgId' in javaExt) {
        expect(ours.extFields!.msgId!.split(',').length).toBe(javaExt.msgId.split(',').length);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(2);
  });
});

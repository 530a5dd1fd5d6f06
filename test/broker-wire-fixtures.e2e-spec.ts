/**
 * Replays what real Java clients sent to Apache RocketMQ 5.2.0 (test/fixtures/apache-rocketmq/wire/5.2.0) against our broker and
 * compares the answers with what the Java broker answered: response code, serialize type, remark, ext field names in
 * Java's order, and the values that do not depend on the store (queue ids, offsets on a fresh store, UNIQ_KEY echo).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeMessageRecords } from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { EmbeddedRocketMQ } from '@rocketnest/broker';
import { waitFor } from './utils/wait-for';

interface Frame {
  t: number;
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

const FIXTURES = path.resolve(__dirname, 'fixtures/apache-rocketmq/wire/5.2.0');

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

describe('push consumer session like Apache RocketMQ 5.2.0 (wire fixtures)', () => {
  it('answers heartbeats, consumer list, offset queries and pulls (found, not found) as the Java broker did', async () => {
    const mq = await EmbeddedRocketMQ.start();
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    try {
      const frames = load('push-consumer.json');
      const all = exchanges(frames, [310, 34, 38, 14, 11, 36]);
      // Up to the feeder's "push-wake" send (the first send after the consumer's send-back), without the send-back.
      const sendBack = all.findIndex((x) => x.request.code === 36);
      const wake = all.findIndex((x, i) => i > sendBack && x.request.code === 310);
      const list = all.slice(0, wake + 1).filter((x) => x.request.code !== 36);
      expect(list.filter((x) => x.request.code === 11).length).toBeGreaterThanOrEqual(6);
      const check = (request: Frame, java: Frame, ours: RemotingCommand): void => {
        const what = `${request.code}#${request.opaque}`;
        expect(`${what} ${ours.code} ${ours.remark}`).toBe(`${what} ${java.code} ${java.headerJson.remark}`);
        const javaExt = java.headerJson.extFields ?? {};
        expect(Object.keys(ours.extFields ?? {})).toEqual(Object.keys(javaExt));
        for (const key of [
          'queueId',
          'queueOffset',
          'offset',
          'nextBeginOffset',
          'maxOffset',
          'minOffset',
          'suggestWhichBrokerId',
        ]) {
          if (key in javaExt) expect(`${what} ${key}=${ours.extFields![key]}`).toBe(`${what} ${key}=${javaExt[key]}`);
        }
        if (request.code === 38) expect(ours.body!.toString()).toBe(Buffer.from(java.bodyHex!, 'hex').toString());
        if (request.code === 11 && java.code === 0) {
          const mine = decodeMessageRecords(ours.body!);
          const theirs = decodeMessageRecords(Buffer.from(java.bodyHex!, 'hex'));
          expect(mine.map((m) => [m.body.toString('hex'), m.properties.UNIQ_KEY, m.properties.TAGS])).toEqual(
            theirs.map((m) => [m.body.toString('hex'), m.properties.UNIQ_KEY, m.properties.TAGS]),
          );
        }
      };
      const held: Promise<void>[] = [];
      for (let i = 0; i < list.length; i++) {
        const { request, response } = list[i]!;
        const java = response!;
        const cmd = toCommand(request);
        const next = list[i + 1]?.request;
        const heldInJava = cmd.code === 11 && next !== undefined && java.t > next.t;
        if (heldInJava) {
          // Java held this pull: until a later send woke it (FOUND), or for its whole 15 s (PULL_NOT_FOUND).
          cmd.setExtField('suspendTimeoutMillis', java.code === 0 ? 5000 : 100);
          const before = mq.broker.pullRequestHoldService.size;
          held.push(client.invoke(mq.brokerAddr, cmd, 10_000).then((ours) => check(request, java, ours)));
          if (java.code === 0) await waitFor(() => mq.broker.pullRequestHoldService.size > before);
          continue;
        }
        const ours = await client.invoke(mq.brokerAddr, cmd, 5000);
        await mq.broker.messageStore.waitDispatched();
        check(request, java, ours);
      }
      await Promise.all(held);
    } finally {
      await client.shutdown();
      await mq.shutdown();
    }
  });
});

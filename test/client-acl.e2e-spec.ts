import { createHmac } from 'node:crypto';
import type { EmbeddedRocketMQ } from '@rocketnest/broker';
import { Message, RequestCode, ResponseCode, type MessageExt } from '@rocketnest/common';
import {
  ConsumeConcurrentlyStatus,
  ConsumeFromWhere,
  DefaultMQAdminExt,
  DefaultMQProducer,
  DefaultMQPushConsumer,
} from '@rocketnest/client';
import { RemotingCommand, type RemotingChannel } from '@rocketnest/remoting';
import { waitFor } from './utils/wait-for';
import { FAST, createTopic, startCluster, unique } from './client-helpers';

const USERS: Record<string, string> = { 'rn-app': 'rn-secret-123' };

/**
 * Checks a request the way an ACL 1.0 broker does, written independently of the client: the values of all ext fields
 * but Signature, sorted by key, then the body, HmacSHA1 with the user's secret key, Base64.
 */
function verify(req: RemotingCommand): string | undefined {
  const fields = req.extFields ?? {};
  const accessKey = fields.AccessKey;
  if (!accessKey) return 'No accessKey is configured';
  const secret = USERS[accessKey];
  if (!secret) return `No acl config for ${accessKey}`;
  const text = Object.keys(fields)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => fields[k])
    .join('');
  const data = Buffer.concat([Buffer.from(text, 'utf8'), req.body ?? Buffer.alloc(0)]);
  const expected = createHmac('sha1', secret).update(data).digest('base64');
  return fields.Signature === expected ? undefined : `Check signature failed for accessKey=${accessKey}`;
}

describe('ACL 1.0 signing against the embedded broker', () => {
  let cluster: EmbeddedRocketMQ;
  const verified = new Map<number, number>();
  const rejected: string[] = [];
  const toStop: Array<{ shutdown(): Promise<void> }> = [];

  beforeAll(async () => {
    cluster = await startCluster();
    const broker = cluster.broker;
    // The broker has no ACL; put a checking gate in front of the processors these clients use.
    const guard =
      (next: (req: RemotingCommand, ch: RemotingChannel) => Promise<RemotingCommand | null> | RemotingCommand | null) =>
      (req: RemotingCommand, ch: RemotingChannel) => {
        const problem = verify(req);
        if (problem) {
          rejected.push(problem);
          return RemotingCommand.createResponse(ResponseCode.NO_PERMISSION, problem);
        }
        verified.set(req.code, (verified.get(req.code) ?? 0) + 1);
        return next(req, ch);
      };
    const send = guard((req, ch) => broker.sendMessageProcessor.processRequest(req, ch));
    broker.registerProcessor(RequestCode.SEND_MESSAGE, send);
    broker.registerProcessor(RequestCode.SEND_MESSAGE_V2, send);
    broker.registerProcessor(
      RequestCode.PULL_MESSAGE,
      guard((req, ch) => broker.pullMessageProcessor.processRequest(req, ch)),
    );
    broker.registerProcessor(
      RequestCode.HEART_BEAT,
      guard((req, ch) => broker.clientManageProcessor.heartBeat(req, ch)),
    );
  });
  afterEach(async () => {
    while (toStop.length > 0) await toStop.pop()!.shutdown();
  });
  afterAll(async () => {
    await cluster.shutdown();
  });

  function producer(keys: { accessKey?: string; secretKey?: string }): DefaultMQProducer {
    const p = new DefaultMQProducer({
      ...FAST,
      ...keys,
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: unique('pg'),
      instanceName: unique('p'),
      retryTimesWhenSendFailed: 0,
    });
    toStop.push(p);
    return p;
  }

  it('a producer and a push consumer with credentials pass a signature check on sends, pulls and heartbeats', async () => {
    const topic = unique('Acl');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 2);
    const p = producer({ accessKey: 'rn-app', secretKey: USERS['rn-app'] });
    await p.start();
    const got: MessageExt[] = [];
    const c = new DefaultMQPushConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: group,
      instanceName: unique('c'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
      accessKey: 'rn-app',
      secretKey: USERS['rn-app'],
    });
    toStop.push(c);
    c.subscribe(topic, '*');
    c.registerMessageListener({
      consumeMessage: (msgs) => {
        got.push(...msgs);
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    const bodies = ['héllo', 'x'.repeat(5000), '{"n":1}'];
    for (const b of bodies) expect((await p.send(new Message(topic, b, { keys: 'k1' }))).sendStatus).toBe('SEND_OK');
    await waitFor(() => got.length >= bodies.length, { timeoutMs: 10000 });
    expect(got.map((m) => m.body.toString()).sort()).toEqual([...bodies].sort());
    expect(verified.get(RequestCode.SEND_MESSAGE_V2) ?? verified.get(RequestCode.SEND_MESSAGE)).toBeGreaterThanOrEqual(
      3,
    );
    expect(verified.get(RequestCode.PULL_MESSAGE)).toBeGreaterThan(0);
    expect(verified.get(RequestCode.HEART_BEAT)).toBeGreaterThan(0);
    expect(rejected).toEqual([]);
  });

  it('a wrong secret key or no credentials are refused by the check', async () => {
    const topic = unique('AclBad');
    await createTopic(cluster.namesrvAddr, topic, 1);
    const wrong = producer({ accessKey: 'rn-app', secretKey: 'not-the-secret' });
    await wrong.start();
    await expect(wrong.send(new Message(topic, 'nope'))).rejects.toThrow(/Check signature failed for accessKey=rn-app/);
    const anonymous = producer({});
    await anonymous.start();
    await expect(anonymous.send(new Message(topic, 'nope'))).rejects.toThrow(/No accessKey is configured/);
    const admin = new DefaultMQAdminExt({ namesrvAddr: cluster.namesrvAddr, clientIP: '127.0.0.1' });
    await admin.start();
    try {
      expect((await admin.examineTopicStats(topic)).reduce((n, s) => n + s.maxOffset, 0)).toBe(0);
    } finally {
      await admin.shutdown();
    }
  });

  it('half a credential pair is a start-up error', async () => {
    await expect(producer({ accessKey: 'rn-app' }).start()).rejects.toThrow(/both accessKey and secretKey/);
  });
});

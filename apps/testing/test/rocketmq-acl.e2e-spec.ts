import 'reflect-metadata';
import { Inject, Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EmbeddedRocketMQ } from '@rocketnest/broker';
import { RequestCode, ResponseCode } from '@rocketnest/common';
import {
  RocketMQHealthIndicator,
  RocketMQMessageListener,
  RocketMQModule,
  RocketMQTemplate,
  type RocketMQListener,
} from '@rocketnest/nestjs';
import { RemotingCommand, type RemotingChannel } from '@rocketnest/remoting';
import { RocketMQTestingModule, waitForRocketMQListeners } from '@rocketnest/testing';
import { createHmac } from 'node:crypto';
import { waitFor } from '../../../test/utils/wait-for';

const ACCESS_KEY = 'nest-app';
const SECRET_KEY = 'nest-secret-456';

/** ACL 1.0 check, written independently of the client: sorted ext field values + body, HmacSHA1, Base64. */
function signatureProblem(req: RemotingCommand): string | undefined {
  const fields = req.extFields ?? {};
  if (fields.AccessKey !== ACCESS_KEY) return `unknown access key ${fields.AccessKey}`;
  const text = Object.keys(fields)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => fields[k])
    .join('');
  const data = Buffer.concat([Buffer.from(text, 'utf8'), req.body ?? Buffer.alloc(0)]);
  return fields.Signature === createHmac('sha1', SECRET_KEY).update(data).digest('base64')
    ? undefined
    : 'bad signature';
}

@Injectable()
class Received {
  readonly texts: string[] = [];
}

@RocketMQMessageListener({ topic: 'acl-orders', consumerGroup: 'acl-orders-g', messageType: String })
class AclListener implements RocketMQListener<string> {
  constructor(@Inject(Received) private readonly received: Received) {}
  onMessage(text: string): void {
    this.received.texts.push(text);
  }
}

describe('starter access-key / secret-key are signed into every request', () => {
  let embedded: EmbeddedRocketMQ;
  let app: INestApplicationContext | undefined;
  const verified = new Map<number, number>();
  const problems: string[] = [];

  beforeAll(async () => {
    embedded = await EmbeddedRocketMQ.start();
    const broker = embedded.broker;
    const guard =
      (next: (req: RemotingCommand, ch: RemotingChannel) => Promise<RemotingCommand | null> | RemotingCommand | null) =>
      (req: RemotingCommand, ch: RemotingChannel) => {
        const problem = signatureProblem(req);
        if (problem) {
          problems.push(`${req.code}: ${problem}`);
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
      RequestCode.GET_CONSUME_STATS,
      guard((req) => broker.adminBrokerProcessor.getConsumeStats(req)),
    );
  });

  afterAll(async () => {
    await app?.close();
    await embedded?.shutdown();
  });

  it('template sends, listener pulls and the health lag query pass the broker-side signature check', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        RocketMQTestingModule.forRoot({
          embedded,
          topics: ['acl-orders'],
          properties: {
            'rocketmq.producer.access-key': ACCESS_KEY,
            'rocketmq.producer.secret-key': SECRET_KEY,
            'rocketmq.consumer.access-key': ACCESS_KEY,
            'rocketmq.consumer.secret-key': SECRET_KEY,
          },
        }),
        RocketMQModule.forRoot({ producer: { group: 'acl-producer' } }),
      ],
      providers: [Received, AclListener],
    }).compile();
    app = moduleRef;
    await app.init();
    await waitForRocketMQListeners(app);
    const result = await app.get(RocketMQTemplate).syncSend('acl-orders', 'signed order');
    expect(result.sendStatus).toBe('SEND_OK');
    const received = app.get(Received);
    await waitFor(() => received.texts.includes('signed order'), { timeoutMs: 10000 });
    const health = await app.get(RocketMQHealthIndicator).inspect({ lagThreshold: 1000 });
    expect(health.listeners['acl-orders-g']).toMatchObject({ state: 'RUNNING', lag: expect.any(Number) as number });
    expect(verified.get(RequestCode.SEND_MESSAGE_V2) ?? verified.get(RequestCode.SEND_MESSAGE)).toBeGreaterThan(0);
    expect(verified.get(RequestCode.PULL_MESSAGE)).toBeGreaterThan(0);
    expect(verified.get(RequestCode.GET_CONSUME_STATS)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

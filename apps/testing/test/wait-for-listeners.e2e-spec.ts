import 'reflect-metadata';
import { Inject, Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EmbeddedRocketMQ } from '@rocketnest/broker';
import { RequestCode } from '@rocketnest/common';
import { RocketMQMessageListener, RocketMQModule, RocketMQTemplate, type RocketMQListener } from '@rocketnest/nestjs';
import type { RemotingCommand } from '@rocketnest/remoting';
import { RocketMQTestingModule, waitForRocketMQListeners } from '@rocketnest/testing';
import { setTimeout as delay } from 'node:timers/promises';
import { waitFor } from '../../../test/utils/wait-for';

@Injectable()
class Inbox {
  readonly texts: string[] = [];
}

@RocketMQMessageListener({ topic: 'wfl-plain', consumerGroup: 'wfl-plain-g', messageType: String })
class PlainListener implements RocketMQListener<string> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(text: string): void {
    this.inbox.texts.push(text);
  }
}

@RocketMQMessageListener({
  topic: 'wfl-orderly',
  consumerGroup: 'wfl-orderly-g',
  consumeMode: 'ORDERLY',
  messageType: String,
})
class OrderlyListener implements RocketMQListener<string> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(text: string): void {
    this.inbox.texts.push(text);
  }
}

/**
 * A new CONSUME_FROM_LAST_OFFSET group starts each queue at the max offset it reads when it takes the queue (Java
 * semantics), so a message sent before every queue has its start offset can be skipped. These tests make that read
 * slow on the broker, so a helper that returns too early loses a message every time instead of now and then.
 */
describe('waitForRocketMQListeners waits until every queue has its start offset', () => {
  let embedded: EmbeddedRocketMQ;
  let app: INestApplicationContext | undefined;
  const maxOffsetCalls = new Map<string, number>();
  /** Which GET_MAX_OFFSET calls of a queue (1 = first) the broker answers 300 ms late. */
  let slowCall: (topic: string, queueId: number, call: number) => boolean = () => false;

  beforeAll(async () => {
    embedded = await EmbeddedRocketMQ.start();
    const broker = embedded.broker;
    broker.registerProcessor(RequestCode.GET_MAX_OFFSET, async (request: RemotingCommand) => {
      const topic = request.extFields?.topic ?? '';
      const queueId = Number(request.extFields?.queueId);
      const key = `${topic}:${queueId}`;
      const call = (maxOffsetCalls.get(key) ?? 0) + 1;
      maxOffsetCalls.set(key, call);
      // the offset is read after the pause, as a busy broker would
      if (slowCall(topic, queueId, call)) await delay(300);
      return broker.adminBrokerProcessor.getMaxOffset(request);
    });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    slowCall = () => false;
  });

  afterAll(async () => {
    await embedded?.shutdown();
  });

  async function startApp(listener: new (...args: never[]) => unknown, topic: string) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        RocketMQTestingModule.forRoot({ embedded, topics: [topic] }),
        RocketMQModule.forRoot({ producer: { group: `${topic}-producer` } }),
      ],
      providers: [Inbox, listener],
    }).compile();
    app = moduleRef;
    await moduleRef.init();
    await waitForRocketMQListeners(moduleRef);
    return moduleRef;
  }

  /** One message to each of the topic's 4 queues, all of which must arrive. */
  async function sendToEveryQueueAndExpectAll(started: INestApplicationContext, topic: string): Promise<void> {
    const template = started.get(RocketMQTemplate);
    const queues = new Set<number>();
    for (let i = 0; i < 4; i++) {
      queues.add((await template.syncSendOrderly(topic, `m${i}`, `key-${i}`)).messageQueue.queueId);
    }
    expect(queues.size).toBe(4);
    const inbox = started.get(Inbox);
    // on a timeout the assertion below names the message that never came
    await waitFor(() => inbox.texts.length === 4, { timeoutMs: 5000 }).catch(() => undefined);
    expect([...inbox.texts].sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
  }

  it('concurrent listener: not before the last queue of the first rebalance', async () => {
    // queue 0 gets its start offset at once, the others only after a slow max-offset read
    slowCall = (topic, queueId) => topic === 'wfl-plain' && queueId > 0;
    const started = await startApp(PlainListener, 'wfl-plain');
    await sendToEveryQueueAndExpectAll(started, 'wfl-plain');
  });

  it('orderly listener: not before each queue re-read its offset at the first pull under the broker lock', async () => {
    // the rebalance reads each start offset at once; the re-read of the first pull under the lock is slow
    slowCall = (topic, _queueId, call) => topic === 'wfl-orderly' && call === 2;
    const started = await startApp(OrderlyListener, 'wfl-orderly');
    await sendToEveryQueueAndExpectAll(started, 'wfl-orderly');
  });
});

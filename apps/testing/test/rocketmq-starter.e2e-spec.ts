import 'reflect-metadata';
import { Inject, Injectable, Logger, Module, ValidationPipe, type INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { EmbeddedRocketMQ } from '@rocketnest/broker';
import type { DefaultMQPushConsumer, SendResult } from '@rocketnest/client';
import type { MessageExt } from '@rocketnest/common';
import {
  MessageBuilder,
  RAW_MESSAGE,
  RocketMQListenerExplorer,
  RocketMQMessageListener,
  RocketMQModule,
  RocketMQTemplate,
  getRocketMQTemplateToken,
  type RocketMQListener,
  type RocketMQPushConsumerLifecycleListener,
  type RocketMQReplyListener,
} from '@rocketnest/nestjs';
import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import { RocketMQTestingModule, waitForRocketMQListeners } from '@rocketnest/testing';
import { waitFor } from '../../../test/utils/wait-for';

class OrderDto {
  @IsInt()
  @Min(1)
  id!: number;

  @IsString()
  @IsNotEmpty()
  item!: string;

  label(): string {
    return `${this.id}:${this.item}`;
  }
}

/** What each listener got, by name. */
@Injectable()
class Inbox {
  private readonly byName = new Map<string, unknown[]>();

  add(name: string, value: unknown): void {
    const list = this.byName.get(name) ?? [];
    list.push(value);
    this.byName.set(name, list);
  }

  get<T = unknown>(name: string): T[] {
    return (this.byName.get(name) ?? []) as T[];
  }
}

@RocketMQMessageListener({ topic: 'e2e-plain', consumerGroup: 'e2e-plain-g', messageType: OrderDto })
class PlainListener implements RocketMQListener<OrderDto> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(order: OrderDto): void {
    this.inbox.add('plain', order);
  }
}

@RocketMQMessageListener({
  topic: 'e2e-tags',
  consumerGroup: 'e2e-tags-g',
  selectorExpression: 'keep || also',
  messageType: RAW_MESSAGE,
})
class RawTagListener implements RocketMQListener<MessageExt> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(msg: MessageExt): void {
    this.inbox.add('tags', msg);
  }
}

@RocketMQMessageListener({
  topic: 'e2e-sql',
  consumerGroup: 'e2e-sql-g',
  selectorType: 'SQL92',
  selectorExpression: 'level > 5',
  messageType: String,
})
class SqlListener implements RocketMQListener<string> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(text: string): void {
    this.inbox.add('sql', text);
  }
}

@RocketMQMessageListener({
  topic: 'e2e-retry',
  consumerGroup: 'e2e-retry-g',
  delayLevelWhenNextConsume: 1,
  messageType: RAW_MESSAGE,
})
class RetryListener implements RocketMQListener<MessageExt> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(msg: MessageExt): void {
    this.inbox.add('retry', { reconsumeTimes: msg.reconsumeTimes, at: Date.now() });
    if (msg.reconsumeTimes === 0) throw new Error('first attempt fails on purpose');
  }
}

@RocketMQMessageListener({ topic: '${app.topic}', consumerGroup: '${app.group}', messageType: String })
class PlaceholderListener implements RocketMQListener<string> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(text: string): void {
    this.inbox.add('placeholder', text);
  }
}

@RocketMQMessageListener({ topic: 'e2e-disabled', consumerGroup: 'e2e-disabled-g' })
class DisabledListener implements RocketMQListener {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(msg: unknown): void {
    this.inbox.add('disabled', msg);
  }
}

@RocketMQMessageListener({ topic: 'e2e-valid', consumerGroup: 'e2e-valid-g', messageType: OrderDto, validate: true })
class ValidatingListener implements RocketMQListener<OrderDto> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(order: OrderDto): void {
    this.inbox.add('valid', order);
  }
}

@RocketMQMessageListener({
  topic: 'e2e-pipe',
  consumerGroup: 'e2e-pipe-g',
  messageType: OrderDto,
  pipes: [new ValidationPipe({ forbidNonWhitelisted: true, whitelist: true })],
})
class PipeListener implements RocketMQListener<OrderDto> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(order: OrderDto): void {
    this.inbox.add('pipe', order);
  }
}

@RocketMQMessageListener({ topic: '%DLQ%e2e-valid-g', consumerGroup: 'e2e-dlq-reader-g', messageType: RAW_MESSAGE })
class DlqListener implements RocketMQListener<MessageExt> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(msg: MessageExt): void {
    this.inbox.add('dlq', msg);
  }
}

@RocketMQMessageListener({ topic: 'e2e-reply', consumerGroup: 'e2e-reply-g', messageType: OrderDto })
class ReplyListener implements RocketMQReplyListener<OrderDto, { echo: string; doubled: number }> {
  onMessage(order: OrderDto): { echo: string; doubled: number } {
    return { echo: order.label(), doubled: order.id * 2 };
  }
}

@RocketMQMessageListener({ topic: 'e2e-delay', consumerGroup: 'e2e-delay-g', messageType: RAW_MESSAGE })
class DelayListener implements RocketMQListener<MessageExt> {
  constructor(@Inject(Inbox) private readonly inbox: Inbox) {}
  onMessage(msg: MessageExt): void {
    this.inbox.add('delay', { keys: msg.keys, at: Date.now() });
  }
}

@RocketMQMessageListener({ topic: 'e2e-prepare', consumerGroup: 'e2e-prepare-g', pullBatchSize: 7 })
class PrepareStartListener implements RocketMQListener, RocketMQPushConsumerLifecycleListener<DefaultMQPushConsumer> {
  consumer: DefaultMQPushConsumer | undefined;
  onMessage(): void {}
  prepareStart(consumer: DefaultMQPushConsumer): void {
    this.consumer = consumer;
  }
}

const TOPICS = [
  'e2e-plain',
  'e2e-tags',
  'e2e-sql',
  'e2e-retry',
  'e2e-placeholder',
  'e2e-disabled',
  'e2e-valid',
  'e2e-pipe',
  'e2e-reply',
  'e2e-delay',
  'e2e-prepare',
  'e2e-pull',
  // the DLQ exists only after a first dead letter; create it so its reader owns a queue from the start
  '%DLQ%e2e-valid-g',
];

@Module({
  providers: [
    Inbox,
    PlainListener,
    RawTagListener,
    SqlListener,
    RetryListener,
    PlaceholderListener,
    DisabledListener,
    ValidatingListener,
    PipeListener,
    DlqListener,
    ReplyListener,
    DelayListener,
    PrepareStartListener,
  ],
  exports: [Inbox],
})
class ListenersModule {}

describe('RocketMQModule against an in-process broker', () => {
  let embedded: EmbeddedRocketMQ;
  let app: INestApplicationContext;
  let template: RocketMQTemplate;
  let inbox: Inbox;

  beforeAll(async () => {
    embedded = await EmbeddedRocketMQ.start({
      brokerConfig: { messageDelayLevel: '1s 2s 3s', enablePropertyFilter: true, timerPrecisionMs: 100 },
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        RocketMQTestingModule.forRoot({ embedded, topics: TOPICS }),
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          isGlobal: true,
          load: [
            () => ({
              app: { topic: 'e2e-placeholder', group: 'e2e-placeholder-g' },
              rocketmq: {
                producer: { group: 'e2e-producer', 'send-message-timeout': 5000 },
                'pull-consumer': { group: 'e2e-pull-g', topic: 'e2e-pull' },
                consumer: { listeners: { 'e2e-disabled-g': { 'e2e-disabled': false } } },
              },
            }),
          ],
        }),
        RocketMQModule.forRoot({ templates: [{ name: 'audit', group: 'e2e-audit-producer' }] }),
        ListenersModule,
      ],
    }).compile();
    app = moduleRef;
    await app.init();
    await waitForRocketMQListeners(app);
    template = app.get(RocketMQTemplate);
    inbox = app.get(Inbox);
  });

  afterAll(async () => {
    await app?.close();
    await embedded?.shutdown();
  });

  const count = (name: string) => inbox.get(name).length;

  it('syncSend converts a DTO and the listener receives a class instance', async () => {
    const result = await template.syncSend('e2e-plain', Object.assign(new OrderDto(), { id: 1, item: 'book' }));
    expect(result.sendStatus).toBe('SEND_OK');
    await waitFor(() => count('plain') >= 1, { timeoutMs: 10000 });
    const got = inbox.get<OrderDto>('plain')[0]!;
    expect(got).toBeInstanceOf(OrderDto);
    expect(got.label()).toBe('1:book');
  });

  it('drives asyncSend (promise and callback), sendOneWay, convertAndSend and a batch', async () => {
    const before = count('plain');
    const viaPromise = await template.asyncSend('e2e-plain', { id: 2, item: 'async-promise' });
    expect(viaPromise.sendStatus).toBe('SEND_OK');
    const viaCallback = await new Promise<SendResult>((resolve, reject) => {
      void template.asyncSend(
        'e2e-plain',
        { id: 3, item: 'async-callback' },
        { onSuccess: resolve, onException: reject },
      );
    });
    expect(viaCallback.msgId).toMatch(/^[0-9A-F]{32}$/);
    await template.sendOneWay('e2e-plain', { id: 4, item: 'oneway' });
    await template.convertAndSend('e2e-plain', { id: 5, item: 'convert' }, { tenant: 'acme' });
    const batch = await template.syncSend('e2e-plain', [
      { id: 6, item: 'b1' },
      { id: 7, item: 'b2' },
      { id: 8, item: 'b3' },
    ]);
    expect(batch.msgId.split(',')).toHaveLength(3);
    await waitFor(() => count('plain') >= before + 7, { timeoutMs: 10000 });
    const items = inbox.get<OrderDto>('plain').map((o) => o.item);
    expect(items).toEqual(
      expect.arrayContaining(['async-promise', 'async-callback', 'oneway', 'convert', 'b1', 'b2', 'b3']),
    );
  });

  it('orderly sends put one hash key on one queue (sync, async and one-way)', async () => {
    const results = [
      await template.syncSendOrderly('e2e-plain', { id: 10, item: 'o1' }, 'order-42'),
      await template.asyncSendOrderly('e2e-plain', { id: 11, item: 'o2' }, 'order-42'),
      await template.syncSendOrderly('e2e-plain', [{ id: 12, item: 'o3' }], 'order-42'),
    ];
    expect(new Set(results.map((r) => r.messageQueue.queueId)).size).toBe(1);
    await template.sendOneWayOrderly('e2e-plain', { id: 13, item: 'o4' }, 'order-42');
    await waitFor(() => inbox.get<OrderDto>('plain').some((o) => o.item === 'o4'), { timeoutMs: 10000 });
  });

  it('maps destination tags and headers, and the tag selector filters', async () => {
    await template.syncSend('e2e-tags:skip', 'dropped by the selector');
    await template.syncSend(
      'e2e-tags:keep',
      MessageBuilder.withPayload('kept').setHeader('KEYS', 'k-1').setHeader('tenant', 'acme').build(),
    );
    await template.syncSend(
      'e2e-tags',
      MessageBuilder.withPayload('tag from header').setHeader('TAGS', 'also').build(),
    );
    await waitFor(() => count('tags') >= 2, { timeoutMs: 10000 });
    const msgs = inbox.get<MessageExt>('tags');
    const kept = msgs.find((m) => m.body.toString() === 'kept')!;
    expect(kept.tags).toBe('keep');
    expect(kept.keys).toBe('k-1');
    expect(kept.getUserProperty('tenant')).toBe('acme');
    expect(msgs.find((m) => m.body.toString() === 'tag from header')?.tags).toBe('also');
    expect(msgs.map((m) => m.body.toString())).not.toContain('dropped by the selector');
  });

  it('filters with an SQL92 selector on user properties', async () => {
    await template.syncSend('e2e-sql', MessageBuilder.withPayload('low').setHeader('level', 1).build());
    await template.syncSend('e2e-sql', MessageBuilder.withPayload('high').setHeader('level', 9).build());
    await waitFor(() => count('sql') >= 1, { timeoutMs: 10000 });
    await template.syncSend('e2e-sql', MessageBuilder.withPayload('high again').setHeader('level', 7).build());
    await waitFor(() => count('sql') >= 2, { timeoutMs: 10000 });
    expect(inbox.get('sql')).toEqual(['high', 'high again']);
  });

  it('a throwing listener gets the message again after delayLevelWhenNextConsume', async () => {
    const sentAt = Date.now();
    await template.syncSend('e2e-retry', 'retry me');
    await waitFor(() => count('retry') >= 2, { timeoutMs: 15000 });
    const [first, second] = inbox.get<{ reconsumeTimes: number; at: number }>('retry');
    expect(first!.reconsumeTimes).toBe(0);
    expect(second!.reconsumeTimes).toBe(1);
    // delay level 1 is "1s" in this broker's messageDelayLevel
    expect(second!.at - sentAt).toBeGreaterThanOrEqual(900);
  });

  it('resolves ${placeholders} from ConfigService and skips a listener disabled by config', async () => {
    const explorer = app.get(RocketMQListenerExplorer);
    expect(explorer.getContainer('e2e-placeholder-g')?.options.topic).toBe('e2e-placeholder');
    expect(explorer.getContainer('e2e-disabled-g')).toBeUndefined();
    await template.syncSend('e2e-disabled', 'nobody listens');
    await template.syncSend('e2e-placeholder', 'via placeholder');
    await waitFor(() => count('placeholder') >= 1, { timeoutMs: 10000 });
    expect(inbox.get('placeholder')).toEqual(['via placeholder']);
    expect(count('disabled')).toBe(0);
  });

  it('sends a payload failing validation to the DLQ, logging the reason, without retries', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    try {
      const bad = await template.syncSend('e2e-valid', { id: -1, item: '' });
      await template.syncSend('e2e-valid', { id: 21, item: 'fine' });
      await waitFor(() => count('valid') >= 1 && count('dlq') >= 1, { timeoutMs: 15000 });
      expect(inbox.get<OrderDto>('valid').map((o) => o.item)).toEqual(['fine']);
      const dead = inbox.get<MessageExt>('dlq')[0]!;
      expect(JSON.parse(dead.body.toString())).toEqual({ id: -1, item: '' });
      // Moved by CONSUMER_SEND_MSG_BACK with delay level -1: the broker's copy, delivered once (no retry round).
      expect(dead.getProperty('UNIQ_KEY')).toBe(bad.msgId);
      expect(dead.getProperty('RETRY_TOPIC')).toBe('e2e-valid');
      expect(dead.reconsumeTimes).toBe(1);
      expect(errors.mock.calls.map((c) => String(c[0]))).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `Message ${bad.msgId} on e2e-valid sent to %DLQ%e2e-valid-g: OrderDto failed validation: .*id must not be less than 1`,
          ),
        ),
      );
    } finally {
      errors.mockRestore();
    }
  });

  it('a Nest pipe rejecting the payload also keeps it from the handler', async () => {
    await template.syncSend('e2e-pipe', { id: 30, item: 'x', extra: 'not allowed' });
    await template.syncSend('e2e-pipe', { id: 31, item: 'ok' });
    await waitFor(() => count('pipe') >= 1, { timeoutMs: 10000 });
    expect(inbox.get<OrderDto>('pipe').map((o) => o.id)).toEqual([31]);
  });

  it('sendAndReceive returns the reply listener’s answer, typed', async () => {
    class Echo {
      echo!: string;
      doubled!: number;
      shout(): string {
        return this.echo.toUpperCase();
      }
    }
    const reply = await template.sendAndReceive<Echo>('e2e-reply', { id: 21, item: 'pen' }, Echo, 5000);
    expect(reply).toBeInstanceOf(Echo);
    expect(reply.shout()).toBe('21:PEN');
    expect(reply.doubled).toBe(42);
  });

  it('delays by level, seconds, milliseconds and deliver time', async () => {
    const sentAt = Date.now();
    const withKey = (key: string) => MessageBuilder.withPayload(key).setHeader('KEYS', key).build();
    await Promise.all([
      template.syncSend('e2e-delay', withKey('by-level'), undefined, 1),
      template.syncSendDelayTimeSeconds('e2e-delay', withKey('by-sec'), 1),
      template.syncSendDelayTimeMills('e2e-delay', withKey('by-ms'), 1000),
      template.syncSendDeliverTimeMills('e2e-delay', withKey('at-time'), sentAt + 1000),
      template.syncSend('e2e-delay', withKey('now')),
    ]);
    await waitFor(() => count('delay') >= 5, { timeoutMs: 15000 });
    const byKey = new Map(inbox.get<{ keys: string; at: number }>('delay').map((d) => [d.keys, d.at - sentAt]));
    expect(byKey.get('now')!).toBeLessThan(800);
    // timer messages are due on a 100 ms grid in this broker (timerPrecisionMs), so allow one slot early
    for (const key of ['by-level', 'by-sec', 'by-ms', 'at-time']) expect(byKey.get(key)!).toBeGreaterThanOrEqual(880);
  });

  it('calls prepareStart with the configured consumer', () => {
    const listener = app.get(PrepareStartListener);
    expect(listener.consumer).toBe(app.get(RocketMQListenerExplorer).getContainer('e2e-prepare-g')!.consumer);
    expect(listener.consumer!.groupName).toBe('e2e-prepare-g');
  });

  it('an extra template sends with its own producer group', async () => {
    const audit = app.get<RocketMQTemplate>(getRocketMQTemplateToken('audit'));
    expect(audit).not.toBe(template);
    expect(audit.getProducer().groupName).toBe('e2e-audit-producer');
    await audit.syncSend('e2e-plain', { id: 40, item: 'audit' });
    await waitFor(() => inbox.get<OrderDto>('plain').some((o) => o.item === 'audit'), { timeoutMs: 10000 });
  });

  it('templates sharing one client instance each get their own request-reply answers', async () => {
    const audit = app.get<RocketMQTemplate>(getRocketMQTemplateToken('audit'));
    // Same name server, default instance name: one client instance (and its reply dispatch) for both producers.
    expect(audit.getProducer().clientInstance).toBe(template.getProducer().clientInstance);
    const ask = (t: RocketMQTemplate, id: number) =>
      t.sendAndReceive<{ echo: string }>('e2e-reply', { id, item: t.name }, undefined, 5000);
    const answers = await Promise.all([ask(template, 61), ask(audit, 62), ask(template, 63), ask(audit, 64)]);
    expect(answers.map((a) => a.echo)).toEqual(['61:rocketMQTemplate', '62:audit', '63:rocketMQTemplate', '64:audit']);
  });

  it('receive() pulls with the rocketmq.pull-consumer settings', async () => {
    await template.syncSend('e2e-pull', { id: 50, item: 'pulled-1' });
    await template.syncSend('e2e-pull', { id: 51, item: 'pulled-2' });
    const got: OrderDto[] = [];
    await waitFor(
      async () => {
        got.push(...(await template.receive<OrderDto>(OrderDto, 500)));
        return got.length >= 2;
      },
      { timeoutMs: 15000 },
    );
    expect(got.map((o) => o.label()).sort()).toEqual(['50:pulled-1', '51:pulled-2']);
  });
});

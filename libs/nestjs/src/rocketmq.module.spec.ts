import 'reflect-metadata';
import { Injectable, Module, Scope } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { RocketMQMessageListener } from './decorators/rocketmq-message-listener.decorator';
import { RocketMQTransactionListener } from './decorators/rocketmq-transaction-listener.decorator';
import { RocketMQLocalTransactionState } from './interfaces/rocketmq-transaction-listener.interface';
import { InjectRocketMQTemplate } from './decorators/inject-rocketmq-template.decorator';
import {
  ROCKETMQ_MESSAGE_CONVERTER,
  ROCKETMQ_MODULE_OPTIONS,
  ROCKETMQ_PROPERTIES,
  getRocketMQTemplateToken,
} from './rocketmq.constants';
import { createRocketMessage } from './rocketmq-message.factory';
import {
  RocketMQListenerContainerError,
  InvalidRocketMQListenerClassError,
  InvalidRocketMQTransactionListenerClassError,
  RocketMQConfigurationError,
} from './rocketmq.errors';
import { RocketMQListenerExplorer } from './rocketmq.explorer';
import { RocketMQModule } from './rocketmq.module';
import type { RocketMQProperties } from './rocketmq.properties';
import { RocketMQTemplate } from './rocketmq.template';

@RocketMQMessageListener({ consumerGroup: 'g-disabled', topic: '${app.topic}' })
class DisabledListener {
  onMessage(): void {}
}

@RocketMQMessageListener({ consumerGroup: 'g-bad', topic: 't' })
class NotAListener {}

@Injectable({ scope: Scope.REQUEST })
@RocketMQMessageListener({ consumerGroup: 'g-request', topic: 't' })
class RequestScopedListener {
  onMessage(): void {}
}

@RocketMQMessageListener({ consumerGroup: 'g-o', topic: 't', consumeMode: 'ORDERLY', messageModel: 'BROADCASTING' })
class OrderlyBroadcastListener {
  onMessage(): void {}
}

@RocketMQTransactionListener()
class TxOne {
  executeLocalTransaction() {
    return RocketMQLocalTransactionState.COMMIT;
  }
  checkLocalTransaction() {
    return RocketMQLocalTransactionState.COMMIT;
  }
}

@RocketMQTransactionListener()
class TxTwo extends TxOne {}

@RocketMQTransactionListener({ rocketMQTemplateBeanName: 'nowhere' })
class TxForMissingTemplate extends TxOne {}

@RocketMQTransactionListener()
class TxIncomplete {
  executeLocalTransaction() {
    return RocketMQLocalTransactionState.COMMIT;
  }
}

describe('RocketMQModule (no broker needed)', () => {
  const withProducer = { nameServer: '127.0.0.1:1', producer: { group: 'tx-producer' } };

  it.each([
    [
      'a second transaction listener on one template',
      [TxOne, TxTwo],
      /already has a RocketMQLocalTransactionListener; TxTwo/,
    ],
    ['a transaction listener for an unknown template', [TxForMissingTemplate], /no RocketMQTemplate named "nowhere"/],
    [
      'a transaction listener missing checkLocalTransaction',
      [TxIncomplete],
      InvalidRocketMQTransactionListenerClassError,
    ],
  ])('rejects %s at start', async (_name, providers, error) => {
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot(withProducer)],
      providers,
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(error);
  });

  it('binds one transaction listener per template, extra templates included', async () => {
    @RocketMQTransactionListener({ rocketMQTemplateBeanName: 'audit' })
    class AuditTx extends TxOne {}
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot({ ...withProducer, templates: [{ name: 'audit', group: 'audit-producer' }] })],
      providers: [TxOne, AuditTx],
    }).compile();
    // onModuleInit only: binding happens there; nothing is started
    moduleRef.get(RocketMQListenerExplorer).onModuleInit();
    const audit = moduleRef.get<RocketMQTemplate>(getRocketMQTemplateToken('audit'));
    expect(audit.getProducer().groupName).toBe('audit-producer');
    expect(() => audit.setTransactionListener(new TxOne(), 'Another')).toThrow(/already has/);
    expect(() => moduleRef.get(RocketMQTemplate).setTransactionListener(new TxOne(), 'Another')).toThrow(/already has/);
  });

  it('reads rocketmq-spring keys from ConfigService when forRoot gets no options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ rocketmq: { 'name-server': '127.0.0.1:1', consumer: { 'pull-batch-size': '7' } } })],
          isGlobal: true,
        }),
        RocketMQModule.forRoot(),
      ],
    }).compile();
    const props = moduleRef.get<RocketMQProperties>(ROCKETMQ_PROPERTIES);
    expect(props.nameServer).toBe('127.0.0.1:1');
    expect(props.consumer.pullBatchSize).toBe(7);
    expect(props.producer.sendMessageTimeout).toBe(3000);
    // no producer group: the template exists but has no producer, and says how to get one
    const template = moduleRef.get(RocketMQTemplate);
    expect(template.hasProducer()).toBe(false);
    expect(() => template.getProducer()).toThrow(/rocketmq\.producer\.group/);
    await expect(template.syncSend('t', 'x')).rejects.toThrow(RocketMQConfigurationError);
    expect(moduleRef.get(getRocketMQTemplateToken())).toBe(template);
    await moduleRef.close();
  });

  it('builds options with forRootAsync and passes extras through', async () => {
    @Injectable()
    class UsesTemplate {
      constructor(@InjectRocketMQTemplate() readonly template: RocketMQTemplate) {}
    }
    @Module({ providers: [UsesTemplate] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        RocketMQModule.forRootAsync({
          useFactory: async () => ({ nameServer: 'async:9876', producer: { sendMessageTimeout: 1234 } }),
          isGlobal: true,
        }),
        FeatureModule,
      ],
    }).compile();
    expect(moduleRef.get(ROCKETMQ_MODULE_OPTIONS)).toEqual({
      nameServer: 'async:9876',
      producer: { sendMessageTimeout: 1234 },
    });
    expect(moduleRef.get<RocketMQProperties>(ROCKETMQ_PROPERTIES).producer.sendMessageTimeout).toBe(1234);
    expect(moduleRef.get(UsesTemplate).template).toBe(moduleRef.get(RocketMQTemplate));
    await moduleRef.close();
  });

  it('skips a listener disabled by rocketmq.consumer.listeners.<group>.<topic>=false', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          isGlobal: true,
          load: [
            () => ({
              app: { topic: 'orders' },
              rocketmq: { consumer: { listeners: { 'g-disabled': { orders: false } } } },
            }),
          ],
        }),
        RocketMQModule.forRoot({ nameServer: '127.0.0.1:1' }),
      ],
      providers: [DisabledListener],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get(RocketMQListenerExplorer).getContainers()).toHaveLength(0);
    await moduleRef.close();
  });

  it('skips request-scoped listeners with a warning', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot({ nameServer: '127.0.0.1:1' })],
      providers: [RequestScopedListener],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get(RocketMQListenerExplorer).getContainers()).toHaveLength(0);
    await moduleRef.close();
  });

  it('throws InvalidRocketMQListenerClassError for a listener without onMessage', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot({ nameServer: '127.0.0.1:1' })],
      providers: [NotAListener],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(InvalidRocketMQListenerClassError);
    // close() re-throws the failed init; nothing was started
  });

  it('rejects ORDERLY + BROADCASTING when the application starts', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot({ nameServer: '127.0.0.1:1' })],
      providers: [OrderlyBroadcastListener],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(/ORDERLY is not supported with messageModel BROADCASTING/);
    // close() re-throws the failed init; nothing was started
  });

  it('uses a replacement message converter everywhere', async () => {
    const converter = {
      toBody: (payload: unknown) => Buffer.from(`custom:${String(payload as string)}`),
      fromBody: (body: Buffer) => body.toString().replace(/^custom:/, ''),
    };
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot({ messageConverter: converter })],
    }).compile();
    expect(moduleRef.get(ROCKETMQ_MESSAGE_CONVERTER)).toBe(converter);
    expect(createRocketMessage('t', 'x', moduleRef.get(ROCKETMQ_MESSAGE_CONVERTER)).body.toString()).toBe('custom:x');
  });

  it('forRootAsync can read ConfigService through inject', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        RocketMQModule.forRootAsync({
          imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ mq: { ns: 'from-config:9876' } })] })],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({ nameServer: config.get<string>('mq.ns') }),
        }),
      ],
    }).compile();
    expect(moduleRef.get<RocketMQProperties>(ROCKETMQ_PROPERTIES).nameServer).toBe('from-config:9876');
  });

  it('refuses an extra template without its own name', () => {
    expect(() => RocketMQModule.forRoot({ templates: [{ name: 'a' }, { name: 'a' }] })).toThrow(
      /Two extra templates are named "a"/,
    );
  });
});

describe('RocketMQModule start-up failure', () => {
  it('a container failing to start fails init, names itself, and shuts the started template down', async () => {
    // the client validates group names when the consumer starts; the template's producer starts fine before it
    @RocketMQMessageListener({ consumerGroup: 'bad group!', topic: 't' })
    class BadGroupListener {
      onMessage(): void {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot({ nameServer: '127.0.0.1:1', producer: { group: 'startup-failure-p' } })],
      providers: [BadGroupListener],
    }).compile();
    const err = await moduleRef.init().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RocketMQListenerContainerError);
    expect((err as Error).message).toMatch(/Listener BadGroupListener:bad group!:t could not start/);
    expect(moduleRef.get(RocketMQListenerExplorer).getContainer('bad group!')!.state).toBe('START_FAILED');
    expect(moduleRef.get(RocketMQTemplate).state).toBe('SHUTDOWN_ALREADY');
  });
});

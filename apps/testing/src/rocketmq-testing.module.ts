import { Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EmbeddedRocketMQ, TopicConfigManager, type BrokerConfig } from '@rocketnest/broker';
import { ROCKETMQ_PROPERTY_OVERRIDES, RocketMQHealthIndicator, RocketMQListenerExplorer } from '@rocketnest/nestjs';

export const ROCKETMQ_TESTING_OPTIONS = 'ROCKETMQ_TESTING_OPTIONS';

export interface RocketMQTestingModuleOptions {
  /** Broker settings (e.g. `{ transactionCheckInterval: 1000 }` to make check-backs fast). */
  brokerConfig?: Partial<BrokerConfig>;
  /** Store directory; default a fresh `mkdtemp` under the OS temp dir, deleted on close. */
  storePathRootDir?: string;
  /** Extra `rocketmq.*` keys to feed the app, over ConfigService (e.g. `{ 'rocketmq.producer.group': 'g' }`). */
  properties?: Record<string, unknown>;
  /**
   * Client options for every client the app's RocketMQModule creates. Default {@link FAST_CLIENT_OPTIONS}: short route,
   * heartbeat, rebalance and offset intervals so tests do not wait on production timers.
   */
  clientOptions?: Record<string, unknown>;
  /** Topics to create (4 read/write queues) before the app starts, so listeners find their routes at once. */
  topics?: string[];
  /**
   * Use a broker the test already runs (e.g. one per spec file, shared by several apps) instead of starting one.
   * The module then leaves it running on close.
   */
  embedded?: EmbeddedRocketMQ;
}

/** Client timers for tests: a new topic is seen within ~0.3 s, a new consumer gets its queues within ~0.3 s. */
export const FAST_CLIENT_OPTIONS: Readonly<Record<string, unknown>> = {
  pollNameServerIntervalMs: 300,
  heartbeatBrokerIntervalMs: 500,
  rebalanceIntervalMs: 300,
  persistConsumerOffsetIntervalMs: 300,
  lockIntervalMs: 1000,
};

type EmbeddedHandle = EmbeddedRocketMQ;

/**
 * The in-process name server and broker a `RocketMQTestingModule` runs, on 127.0.0.1 ephemeral ports. Inject it to
 * read the addresses or to stop the broker early (e.g. to watch health go down).
 */
export class RocketMQTestingBroker {
  private stopPromise: Promise<void> | undefined;

  constructor(
    private readonly handle: EmbeddedHandle,
    /** Whether `stop()` may shut the broker down (false for a broker passed in as `embedded`). */
    private readonly owned = true,
  ) {}

  /**
   * Creates (or widens) a topic with `queueNums` read and write queues and registers it with the name server, so
   * clients see its route on their next refresh.
   */
  async createTopic(topic: string, queueNums = 4): Promise<void> {
    const PERM_READ_WRITE = 0x4 | 0x2;
    const broker = this.handle.broker;
    broker.topicConfigManager.updateTopicConfig(
      TopicConfigManager.newTopicConfig(topic, queueNums, queueNums, PERM_READ_WRITE),
    );
    await broker.registerBrokerAll();
  }

  /** `127.0.0.1:<port>` of the name server: what the app gets as `rocketmq.name-server`. */
  get namesrvAddr(): string {
    return this.handle.namesrvAddr;
  }

  get brokerAddr(): string {
    return this.handle.brokerAddr;
  }

  /** The broker object, for white-box assertions. */
  get broker(): EmbeddedHandle['broker'] {
    return this.handle.broker;
  }

  get stopped(): boolean {
    return this.stopPromise !== undefined;
  }

  /** Stops broker and name server and deletes the temp store; idempotent. */
  stop(): Promise<void> {
    this.stopPromise ??= this.owned ? this.handle.shutdown() : Promise.resolve();
    return this.stopPromise;
  }
}

/**
 * Closes the app's RocketMQ clients first (they would otherwise wait on a dead broker), then the broker.
 * Hook order between modules is not something to rely on, so this drives the order itself.
 */
@Injectable()
class RocketMQTestingLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('RocketMQTestingModule');

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly broker: RocketMQTestingBroker,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    for (const token of [RocketMQListenerExplorer, RocketMQHealthIndicator] as const) {
      let instance: RocketMQListenerExplorer | RocketMQHealthIndicator | undefined;
      try {
        instance = this.moduleRef.get<RocketMQListenerExplorer | RocketMQHealthIndicator>(token, { strict: false });
      } catch {
        instance = undefined; // the app has no RocketMQModule
      }
      try {
        if (instance instanceof RocketMQListenerExplorer) await instance.shutdown();
        else if (instance instanceof RocketMQHealthIndicator) await instance.onApplicationShutdown();
      } catch (err) {
        this.logger.warn(`Closing RocketMQ clients before the broker failed: ${(err as Error).message}`);
      }
    }
    await this.broker.stop();
  }
}

/**
 * Runs a real name server and broker in-process for Jest e2e tests, on ephemeral ports with a temporary store, and
 * feeds `rocketmq.name-server` to `RocketMQModule` (through `ROCKETMQ_PROPERTY_OVERRIDES`). `app.close()` tears it down.
 *
 * ```ts
 * const moduleRef = await Test.createTestingModule({
 *   imports: [RocketMQTestingModule.forRoot(), RocketMQModule.forRoot({ producer: { group: 'test' } })],
 *   providers: [MyListener],
 * }).compile();
 * ```
 */
@Module({})
export class RocketMQTestingModule {
  static forRoot(options: RocketMQTestingModuleOptions = {}): DynamicModule {
    return {
      module: RocketMQTestingModule,
      global: true,
      providers: [
        // A factory, not useValue: Nest hashes dynamic-module metadata to key the module, and serializing a live
        // `embedded` broker (its maps and mapped buffers) would take ages.
        { provide: ROCKETMQ_TESTING_OPTIONS, useFactory: () => options },
        {
          provide: RocketMQTestingBroker,
          useFactory: async (opts: RocketMQTestingModuleOptions) => {
            const broker = opts.embedded
              ? new RocketMQTestingBroker(opts.embedded, false)
              : new RocketMQTestingBroker(
                  // Without storePathRootDir the embedded broker makes a mkdtemp store and deletes it on shutdown.
                  await EmbeddedRocketMQ.start({
                    storePathRootDir: opts.storePathRootDir,
                    namesrvPort: 0,
                    brokerPort: 0,
                    brokerConfig: opts.brokerConfig,
                  }),
                );
            try {
              for (const topic of opts.topics ?? []) await broker.createTopic(topic);
            } catch (err) {
              await broker.stop();
              throw err;
            }
            return broker;
          },
          inject: [ROCKETMQ_TESTING_OPTIONS],
        },
        {
          provide: ROCKETMQ_PROPERTY_OVERRIDES,
          useFactory: (broker: RocketMQTestingBroker, opts: RocketMQTestingModuleOptions) => ({
            ...opts.properties,
            'rocketmq.name-server': broker.namesrvAddr,
            'rocketmq.client-options': { ...FAST_CLIENT_OPTIONS, ...opts.clientOptions },
          }),
          inject: [RocketMQTestingBroker, ROCKETMQ_TESTING_OPTIONS],
        },
        RocketMQTestingLifecycle,
      ],
      exports: [RocketMQTestingBroker, ROCKETMQ_PROPERTY_OVERRIDES],
    };
  }
}

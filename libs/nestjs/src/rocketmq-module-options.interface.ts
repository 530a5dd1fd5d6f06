import type { RocketMQMessageConverter } from './rocketmq-message-converter';
import type { RocketMQPropertiesInput } from './rocketmq.properties';
import type { RocketMQTemplateOptions } from './rocketmq-template.options';

/**
 * Options of `RocketMQModule.forRoot` / `forRootAsync`. Every `rocketmq.*` property can be given here; what is not
 * given is read from `@nestjs/config`'s ConfigService (when the app has one) under rocketmq-spring's keys, then from
 * rocketmq-spring's defaults.
 */
export interface RocketMQModuleOptions extends RocketMQPropertiesInput {
  /** Replaces the JSON converter (rocketmq-spring: a `RocketMQMessageConverter` bean). */
  messageConverter?: RocketMQMessageConverter;
  /** Read `rocketmq.*` from ConfigService when it is available. Default true. */
  useConfigService?: boolean;
  /**
   * Extra options for every client the module creates (producer, push consumers, lite pull consumer, admin), e.g.
   * `{ heartbeatBrokerIntervalMs: 500, rebalanceIntervalMs: 500 }` to make tests fast. Listener `clientOptions` win.
   */
  clientOptions?: Record<string, unknown>;
  /**
   * Give up on a slow `onApplicationShutdown` drain after this long, ms (the listener's
   * `awaitTerminationMillisWhenShutdown` still bounds each container). Default: no extra bound.
   */
  shutdownTimeoutMs?: number;
}

/** `forRoot`'s extra, outside the options object (ConfigurableModuleBuilder `setExtras`). */
export interface RocketMQModuleExtras {
  /** Register the module globally. Default false. */
  isGlobal?: boolean;
  /**
   * Extra named templates, each with its own name server and producer group (rocketmq-spring
   * `@ExtRocketMQTemplateConfiguration`). String values may hold `${...}` placeholders. Inject one with
   * `@InjectRocketMQTemplate(name)`.
   */
  templates?: RocketMQTemplateOptions[];
}

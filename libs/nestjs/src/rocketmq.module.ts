import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigurableRocketMQModule, ROCKETMQ_OPTIONS_TYPE } from './rocketmq.module-definition';

/**
 * The RocketMQ starter (rocketmq-spring-boot-starter for Nest).
 *
 * ```ts
 * RocketMQModule.forRoot()                                  // everything from ConfigService (rocketmq.* keys)
 * RocketMQModule.forRoot({ nameServer: '127.0.0.1:9876', producer: { group: 'my-group' }, isGlobal: true })
 * RocketMQModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService], useFactory: (c) => ({ ... }) })
 * ```
 * Provides and exports `RocketMQTemplate` (plus named `templates`), `RocketMQHealthIndicator`, and runs every
 * `@RocketMQMessageListener` / `@RocketMQTransactionListener` provider of the application.
 */
@Module({})
export class RocketMQModule extends ConfigurableRocketMQModule {
  /** Options are optional: without them every setting comes from ConfigService and rocketmq-spring's defaults. */
  static override forRoot(options: typeof ROCKETMQ_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}

import { Logger } from '@nestjs/common';
import type { RocketMQModuleOptions } from './rocketmq-module-options.interface';
import {
  chainSources,
  configServiceSource,
  mapSource,
  optionsSource,
  resolveRocketMQProperties,
  type ConfigLike,
  type RocketMQProperties,
  type RocketMQPropertySource,
} from './rocketmq.properties';

/**
 * The starter's resolved configuration: rocketmq-spring properties plus the source placeholders are resolved from.
 * Precedence, first wins: `ROCKETMQ_PROPERTY_OVERRIDES` (e.g. the testing module), explicit module options,
 * ConfigService (`rocketmq.name-server`, `rocketmq.nameServer`, `ROCKETMQ_NAME_SERVER`), defaults.
 */
export class RocketMQConfig {
  private static readonly logger = new Logger('RocketMQModule');

  private constructor(
    readonly options: RocketMQModuleOptions,
    readonly source: RocketMQPropertySource,
    readonly properties: RocketMQProperties,
  ) {}

  static create(
    options: RocketMQModuleOptions = {},
    config?: ConfigLike,
    overrides?: Record<string, unknown>,
  ): RocketMQConfig {
    const useConfig = options.useConfigService !== false && config !== undefined;
    const source = chainSources(
      overrides ? mapSource(overrides) : undefined,
      optionsSource(options),
      useConfig ? configServiceSource(config) : undefined,
    );
    const properties = resolveRocketMQProperties(source);
    if (!properties.nameServer) {
      RocketMQConfig.logger.warn(
        'rocketmq.name-server is not set: the producer and listeners will fail to start unless they name one',
      );
    }
    return new RocketMQConfig(options, source, properties);
  }

  /**
   * Options merged into every client the module creates: `rocketmq.client-options` (an object, e.g. from the testing
   * module), then the module's `clientOptions`.
   */
  get clientOptions(): Record<string, unknown> {
    const fromSource = this.source.get('rocketmq.client-options');
    return {
      ...(fromSource && typeof fromSource === 'object' ? (fromSource as Record<string, unknown>) : {}),
      ...this.options.clientOptions,
    };
  }
}

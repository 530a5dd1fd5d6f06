import type { DynamicModule, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { resolvePlaceholders } from './placeholder.resolver';
import {
  DEFAULT_ROCKETMQ_TEMPLATE_NAME,
  ROCKETMQ_MESSAGE_CONVERTER,
  ROCKETMQ_MODULE_OPTIONS,
  ROCKETMQ_PROPERTIES,
  ROCKETMQ_PROPERTY_OVERRIDES,
  getRocketMQTemplateToken,
} from './rocketmq.constants';
import { RocketMQConfig } from './rocketmq-config';
import { RocketMQConfigurationError } from './rocketmq.errors';
import { RocketMQListenerExplorer } from './rocketmq.explorer';
import { RocketMQHealthIndicator } from './rocketmq.health-indicator';
import { DefaultRocketMQMessageConverter, type RocketMQMessageConverter } from './rocketmq-message-converter';
import { RocketMQMetadataAccessor } from './rocketmq-metadata.accessor';
import type { RocketMQModuleOptions } from './rocketmq-module-options.interface';
import { RocketMQTemplate } from './rocketmq.template';
import type { RocketMQTemplateOptions, TemplateSettings } from './rocketmq-template.options';

/** Settings of the default template: `rocketmq.name-server`, `rocketmq.producer.*`, `rocketmq.pull-consumer.*`. */
export function defaultTemplateSettings(config: RocketMQConfig): TemplateSettings {
  const p = config.properties;
  return {
    name: DEFAULT_ROCKETMQ_TEMPLATE_NAME,
    nameServer: p.nameServer,
    producer: p.producer,
    pullConsumer: p.pullConsumer,
    clientOptions: config.clientOptions,
  };
}

/** Settings of an extra template: its own values, then `rocketmq.*`, placeholders resolved. */
export function extraTemplateSettings(config: RocketMQConfig, options: RocketMQTemplateOptions): TemplateSettings {
  if (!options.name || options.name === DEFAULT_ROCKETMQ_TEMPLATE_NAME) {
    throw new RocketMQConfigurationError(
      `An extra template needs a name other than "${DEFAULT_ROCKETMQ_TEMPLATE_NAME}" (that one is the default template)`,
    );
  }
  const where = `template "${options.name}"`;
  const resolved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined) resolved[k] = typeof v === 'string' ? resolvePlaceholders(v, config.source, where) : v;
  }
  const { name, nameServer, group, clientOptions, ...producer } = resolved as unknown as RocketMQTemplateOptions;
  return {
    name,
    nameServer: nameServer || config.properties.nameServer,
    producer: { ...config.properties.producer, ...producer, group: group || config.properties.producer.group },
    pullConsumer: undefined,
    clientOptions: { ...config.clientOptions, ...clientOptions },
  };
}

/** The providers every `RocketMQModule.forRoot*` registration adds to the builder's definition. */
export function withCoreProviders(
  definition: DynamicModule,
  templates: RocketMQTemplateOptions[],
): Pick<DynamicModule, 'imports' | 'providers' | 'exports'> {
  const names = new Set<string>();
  for (const t of templates) {
    if (names.has(t.name)) throw new RocketMQConfigurationError(`Two extra templates are named "${t.name}"`);
    names.add(t.name);
  }
  const providers: Provider[] = [
    {
      provide: RocketMQConfig,
      useFactory: (options: RocketMQModuleOptions, config?: ConfigService, overrides?: Record<string, unknown>) =>
        RocketMQConfig.create(options, config, overrides),
      inject: [
        ROCKETMQ_MODULE_OPTIONS,
        { token: ConfigService, optional: true },
        { token: ROCKETMQ_PROPERTY_OVERRIDES, optional: true },
      ],
    },
    { provide: ROCKETMQ_PROPERTIES, useFactory: (c: RocketMQConfig) => c.properties, inject: [RocketMQConfig] },
    {
      provide: ROCKETMQ_MESSAGE_CONVERTER,
      useFactory: (c: RocketMQConfig): RocketMQMessageConverter =>
        c.options.messageConverter ?? new DefaultRocketMQMessageConverter(),
      inject: [RocketMQConfig],
    },
    {
      provide: RocketMQTemplate,
      useFactory: (c: RocketMQConfig, converter: RocketMQMessageConverter) =>
        new RocketMQTemplate(defaultTemplateSettings(c), converter),
      inject: [RocketMQConfig, ROCKETMQ_MESSAGE_CONVERTER],
    },
    { provide: getRocketMQTemplateToken(), useExisting: RocketMQTemplate },
    ...templates.map((t): Provider => ({
      provide: getRocketMQTemplateToken(t.name),
      useFactory: (c: RocketMQConfig, converter: RocketMQMessageConverter) =>
        new RocketMQTemplate(extraTemplateSettings(c, t), converter),
      inject: [RocketMQConfig, ROCKETMQ_MESSAGE_CONVERTER],
    })),
    RocketMQMetadataAccessor,
    RocketMQListenerExplorer,
    RocketMQHealthIndicator,
  ];
  return {
    imports: [...(definition.imports ?? []), DiscoveryModule],
    providers: [...(definition.providers ?? []), ...providers],
    exports: [
      ...(definition.exports ?? []),
      RocketMQConfig,
      ROCKETMQ_PROPERTIES,
      ROCKETMQ_MESSAGE_CONVERTER,
      RocketMQTemplate,
      getRocketMQTemplateToken(),
      ...templates.map((t) => getRocketMQTemplateToken(t.name)),
      RocketMQListenerExplorer,
      RocketMQHealthIndicator,
    ],
  };
}

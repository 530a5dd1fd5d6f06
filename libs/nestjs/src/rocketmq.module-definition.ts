import { ConfigurableModuleBuilder } from '@nestjs/common';
import { ROCKETMQ_MODULE_OPTIONS } from './rocketmq.constants';
import { withCoreProviders } from './rocketmq.providers';
import type { RocketMQModuleExtras, RocketMQModuleOptions } from './rocketmq-module-options.interface';

// optionsInjectionToken is passed explicitly: moduleName 'RocketMQ' would derive ROCKET_M_Q_MODULE_OPTIONS.
export const {
  ConfigurableModuleClass: ConfigurableRocketMQModule,
  OPTIONS_TYPE: ROCKETMQ_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ROCKETMQ_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<RocketMQModuleOptions>({ optionsInjectionToken: ROCKETMQ_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras<RocketMQModuleExtras>({ isGlobal: false, templates: [] }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    ...withCoreProviders(definition, extras.templates ?? []),
  }))
  .build();

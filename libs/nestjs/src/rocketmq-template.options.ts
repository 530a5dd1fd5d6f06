import type { ProducerProperties, PullConsumerProperties } from './rocketmq.properties';

/**
 * A named extra template (rocketmq-spring `@ExtRocketMQTemplateConfiguration`): its own name server and producer
 * group. Unset values fall back to `rocketmq.name-server`, `rocketmq.producer.*` and their defaults.
 */
export interface RocketMQTemplateOptions extends Partial<Omit<ProducerProperties, 'group'>> {
  /** Template name; inject it with `@InjectRocketMQTemplate(name)` or `getRocketMQTemplateToken(name)`. */
  name: string;
  /** Default `rocketmq.name-server`. */
  nameServer?: string;
  /** Producer group. Default `rocketmq.producer.group`. */
  group?: string;
  /** Extra client options for this template's producer. */
  clientOptions?: Record<string, unknown>;
}

/** What a template needs to build its producer and optional lite pull consumer. */
export interface TemplateSettings {
  name: string;
  nameServer: string | undefined;
  producer: ProducerProperties;
  pullConsumer: PullConsumerProperties | undefined;
  clientOptions: Record<string, unknown>;
}

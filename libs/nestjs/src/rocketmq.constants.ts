/** Injection token of the options passed to `RocketMQModule.forRoot` / `forRootAsync`. */
export const ROCKETMQ_MODULE_OPTIONS = 'ROCKETMQ_MODULE_OPTIONS';

/** Injection token of the resolved {@link RocketMQProperties} (defaults ← ConfigService ← explicit options). */
export const ROCKETMQ_PROPERTIES = 'ROCKETMQ_PROPERTIES';

/**
 * Optional injection token: a flat `Record<string, string>` of `rocketmq.*` keys that take precedence over ConfigService
 * (for example the name server address that `RocketMQTestingModule` starts). Provide it from a global module.
 */
export const ROCKETMQ_PROPERTY_OVERRIDES = 'ROCKETMQ_PROPERTY_OVERRIDES';

/** Injection token of the active {@link RocketMQMessageConverter}. */
export const ROCKETMQ_MESSAGE_CONVERTER = 'ROCKETMQ_MESSAGE_CONVERTER';

/** Metadata key of `@RocketMQMessageListener`. */
export const ROCKETMQ_MESSAGE_LISTENER_METADATA = 'rocketmq:message-listener';

/** Metadata key of `@RocketMQTransactionListener`. */
export const ROCKETMQ_TRANSACTION_LISTENER_METADATA = 'rocketmq:transaction-listener';

/** Name of the template `RocketMQModule.forRoot` registers (rocketmq-spring's bean name). */
export const DEFAULT_ROCKETMQ_TEMPLATE_NAME = 'rocketMQTemplate';

/**
 * Injection token of a named template (rocketmq-spring `@ExtRocketMQTemplateConfiguration`, bull `getQueueToken`).
 * The default template is also injectable by its class `RocketMQTemplate`.
 */
export function getRocketMQTemplateToken(name: string = DEFAULT_ROCKETMQ_TEMPLATE_NAME): string {
  return `RocketMQTemplate:${name}`;
}

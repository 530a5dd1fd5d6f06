import { RocketMQError } from '@rocketnest/common';

/** A `rocketmq.*` setting or a listener attribute is missing or invalid; raised at application start. */
export class RocketMQConfigurationError extends RocketMQError {}

/** A `${placeholder}` in a listener attribute names a key that no property source defines (and has no `:default`). */
export class UnresolvablePlaceholderError extends RocketMQConfigurationError {
  constructor(
    readonly placeholder: string,
    readonly where: string,
  ) {
    super(
      `Could not resolve placeholder "\${${placeholder}}" in ${where}; define "${placeholder}" in your configuration ` +
        `or give a default with "\${${placeholder}:default}"`,
    );
  }
}

/** A class carries `@RocketMQMessageListener` but has no `onMessage` method (bull `InvalidProcessorClassError`). */
export class InvalidRocketMQListenerClassError extends RocketMQConfigurationError {
  constructor(readonly className: string) {
    super(
      `${className} is decorated with @RocketMQMessageListener but does not implement RocketMQListener<T> or ` +
        `RocketMQReplyListener<T, R>: add an onMessage(message) method`,
    );
  }
}

/** A class carries `@RocketMQTransactionListener` but lacks `executeLocalTransaction` / `checkLocalTransaction`. */
export class InvalidRocketMQTransactionListenerClassError extends RocketMQConfigurationError {
  constructor(readonly className: string) {
    super(
      `${className} is decorated with @RocketMQTransactionListener but does not implement ` +
        `RocketMQLocalTransactionListener: add executeLocalTransaction(message, arg) and checkLocalTransaction(message)`,
    );
  }
}

/** A payload could not be turned into bytes, or bytes into the type a listener declared. */
export class MessageConversionError extends RocketMQError {}

/** A payload failed the listener's DTO validation; the message goes to the dead-letter queue, never retried. */
export class MessageValidationError extends RocketMQError {
  constructor(
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

/** A template operation failed outside the client (not started, shut down, no answer). */
export class RocketMQTemplateError extends RocketMQError {}

/** A listener container failed to start or stop (the cause is the client's error). */
export class RocketMQListenerContainerError extends RocketMQError {}

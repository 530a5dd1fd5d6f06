import { isRetriableResponseCode, responseCodeName } from '../protocol/response-code';

export interface RocketMQErrorOptions {
  cause?: unknown;
  /** Whether repeating the same operation (possibly elsewhere) may succeed. Default false. */
  retriable?: boolean;
}

/** Base of every error RocketNest throws on purpose (after kafkajs `KafkaJSError`). */
export class RocketMQError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** Bytes from a peer that are not a valid remoting command or codec input. Never retriable. */
export class RemotingCommandError extends RocketMQError {
  constructor(message: string, options: Omit<RocketMQErrorOptions, 'retriable'> = {}) {
    super(message, { ...options, retriable: false });
  }
}

/** A TCP connection could not be opened or was lost before the answer. */
export class RemotingConnectError extends RocketMQError {
  constructor(
    readonly addr: string,
    message = `Could not connect to ${addr}; is the server running and reachable?`,
    options: RocketMQErrorOptions = {},
  ) {
    super(message, { retriable: true, ...options });
  }
}

/** A request was written but no answer came within its timeout. */
export class RemotingTimeoutError extends RocketMQError {
  constructor(
    readonly addr: string,
    readonly timeoutMs: number,
    message = `No response from ${addr} within ${timeoutMs} ms`,
    options: RocketMQErrorOptions = {},
  ) {
    super(message, { retriable: true, ...options });
  }
}

/** Writing a request to the connection failed. */
export class RemotingSendRequestError extends RocketMQError {
  constructor(
    readonly addr: string,
    message = `Failed to send a request to ${addr}`,
    options: RocketMQErrorOptions = {},
  ) {
    super(message, { retriable: true, ...options });
  }
}

/** Too many async or oneway requests in flight (Java `RemotingTooMuchRequestException`). */
export class RemotingTooMuchRequestError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super(message, { retriable: true, ...options });
  }
}

/** A client-side misuse or failure (Java `MQClientException`); not retriable unless said so. */
export class MQClientError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions & { responseCode?: number } = {}) {
    super(message, options);
    this.responseCode = options.responseCode;
  }
  readonly responseCode: number | undefined;
}

/** A broker or name server answered with a non-success code (Java `MQBrokerException`). */
export class MQBrokerError extends RocketMQError {
  constructor(
    readonly responseCode: number,
    readonly remark: string | undefined,
    readonly brokerAddr?: string,
    options: Omit<RocketMQErrorOptions, 'retriable'> = {},
  ) {
    super(
      `${responseCodeName(responseCode)} (${responseCode})${brokerAddr ? ` from ${brokerAddr}` : ''}: ${remark ?? 'no remark'}`,
      { ...options, retriable: isRetriableResponseCode(responseCode) },
    );
  }
}

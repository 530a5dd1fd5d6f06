import { MQBrokerError, ResponseCode } from '@rocketnest/common';
import { RemotingCommand, type SerializeType } from './remoting-command';
import type { RemotingChannel, RemotingConnection, RequestProcessor } from './remoting-connection';

export interface ProcessorOptions {
  /**
   * Asked before each request (Java `NettyRequestProcessor.rejectRequest`); `true` answers SYSTEM_BUSY with a remark
   * starting `[REJECTREQUEST]`, without calling the processor.
   */
  rejectRequest?: () => boolean;
}

interface Registration {
  processor: RequestProcessor;
  options: ProcessorOptions;
}

export interface RequestDispatcherOptions {
  /** Serialize type of responses; undefined = answer in the request's serialize type. */
  serializeType?: SerializeType;
  /** Requests being processed at once before new ones get SYSTEM_BUSY `[OVERLOAD]`. Default 65536. */
  maxConcurrentRequests?: number;
  /** Called with processor failures (for logging); the peer gets SYSTEM_ERROR. */
  onError?: (err: unknown, request: RemotingCommand, channel: RemotingChannel) => void;
}

/** Short description of an exception for a SYSTEM_ERROR remark (Java `RemotingHelper.exceptionSimpleDesc`). */
export function exceptionSimpleDesc(err: unknown): string {
  if (err instanceof Error) {
    const frame = err.stack
      ?.split('\n')
      .slice(1)
      .find((l) => l.trim().startsWith('at '))
      ?.trim()
      .slice(3);
    return `${err.name}: ${err.message}${frame ? `, ${frame}` : ''}`;
  }
  return String(err);
}

/**
 * Request code → processor table and the Java server rules around it (`NettyRemotingAbstract.processRequestCommand`):
 * unknown codes get REQUEST_CODE_NOT_SUPPORTED, a throwing processor SYSTEM_ERROR, overload SYSTEM_BUSY; oneway
 * requests are never answered.
 * @internal
 */
export class RequestDispatcher {
  private readonly processors = new Map<number, Registration>();
  private defaultProcessor: Registration | undefined;
  private inFlight = 0;
  private readonly maxConcurrent: number;

  constructor(private readonly opts: RequestDispatcherOptions = {}) {
    this.maxConcurrent = opts.maxConcurrentRequests ?? 65536;
  }

  register(code: number, processor: RequestProcessor, options: ProcessorOptions = {}): void {
    this.processors.set(code, { processor, options });
  }

  registerDefault(processor: RequestProcessor, options: ProcessorOptions = {}): void {
    this.defaultProcessor = { processor, options };
  }

  /** Requests whose processor has not settled yet. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Turns a processor's answer into the response frame for `request` (opaque, response flag, serialize type). */
  prepareResponse(request: RemotingCommand, response: RemotingCommand): RemotingCommand {
    response.opaque = request.opaque;
    response.markResponse();
    response.serializeType = this.opts.serializeType ?? request.serializeType;
    return response;
  }

  /** Writes `response` for `request` unless the request was oneway or the connection is gone. */
  respond(conn: RemotingConnection, request: RemotingCommand, response: RemotingCommand): void {
    if (request.isOneway() || !conn.isActive()) return;
    conn.writeCommand(this.prepareResponse(request, response), (err) => {
      if (err) this.opts.onError?.(err, request, conn);
    });
  }

  dispatch(conn: RemotingConnection, request: RemotingCommand): void {
    const reg = this.processors.get(request.code) ?? this.defaultProcessor;
    if (reg === undefined) {
      this.respond(
        conn,
        request,
        RemotingCommand.createResponse(
          ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
          ` request type ${request.code} not supported`,
        ),
      );
      return;
    }
    if (reg.options.rejectRequest?.()) {
      this.respond(
        conn,
        request,
        RemotingCommand.createResponse(
          ResponseCode.SYSTEM_BUSY,
          '[REJECTREQUEST]system busy, start flow control for a while',
        ),
      );
      return;
    }
    if (this.inFlight >= this.maxConcurrent) {
      this.respond(
        conn,
        request,
        RemotingCommand.createResponse(
          ResponseCode.SYSTEM_BUSY,
          `[OVERLOAD]system busy, start flow control for a while (${this.inFlight} requests in progress)`,
        ),
      );
      return;
    }
    this.inFlight++;
    let result: ReturnType<RequestProcessor>;
    try {
      result = reg.processor(request, conn);
    } catch (err) {
      this.inFlight--;
      this.fail(conn, request, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (response) => {
          this.inFlight--;
          if (response) this.respond(conn, request, response);
        },
        (err: unknown) => {
          this.inFlight--;
          this.fail(conn, request, err);
        },
      );
    } else {
      this.inFlight--;
      if (result) this.respond(conn, request, result);
    }
  }

  private fail(conn: RemotingConnection, request: RemotingCommand, err: unknown): void {
    this.opts.onError?.(err, request, conn);
    // A processor may signal an expected outcome by throwing MQBrokerError(code, remark).
    const response =
      err instanceof MQBrokerError
        ? RemotingCommand.createResponse(err.responseCode, err.remark)
        : RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, exceptionSimpleDesc(err));
    this.respond(conn, request, response);
  }
}

import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { MQClientError, RemotingConnectError, RemotingTooMuchRequestError, RocketMQError } from '@rocketnest/common';
import { RemotingCommand, SerializeType } from './remoting-command';
import { RemotingConnection, type RequestProcessor } from './remoting-connection';
import { RequestDispatcher, type ProcessorOptions } from './request-dispatcher';
import { Semaphore } from './semaphore';

export interface RemotingClientOptions {
  /** TCP connect timeout. Default 3000 ms (Java `connectTimeoutMillis`). */
  connectTimeoutMs?: number;
  /** Requests awaiting a response at once (Java `clientAsyncSemaphoreValue`). Default 65535. */
  maxAsyncInFlight?: number;
  /** Oneway requests being written at once (Java `clientOnewaySemaphoreValue`). Default 65535. */
  maxOnewayInFlight?: number;
  /** Header serialization of our requests. Default JSON. Codes above 32767 always go as JSON. */
  serializeType?: SerializeType;
  /** Close connections idle this long. Default 120000 ms (Java `clientChannelMaxIdleTimeSeconds`); 0 disables. */
  channelMaxIdleTimeMs?: number;
  /** Largest accepted frame incl. its length field. Default 16 MiB. */
  maxFrameLength?: number;
  /** First delay before reconnecting after a failed connect. Default 300 ms; doubles per failure, ±20% jitter. */
  reconnectBackoffInitialMs?: number;
  /** Cap of the reconnect delay. Default 5000 ms (callers rotate to other addresses meanwhile). */
  reconnectBackoffMaxMs?: number;
  /** Processor failures for server-sent requests, for logging. */
  onError?: (err: unknown, request: RemotingCommand) => void;
}

interface Endpoint {
  conn?: RemotingConnection;
  connecting?: Promise<RemotingConnection>;
  failures: number;
  /** No connect attempt before this time (ms epoch). */
  retryAt: number;
}

/** `host:port` or `[v6]:port` → parts. */
export function parseAddress(addr: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(addr) ?? /^([^:]+):(\d+)$/.exec(addr);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new MQClientError(`Bad address "${addr}"; expected host:port`);
  }
  return { host: m[1]!, port };
}

/**
 * Remoting TCP client (Java `NettyRemotingClient`): one connection per address, opened on first use, responses matched
 * by (connection, opaque), pending calls failed at once when their connection drops, reconnect with capped exponential
 * backoff, semaphores on in-flight requests, and processors for requests the server sends us.
 * Events: `close` (addr), `connect` (addr).
 */
export class RemotingClient extends EventEmitter {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly dispatcher: RequestDispatcher;
  private readonly asyncSemaphore: Semaphore;
  private readonly onewaySemaphore: Semaphore;
  private state: 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' = 'CREATE_JUST';
  private shutdownPromise: Promise<void> | undefined;

  constructor(private readonly opts: RemotingClientOptions = {}) {
    super();
    this.asyncSemaphore = new Semaphore(opts.maxAsyncInFlight ?? 65535);
    this.onewaySemaphore = new Semaphore(opts.maxOnewayInFlight ?? 65535);
    this.dispatcher = new RequestDispatcher({
      onError: opts.onError ? (err, req) => opts.onError!(err, req) : undefined,
    });
  }

  start(): void {
    if (this.state === 'SHUTDOWN_ALREADY') throw new RocketMQError('RemotingClient was shut down; create a new one');
    this.state = 'RUNNING';
  }

  /** Closes every connection; pending calls fail with RemotingConnectError. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      this.state = 'SHUTDOWN_ALREADY';
      const closing: Promise<void>[] = [];
      for (const [addr, ep] of this.endpoints) {
        const conn = ep.conn;
        if (conn)
          closing.push(new Promise<void>((resolve) => (conn.isActive() ? conn.once('close', resolve) : resolve())));
        this.closeChannel(addr);
      }
      this.endpoints.clear();
      await Promise.all(closing);
    })();
    return this.shutdownPromise;
  }

  /** Handles requests the server sends on our connections (e.g. CHECK_TRANSACTION_STATE). */
  registerProcessor(code: number, processor: RequestProcessor, options?: ProcessorOptions): void {
    this.dispatcher.register(code, processor, options);
  }

  registerDefaultProcessor(processor: RequestProcessor, options?: ProcessorOptions): void {
    this.dispatcher.registerDefault(processor, options);
  }

  /** Addresses with an open connection. */
  get connectedAddresses(): string[] {
    return [...this.endpoints].filter(([, ep]) => ep.conn?.isActive()).map(([addr]) => addr);
  }

  /** Closes the connection to `addr` (its pending calls fail at once); the next call reconnects. */
  closeChannel(addr: string): void {
    const ep = this.endpoints.get(addr);
    ep?.conn?.close();
  }

  /** Sends a request and waits for its response. */
  async invoke(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const started = Date.now();
    if (!(await this.asyncSemaphore.acquire(timeoutMs))) {
      throw new RemotingTooMuchRequestError(
        `Too many requests in flight (maxAsyncInFlight ${this.opts.maxAsyncInFlight ?? 65535}); none finished within ${timeoutMs} ms`,
      );
    }
    try {
      const conn = await this.connection(addr, timeoutMs);
      this.prepare(request);
      const left = Math.max(1, timeoutMs - (Date.now() - started));
      return await conn.invoke(request, left);
    } finally {
      this.asyncSemaphore.release();
    }
  }

  /** Alias of `invoke` (Java naming). */
  invokeSync(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return this.invoke(addr, request, timeoutMs);
  }

  /** Alias of `invoke` (Java naming). */
  invokeAsync(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return this.invoke(addr, request, timeoutMs);
  }

  /** Writes a oneway request (flag bit 1); resolves once it is handed to the socket. */
  async invokeOneway(addr: string, request: RemotingCommand, timeoutMs: number): Promise<void> {
    const started = Date.now();
    if (!(await this.onewaySemaphore.acquire(timeoutMs))) {
      throw new RemotingTooMuchRequestError(
        `Too many oneway requests in flight (maxOnewayInFlight ${this.opts.maxOnewayInFlight ?? 65535})`,
      );
    }
    try {
      const conn = await this.connection(addr, timeoutMs);
      this.prepare(request);
      await conn.invokeOneway(request, Math.max(1, timeoutMs - (Date.now() - started)));
    } finally {
      this.onewaySemaphore.release();
    }
  }

  private prepare(request: RemotingCommand): void {
    if (this.opts.serializeType !== undefined) request.serializeType = this.opts.serializeType;
    // The binary header stores the code as int16; larger codes (POP family) must use JSON.
    if (request.code > 0x7fff) request.serializeType = SerializeType.JSON;
  }

  private async connection(addr: string, timeoutMs: number): Promise<RemotingConnection> {
    if (this.state === 'SHUTDOWN_ALREADY') throw new RocketMQError('RemotingClient is shut down');
    let ep = this.endpoints.get(addr);
    if (ep?.conn?.isActive()) return ep.conn;
    if (!ep) {
      ep = { failures: 0, retryAt: 0 };
      this.endpoints.set(addr, ep);
    }
    if (!ep.connecting) {
      const wait = ep.retryAt - Date.now();
      if (wait > 0) {
        if (wait >= timeoutMs) {
          throw new RemotingConnectError(
            addr,
            `Connecting to ${addr} failed ${ep.failures} time(s); next try in ${wait} ms`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (ep.conn?.isActive()) return ep.conn;
      }
      if (!ep.connecting) ep.connecting = this.connect(addr, ep);
    }
    return ep.connecting;
  }

  private connect(addr: string, ep: Endpoint): Promise<RemotingConnection> {
    const { host, port } = parseAddress(addr);
    const timeoutMs = this.opts.connectTimeoutMs ?? 3000;
    return new Promise<RemotingConnection>((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        fail(new RemotingConnectError(addr, `Connecting to ${addr} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        ep.connecting = undefined;
        ep.failures++;
        const base = Math.min(
          this.opts.reconnectBackoffMaxMs ?? 5000,
          (this.opts.reconnectBackoffInitialMs ?? 300) * 2 ** Math.min(ep.failures - 1, 20),
        );
        ep.retryAt = Date.now() + Math.round(base * (0.8 + Math.random() * 0.4));
        reject(
          err instanceof RemotingConnectError
            ? err
            : new RemotingConnectError(addr, `Could not connect to ${addr}: ${err.message}; is the server running?`, {
                cause: err,
              }),
        );
      };
      socket.once('error', fail);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        if (this.state === 'SHUTDOWN_ALREADY') {
          socket.destroy();
          ep.connecting = undefined;
          reject(new RocketMQError('RemotingClient is shut down'));
          return;
        }
        const conn = new RemotingConnection(socket, {
          remoteAddr: addr,
          maxFrameLength: this.opts.maxFrameLength,
          idleTimeMs: this.opts.channelMaxIdleTimeMs ?? 120_000,
        });
        ep.conn = conn;
        ep.connecting = undefined;
        ep.failures = 0;
        ep.retryAt = 0;
        conn.on('request', (cmd: RemotingCommand) => this.dispatcher.dispatch(conn, cmd));
        conn.on('exception', () => undefined); // the connection closes itself; callers see the errors
        conn.on('close', () => {
          if (ep.conn === conn) ep.conn = undefined;
          this.emit('close', addr);
        });
        this.emit('connect', addr);
        resolve(conn);
      });
    });
  }
}

import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { RemotingConnectError, RocketMQError } from '@rocketnest/common';
import { RemotingCommand, SerializeType } from './remoting-command';
import { RemotingConnection, type RemotingChannel, type RequestProcessor } from './remoting-connection';
import { RequestDispatcher, type ProcessorOptions } from './request-dispatcher';

export interface RemotingServerOptions {
  /** Port to listen on; 0 picks a free one (read `port` after `start`). Default 0. */
  port?: number;
  /** Interface to bind. Default `0.0.0.0`. */
  host?: string;
  /** Serialize type of responses and server-initiated requests; undefined = answer in the request's type. */
  serializeType?: SerializeType;
  /** Close connections idle (no read or write) this long. Default 120000 ms (Java `serverChannelMaxIdleTimeSeconds`); 0 disables. */
  channelMaxIdleTimeMs?: number;
  /** Largest accepted frame incl. its length field. Default 16 MiB. */
  maxFrameLength?: number;
  /** Requests processed at once before SYSTEM_BUSY `[OVERLOAD]`. Default 65536. */
  maxConcurrentRequests?: number;
  /** Processor failures and write errors, for logging. */
  onError?: (err: unknown, request: RemotingCommand, channel: RemotingChannel) => void;
}

/**
 * Remoting TCP server (Java `NettyRemotingServer`). Events: `connect`, `close`, `idle` (channel) and
 * `exception` (channel | undefined, error). Bad bytes from a peer close that peer only.
 */
export class RemotingServer extends EventEmitter {
  private readonly dispatcher: RequestDispatcher;
  private readonly connections = new Set<RemotingConnection>();
  private server: net.Server | undefined;
  private boundPort = 0;
  private state: 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' | 'START_FAILED' = 'CREATE_JUST';
  private startPromise: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;

  constructor(private readonly opts: RemotingServerOptions = {}) {
    super();
    this.dispatcher = new RequestDispatcher({
      serializeType: opts.serializeType,
      maxConcurrentRequests: opts.maxConcurrentRequests,
      onError: opts.onError,
    });
  }

  /** The bound port (after `start`). */
  get port(): number {
    return this.boundPort;
  }

  /** Live connections. */
  get channels(): readonly RemotingChannel[] {
    return [...this.connections];
  }

  registerProcessor(code: number, processor: RequestProcessor, options?: ProcessorOptions): void {
    this.dispatcher.register(code, processor, options);
  }

  registerDefaultProcessor(processor: RequestProcessor, options?: ProcessorOptions): void {
    this.dispatcher.registerDefault(processor, options);
  }

  start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') {
      return Promise.reject(new RocketMQError(`RemotingServer cannot start in state ${this.state}; create a new one`));
    }
    // Concurrent calls while starting share one promise.
    this.startPromise ??= new Promise<void>((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      this.server = server;
      const onError = (err: Error): void => {
        this.state = 'START_FAILED';
        reject(err);
      };
      server.once('error', onError);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '0.0.0.0', () => {
        server.off('error', onError);
        // Errors after listening (e.g. EMFILE on accept) must not crash the process: report them.
        server.on('error', (err) => this.emit('exception', undefined, err));
        const addr = server.address();
        this.boundPort = typeof addr === 'object' && addr !== null ? addr.port : 0;
        this.state = 'RUNNING';
        resolve();
      });
    });
    return this.startPromise;
  }

  /** Stops accepting, closes every connection (their pending calls fail at once). Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= new Promise<void>((resolve) => {
      this.state = 'SHUTDOWN_ALREADY';
      for (const conn of this.connections) conn.close();
      const server = this.server;
      if (!server || !server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
    });
    return this.shutdownPromise;
  }

  private accept(socket: net.Socket): void {
    if (this.state !== 'RUNNING') {
      socket.destroy();
      return;
    }
    const conn = new RemotingConnection(socket, {
      maxFrameLength: this.opts.maxFrameLength,
      idleTimeMs: this.opts.channelMaxIdleTimeMs ?? 120_000,
    });
    this.connections.add(conn);
    conn.on('request', (cmd: RemotingCommand) => this.dispatcher.dispatch(conn, cmd));
    conn.on('idle', () => this.emit('idle', conn));
    conn.on('exception', (err: unknown) => this.emit('exception', conn, err));
    conn.on('close', () => {
      this.connections.delete(conn);
      this.emit('close', conn);
    });
    this.emit('connect', conn);
  }

  private connectionOf(channel: RemotingChannel): RemotingConnection {
    if (channel instanceof RemotingConnection && this.connections.has(channel)) return channel;
    throw new RemotingConnectError(
      channel.remoteAddr,
      `Channel ${channel.id} to ${channel.remoteAddr} is not open on this server`,
    );
  }

  /** Sends a request to a connected client and waits for its response. */
  async invoke(channel: RemotingChannel, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const conn = this.connectionOf(channel);
    this.prepare(request);
    return conn.invoke(request, timeoutMs);
  }

  /** Sends a oneway request to a connected client (e.g. NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE). */
  async invokeOneway(channel: RemotingChannel, request: RemotingCommand, timeoutMs = 3000): Promise<void> {
    const conn = this.connectionOf(channel);
    this.prepare(request);
    return conn.invokeOneway(request, timeoutMs);
  }

  private prepare(request: RemotingCommand): void {
    if (this.opts.serializeType !== undefined) request.serializeType = this.opts.serializeType;
    // The binary header stores the code as int16; larger codes must use JSON.
    if (request.code > 0x7fff) request.serializeType = SerializeType.JSON;
  }

  /**
   * Writes a deferred answer (long polling): copies the request's opaque, sets the response flag and the serialize
   * type. Does nothing for oneway requests or closed channels.
   */
  writeResponse(channel: RemotingChannel, request: RemotingCommand, response: RemotingCommand): void {
    if (!(channel instanceof RemotingConnection)) {
      throw new RemotingConnectError(channel.remoteAddr, `Channel ${channel.id} does not belong to a RemotingServer`);
    }
    this.dispatcher.respond(channel, request, response);
  }
}

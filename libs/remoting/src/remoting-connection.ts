import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import {
  RemotingConnectError,
  RemotingSendRequestError,
  RemotingTimeoutError,
  requestCodeName,
} from '@rocketnest/common';
import { FrameDecoder } from './frame-decoder';
import { RemotingCommand } from './remoting-command';

/** Response bodies from this size on are written after the encoded head instead of being copied into the frame. */
const SEPARATE_BODY_MIN_BYTES = 16 * 1024;

/** One TCP connection as processors see it. */
export interface RemotingChannel {
  /** Unique within the process, e.g. `c17`. */
  readonly id: string;
  /** Peer `ip:port`. */
  readonly remoteAddr: string;
  /** Our `ip:port`. */
  readonly localAddr: string;
  isActive(): boolean;
  close(): void;
}

/**
 * Answers one request. Return a response to have it written with the request's opaque, or `null`/`undefined` to
 * answer later (long polling writes through `RemotingServer.writeResponse`) or not at all (oneway requests).
 */
export type RequestProcessor = (
  request: RemotingCommand,
  channel: RemotingChannel,
) => RemotingCommand | null | undefined | Promise<RemotingCommand | null | undefined>;

interface PendingCall {
  readonly request: RemotingCommand;
  readonly resolve: (response: RemotingCommand) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface RemotingConnectionOptions {
  maxFrameLength?: number;
  /** Close after this long without reads or writes (Netty `IdleStateHandler` all-idle). 0 disables. */
  idleTimeMs?: number;
  /** Peer address for messages and `remoteAddr` when the socket does not know it yet (client side). */
  remoteAddr?: string;
}

let connectionSequence = 0;

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function socketAddr(host: string | undefined, port: number | undefined): string {
  if (!host) return '';
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return h.includes(':') ? `[${h}]:${port ?? 0}` : `${h}:${port ?? 0}`;
}

/**
 * A framed remoting connection shared by client and server: cuts frames, matches responses to pending calls by opaque
 * (the table is per connection, so responses are matched by (connection, opaque)), and hands requests to its owner.
 * Events: `request` (cmd), `close` (), `idle` (), `exception` (err).
 * @internal exported for the server and client of this package.
 */
export class RemotingConnection extends EventEmitter implements RemotingChannel {
  readonly id = `c${++connectionSequence}`;
  readonly remoteAddr: string;
  readonly localAddr: string;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, PendingCall>();
  private active = true;
  private corked = false;
  /** Why the connection closed, for the errors of calls that were pending. */
  private closeReason: Error | undefined;

  constructor(
    readonly socket: Socket,
    opts: RemotingConnectionOptions = {},
  ) {
    super();
    this.remoteAddr = opts.remoteAddr ?? socketAddr(socket.remoteAddress, socket.remotePort);
    this.localAddr = socketAddr(socket.localAddress, socket.localPort);
    this.decoder = new FrameDecoder({ maxFrameLength: opts.maxFrameLength });
    socket.setNoDelay(true);
    if (opts.idleTimeMs && opts.idleTimeMs > 0) {
      socket.setTimeout(opts.idleTimeMs, () => {
        this.emit('idle');
        this.closeWith(new RemotingConnectError(this.remoteAddr, `Connection to ${this.remoteAddr} closed: idle`));
      });
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.closeReason ??= err;
      this.emit('exception', err);
    });
    socket.on('close', () => this.onClose());
  }

  isActive(): boolean {
    return this.active && !this.socket.destroyed;
  }

  close(): void {
    this.closeWith(undefined);
  }

  /** Number of requests written on this connection and still waiting for their response. */
  get pendingCount(): number {
    return this.pending.size;
  }

  private closeWith(reason: Error | undefined): void {
    if (reason) this.closeReason ??= reason;
    if (!this.socket.destroyed) this.socket.destroy();
    else this.onClose();
  }

  private onData(chunk: Buffer): void {
    let commands: RemotingCommand[];
    try {
      commands = this.decoder.push(chunk);
    } catch (err) {
      // Bad bytes from this peer: drop the peer, never the process.
      this.emit('exception', err);
      this.closeWith(err as Error);
      return;
    }
    for (const cmd of commands) {
      if (!this.active) return;
      if (cmd.isResponse()) this.onResponse(cmd);
      else this.emit('request', cmd);
    }
  }

  private onResponse(response: RemotingCommand): void {
    const call = this.pending.get(response.opaque);
    if (call === undefined) return; // late (timed out) or unknown: Java logs and drops it
    this.pending.delete(response.opaque);
    clearTimeout(call.timer);
    call.resolve(response);
  }

  private onClose(): void {
    if (!this.active) return;
    this.active = false;
    const reason = this.closeReason;
    for (const [opaque, call] of this.pending) {
      clearTimeout(call.timer);
      const name = requestCodeName(call.request.code);
      call.reject(
        new RemotingConnectError(
          this.remoteAddr,
          `Connection to ${this.remoteAddr} closed before the response to ${name} (opaque ${opaque})${reason ? `: ${reason.message}` : ''}`,
          { cause: reason },
        ),
      );
    }
    this.pending.clear();
    this.emit('close');
  }

  /**
   * Queues a frame. Writes issued in the same tick are coalesced into one syscall (cork now, uncork next tick).
   * The callback runs once the frame has been handed to the kernel, or with the write error.
   */
  write(frame: Buffer, cb?: (err?: Error | null) => void): void {
    if (!this.isActive()) {
      cb?.(new RemotingConnectError(this.remoteAddr, `Connection to ${this.remoteAddr} is closed`));
      return;
    }
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame, cb);
  }

  /** Encodes and writes a command; send errors go to the callback, never thrown. */
  writeCommand(cmd: RemotingCommand, cb?: (err?: Error | null) => void): void {
    let frame: Buffer;
    const body = cmd.body;
    const separateBody = body !== undefined && body.length >= SEPARATE_BODY_MIN_BYTES;
    try {
      frame = separateBody ? cmd.encodeHead() : cmd.encode();
    } catch (err) {
      cb?.(err as Error);
      return;
    }
    if (!separateBody) {
      this.write(frame, cb);
      return;
    }
    // A large body (pull results) is not copied into the frame: head and body go out in one corked writev.
    let reported = false;
    const report = (err?: Error | null): void => {
      if (reported) return;
      reported = true;
      cb?.(err);
    };
    this.write(frame, (err) => {
      if (err) report(err);
    });
    if (this.isActive()) this.socket.write(body, report);
  }

  /** Sends a request and resolves with the response matched by opaque. */
  invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return new Promise<RemotingCommand>((resolve, reject) => {
      if (!this.isActive()) {
        reject(new RemotingConnectError(this.remoteAddr, `Connection to ${this.remoteAddr} is closed`));
        return;
      }
      const opaque = request.opaque;
      if (this.pending.has(opaque)) {
        reject(
          new RemotingSendRequestError(this.remoteAddr, `Opaque ${opaque} is already in flight on this connection`),
        );
        return;
      }
      let frame: Buffer;
      try {
        frame = request.encode();
      } catch (err) {
        reject(toError(err));
        return;
      }
      const timer = setTimeout(() => {
        if (this.pending.get(opaque) !== call) return;
        this.pending.delete(opaque);
        reject(
          new RemotingTimeoutError(
            this.remoteAddr,
            timeoutMs,
            `No response to ${requestCodeName(request.code)} (opaque ${opaque}) from ${this.remoteAddr} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const call: PendingCall = { request, resolve, reject, timer };
      this.pending.set(opaque, call);
      this.write(frame, (err) => {
        if (!err || this.pending.get(opaque) !== call) return;
        this.pending.delete(opaque);
        clearTimeout(timer);
        reject(
          err instanceof RemotingConnectError
            ? err
            : new RemotingSendRequestError(this.remoteAddr, `Failed to send a request to ${this.remoteAddr}`, {
                cause: err,
              }),
        );
      });
    });
  }

  /** Sends a oneway request; resolves once written, rejects on a write error or after `timeoutMs`. */
  invokeOneway(request: RemotingCommand, timeoutMs: number): Promise<void> {
    request.markOneway();
    return new Promise<void>((resolve, reject) => {
      let frame: Buffer;
      try {
        frame = request.encode();
      } catch (err) {
        reject(toError(err));
        return;
      }
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        reject(new RemotingTimeoutError(this.remoteAddr, timeoutMs, `Oneway write to ${this.remoteAddr} timed out`));
      }, timeoutMs);
      this.write(frame, (err) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!err) resolve();
        else if (err instanceof RemotingConnectError) reject(err);
        else reject(new RemotingSendRequestError(this.remoteAddr, undefined, { cause: err }));
      });
    });
  }
}

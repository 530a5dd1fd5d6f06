import { RemotingCommandError } from '@rocketnest/common';
import { DEFAULT_MAX_FRAME_LENGTH, RemotingCommand } from './remoting-command';

export interface FrameDecoderOptions {
  /** Largest frame accepted, counted over the whole frame incl. the 4-byte length field. Default 16 MiB (Java). */
  maxFrameLength?: number;
}

/**
 * Cuts a TCP byte stream into remoting frames (Java: `LengthFieldBasedFrameDecoder(max, 0, 4, 0, 4)` + `NettyDecoder`).
 * Correct under any chunking. Throws `RemotingCommandError` on a bad length, an over-size frame or an undecodable
 * header; after that the stream is unusable and the connection must be closed.
 */
export class FrameDecoder {
  private readonly maxFrameLength: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length field of the frame being assembled, or -1 while unknown. */
  private expected = -1;
  /** Whether the header word of the frame being assembled was checked already. */
  private headerChecked = false;
  private failed: RemotingCommandError | undefined;

  constructor(opts: FrameDecoderOptions = {}) {
    this.maxFrameLength = opts.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Feeds bytes; returns every frame completed by them, in order. */
  push(chunk: Buffer): RemotingCommand[] {
    if (this.failed) throw this.failed;
    const out: RemotingCommand[] = [];
    if (chunk.length === 0) return out;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      for (;;) {
        if (this.expected < 0) {
          if (this.buffered < 4) break;
          const len = this.peekInt32(0);
          this.checkLength(len);
          this.expected = len;
          this.headerChecked = false;
        }
        if (!this.headerChecked && this.buffered >= 8) {
          // Reject a bad serialize type or header length before waiting for (up to 16 MiB of) the rest.
          this.checkHeaderWord(this.peekInt32(4) >>> 0, this.expected);
          this.headerChecked = true;
        }
        if (this.buffered < 4 + this.expected) break;
        const data = this.take(4 + this.expected);
        this.expected = -1;
        out.push(RemotingCommand.decode(data.subarray(4)));
      }
    } catch (err) {
      this.failed =
        err instanceof RemotingCommandError
          ? err
          : new RemotingCommandError(`Undecodable frame: ${(err as Error).message}`, { cause: err });
      this.chunks = [];
      this.buffered = 0;
      throw this.failed;
    }
    return out;
  }

  private checkLength(len: number): void {
    if (len < 4)
      throw new RemotingCommandError(`Bad frame length ${len}: a frame holds at least its 4-byte header word`);
    if (len + 4 > this.maxFrameLength) {
      throw new RemotingCommandError(
        `Frame of ${len + 4} bytes exceeds the maximum frame length ${this.maxFrameLength}`,
      );
    }
  }

  private checkHeaderWord(word: number, len: number): void {
    const type = word >>> 24;
    const hlen = word & 0xffffff;
    if (type !== 0 && type !== 1) throw new RemotingCommandError(`Unknown serialize type ${type}`);
    if (hlen > len - 4) {
      throw new RemotingCommandError(`Bad header length ${hlen}: the frame has only ${len - 4} bytes after it`);
    }
  }

  /** Reads the int32 at `offset` of the buffered bytes (which must hold offset + 4 bytes). */
  private peekInt32(offset: number): number {
    const first = this.chunks[0]!;
    if (first.length >= offset + 4) return first.readInt32BE(offset);
    const head = Buffer.alloc(offset + 4);
    let filled = 0;
    for (const c of this.chunks) {
      filled += c.copy(head, filled, 0, Math.min(c.length, offset + 4 - filled));
      if (filled === offset + 4) break;
    }
    return head.readInt32BE(offset);
  }

  /** Removes and returns the next `n` bytes (a view when they sit in one chunk, else one concatenation). */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let result: Buffer;
    if (first.length >= n) {
      result = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      result = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0]!;
        const need = n - filled;
        if (c.length <= need) {
          c.copy(result, filled);
          filled += c.length;
          this.chunks.shift();
        } else {
          c.copy(result, filled, 0, need);
          filled += need;
          this.chunks[0] = c.subarray(need);
        }
      }
    }
    this.buffered -= n;
    return result;
  }
}

/**
 * The 4096-byte `checkpoint` file (Java `StoreCheckpoint`, protocol.md §5.5):
 *
 * ```
 * 0  int64 physicMsgTimestamp   store time of the last flushed commit log record
 * 8  int64 logicsMsgTimestamp   store time of the last record whose consume queue entries were flushed
 * 16 int64 indexMsgTimestamp    store time of the last flushed index entry
 * 24 int64 masterFlushedOffset  (5.x)
 * 32 int64 confirmPhyOffset     (5.x)
 * 40 int64 dispatchedPhyOffset  RocketNest: commit log offset up to which consume queues and index were flushed
 * 48 int64 physicFlushedOffset  RocketNest: commit log offset flushed
 * 56 int32 marker 0x524E5354    RocketNest: "RNST" — fields at 40 and 48 are valid
 * ```
 * Java ignores bytes past 40, so a Java broker can still read the file.
 */
import { constants as fsConstants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export const CHECKPOINT_FILE_SIZE = 4096;
const MARKER = 0x524e5354;

export class StoreCheckpoint {
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;
  masterFlushedOffset = 0;
  confirmPhyOffset = 0;
  dispatchedPhyOffset = 0;
  physicFlushedOffset = 0;
  /** True when the file was written by RocketNest (fields 40/48 valid). */
  hasRocketNestFields = false;

  private constructor(private fh: FileHandle) {}

  static async open(filePath: string): Promise<StoreCheckpoint> {
    const fh = await fsp.open(filePath, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o644);
    const cp = new StoreCheckpoint(fh);
    const buf = Buffer.alloc(CHECKPOINT_FILE_SIZE);
    const { bytesRead } = await fh.read(buf, 0, CHECKPOINT_FILE_SIZE, 0);
    if (bytesRead >= 40) {
      cp.physicMsgTimestamp = Number(buf.readBigInt64BE(0));
      cp.logicsMsgTimestamp = Number(buf.readBigInt64BE(8));
      cp.indexMsgTimestamp = Number(buf.readBigInt64BE(16));
      cp.masterFlushedOffset = Number(buf.readBigInt64BE(24));
      cp.confirmPhyOffset = Number(buf.readBigInt64BE(32));
    }
    if (bytesRead >= 60 && buf.readInt32BE(56) === MARKER) {
      cp.dispatchedPhyOffset = Number(buf.readBigInt64BE(40));
      cp.physicFlushedOffset = Number(buf.readBigInt64BE(48));
      cp.hasRocketNestFields = true;
    }
    if (bytesRead < CHECKPOINT_FILE_SIZE) await fh.truncate(CHECKPOINT_FILE_SIZE);
    return cp;
  }

  /** Java `getMinTimestamp`: min(physic, logics) − 3 s, the safe point for an abnormal recovery. */
  getMinTimestamp(indexSafe: boolean): number {
    let min = Math.min(this.physicMsgTimestamp, this.logicsMsgTimestamp);
    if (indexSafe) min = Math.min(min, this.indexMsgTimestamp);
    return Math.max(0, min - 3000);
  }

  async flush(): Promise<void> {
    const buf = Buffer.alloc(64);
    buf.writeBigInt64BE(BigInt(this.physicMsgTimestamp), 0);
    buf.writeBigInt64BE(BigInt(this.logicsMsgTimestamp), 8);
    buf.writeBigInt64BE(BigInt(this.indexMsgTimestamp), 16);
    buf.writeBigInt64BE(BigInt(this.masterFlushedOffset), 24);
    buf.writeBigInt64BE(BigInt(this.confirmPhyOffset), 32);
    buf.writeBigInt64BE(BigInt(this.dispatchedPhyOffset), 40);
    buf.writeBigInt64BE(BigInt(this.physicFlushedOffset), 48);
    buf.writeInt32BE(MARKER, 56);
    await this.fh.write(buf, 0, 64, 0);
    await this.fh.datasync();
    this.hasRocketNestFields = true;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

/**
 * The storage engine (Java `DefaultMessageStore`): commit log, consume queues, index, checkpoint, recovery, flush,
 * retention and the dispatcher (Java `ReputMessageService`) that follows the commit log to build consume queues and
 * index entries and to fire the arrival callback. No sockets: the broker drives it through this API.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  appendMessageProperties,
  bodyCrc32,
  decodeMessageProperties,
  decodeMessageRecord,
  encodeMessageProperties,
  encodeMessageRecord,
  MessageConst,
  MessageExt,
  MessageExtBrokerInner,
  MessageMagicCode,
  MessageSysFlag,
  measureMessageRecord,
  parseDelayLevels,
  PeriodicTask,
  SystemTopic,
} from '@rocketnest/common';
import type { HostAddress, MessageRecordLayout, MessageRecordSource } from '@rocketnest/common';
import { CommitLog, PendingAppend } from './commitlog/commit-log';
import {
  checkRecord,
  consumeQueueTagsCode,
  readInt64,
  readStoreTimestamp,
  STORE_TIMESTAMP_HEADER_BYTES,
} from './commitlog/record-check';
import type { DispatchRequest, RecordCheckOptions } from './commitlog/record-check';
import { IndexService } from './index/index-service';
import { resolveMessageStoreConfig } from './message-store-config';
import type { MessageStoreConfig } from './message-store-config';
import { ConsumeQueue, CQ_STORE_UNIT_SIZE } from './queue/consume-queue';
import { StoreCheckpoint } from './store-checkpoint';
import type {
  GetMessageResult,
  GetMessageStatus,
  MessageArrivingListener,
  MessageExtBatch,
  MessageFilter,
  PutMessageResult,
  PutMessageStatus,
  QueryMessageResult,
} from './store-types';
import { offsetMessageId } from './util/java-hash';

// Bound once: SWC's CommonJS re-exports are getters, too slow to go through per message.
const SYS = { ...MessageSysFlag };
const MAGIC = { ...MessageMagicCode };
const PROP = { ...MessageConst };
const SCHEDULE_TOPIC = SystemTopic.SCHEDULE_TOPIC;
const crc32Body = bodyCrc32;
const measureRecord = measureMessageRecord;
const encodeRecord = encodeMessageRecord;
const encodeProperties = encodeMessageProperties;
const decodeProperties = decodeMessageProperties;

/** Lifecycle of the store (house style `ServiceState`). */
export type StoreState = 'CREATE_JUST' | 'LOADED' | 'RUNNING' | 'SHUTDOWN_ALREADY' | 'START_FAILED';

const BLANK_CQ_SIZE = 0x7fffffff;
/** Widest commit log range one pull reads at once to collect records of one queue. */
const READ_AHEAD_SPAN_BYTES = 512 * 1024;
const MAX_TOPIC_LENGTH = 127;
const MAX_PROPERTIES_LENGTH = 32767;

export interface StoreLogger {
  warn(msg: string): void;
  error(msg: string): void;
}

/** Counters the broker exposes (put/get counts and latency, offsets, dispatch lag). */
export interface MessageStoreStats {
  putMessageTimesTotal: number;
  putMessageSizeTotal: number;
  putMessageFailedTimes: number;
  /** Sum and max of put latency (accept → result), ms. */
  putLatencyTotalMs: number;
  putLatencyMaxMs: number;
  getMessageTimesTotalFound: number;
  getMessageTimesTotalMiss: number;
  getMessageTransferedMsgCount: number;
  getLatencyTotalMs: number;
  getLatencyMaxMs: number;
  dispatchedMessages: number;
}

export interface DeleteFilesResult {
  deletedCommitLogFiles: number;
  deletedConsumeQueueFiles: number;
  deletedIndexFiles: number;
}

/** Store directories open in this process (a second open of one directory is refused). */
const openRoots = new Set<string>();

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const consoleLogger: StoreLogger = {
  warn: (m) => process.stderr.write(`[store] WARN ${m}\n`),
  error: (m) => process.stderr.write(`[store] ERROR ${m}\n`),
};

export class DefaultMessageStore {
  readonly config: MessageStoreConfig;
  readonly commitLog: CommitLog;
  readonly indexService: IndexService;
  /** topic → queueId → consume queue. */
  readonly consumeQueueTable = new Map<string, Map<number, ConsumeQueue>>();
  readonly stats: MessageStoreStats = {
    putMessageTimesTotal: 0,
    putMessageSizeTotal: 0,
    putMessageFailedTimes: 0,
    putLatencyTotalMs: 0,
    putLatencyMaxMs: 0,
    getMessageTimesTotalFound: 0,
    getMessageTimesTotalMiss: 0,
    getMessageTransferedMsgCount: 0,
    getLatencyTotalMs: 0,
    getLatencyMaxMs: 0,
    dispatchedMessages: 0,
  };
  logger: StoreLogger = consoleLogger;

  private state: StoreState = 'CREATE_JUST';
  private checkpoint: StoreCheckpoint | undefined;
  private listener: MessageArrivingListener | undefined;
  private readonly delayLevelTable: Map<number, number>;
  private readonly maxDelayLevel: number;
  private readonly cqRoot: string;
  /** Everything below has been dispatched to consume queues and index. */
  private reputFromOffset = 0;
  private dispatchedStoreTimestamp = 0;
  private dispatching: Promise<void> | undefined;
  private dispatchAgain = false;
  private diskFull = false;
  private diskUsedRatio = 0;
  private manualDeleteTimes = 0;
  private lastExitOK = true;
  private readonly queueKeys = new Map<string, string[]>();
  private lockedRoot: string | undefined;
  private loops: PeriodicTask[] = [];
  private startPromise: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;

  constructor(config: Partial<MessageStoreConfig> & { storePathRootDir: string }, listener?: MessageArrivingListener) {
    this.config = resolveMessageStoreConfig(config);
    this.listener = listener;
    this.commitLog = new CommitLog(this.config);
    this.indexService = new IndexService(
      this.config.storePathRootDir,
      this.config.maxHashSlotNum,
      this.config.maxIndexNum,
    );
    this.delayLevelTable = new Map(parseDelayLevels(this.config.messageDelayLevel).map((ms, i) => [i + 1, ms]));
    this.maxDelayLevel = this.delayLevelTable.size;
    this.cqRoot = path.join(this.config.storePathRootDir, 'consumequeue');
    this.commitLog.onWritten = () => this.wakeupDispatch();
  }

  get serviceState(): StoreState {
    return this.state;
  }

  /** Whether the previous run ended cleanly (no `abort` file was found by `load`). */
  get lastShutdownWasClean(): boolean {
    return this.lastExitOK;
  }

  setArrivingListener(listener: MessageArrivingListener | undefined): void {
    this.listener = listener;
  }

  private get abortFile(): string {
    return path.join(this.config.storePathRootDir, 'abort');
  }

  // ------------------------------------------------------------------------------------------------ load & recover

  /**
   * Opens the store directory and recovers it (protocol.md §5.6): validates the commit log tail, cuts torn records,
   * truncates consume queues past the log's end and re-dispatches what the queues and index miss. Returns false (and
   * logs why) when the directory cannot be used.
   */
  async load(): Promise<boolean> {
    if (this.state !== 'CREATE_JUST') throw new Error(`store already loaded (state ${this.state})`);
    try {
      await fsp.mkdir(this.config.storePathRootDir, { recursive: true });
      await this.acquireLock();
      this.lastExitOK = !(await exists(this.abortFile));
      this.checkpoint = await StoreCheckpoint.open(path.join(this.config.storePathRootDir, 'checkpoint'));
      await this.commitLog.mfq.load();
      await this.loadConsumeQueues();
      const javaAbnormal = !this.lastExitOK && !this.checkpoint.hasRocketNestFields;
      await this.indexService.load(javaAbnormal ? this.checkpoint.indexMsgTimestamp : undefined);
      await this.recover();
      await fsp.writeFile(this.abortFile, '');
      this.state = 'LOADED';
      return true;
    } catch (err) {
      this.state = 'START_FAILED';
      this.logger.error(`load of ${this.config.storePathRootDir} failed: ${errText(err)}`);
      await this.closeFiles().catch(() => undefined);
      return false;
    }
  }

  /**
   * The `lock` file (Java locks it with `FileChannel.tryLock`): holds `pid:<n>` of the process using the store. A
   * store used by another live process, or already open in this one, is refused.
   */
  private async acquireLock(): Promise<void> {
    const root = path.resolve(this.config.storePathRootDir);
    if (openRoots.has(root)) throw new Error(`store ${root} is already open in this process`);
    const lockFile = path.join(root, 'lock');
    const text = await fsp.readFile(lockFile, 'utf8').catch(() => '');
    const m = /^pid:(\d+)$/.exec(text.trim());
    if (m && Number(m[1]) !== process.pid && isProcessAlive(Number(m[1]))) {
      throw new Error(`store ${root} is in use by process ${m[1]}; stop it first`);
    }
    await fsp.writeFile(lockFile, `pid:${process.pid}`);
    openRoots.add(root);
    this.lockedRoot = root;
  }

  private releaseLock(): void {
    if (this.lockedRoot) openRoots.delete(this.lockedRoot);
    this.lockedRoot = undefined;
  }

  private async loadConsumeQueues(): Promise<void> {
    let topics: string[];
    try {
      topics = await fsp.readdir(this.cqRoot);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const topic of topics.sort()) {
      const dir = path.join(this.cqRoot, topic);
      if (!(await fsp.stat(dir)).isDirectory()) continue;
      for (const q of (await fsp.readdir(dir)).sort()) {
        if (!/^\d+$/.test(q)) continue;
        const cq = this.createConsumeQueue(topic, Number(q));
        await cq.load();
      }
    }
  }

  private async recover(): Promise<void> {
    const cl = this.commitLog;
    const files = cl.mfq.files;
    const cp = this.checkpoint!;
    for (const cq of this.allConsumeQueues()) await cq.recover();
    if (files.length === 0) {
      // Nothing stored: queues that point anywhere are stale.
      for (const cq of this.allConsumeQueues()) await cq.truncateDirtyLogicFiles(0);
      const start = cp.hasRocketNestFields ? cp.dispatchedPhyOffset : 0;
      cl.setRecoveredEnd(start - (start % cl.segmentSize));
      this.reputFromOffset = cl.writtenOffset;
      return;
    }
    const minOffset = files[0]!.fileFromOffset;
    let maxPhysicOfCQ = -1;
    for (const cq of this.allConsumeQueues()) maxPhysicOfCQ = Math.max(maxPhysicOfCQ, cq.maxPhysicOffset);

    // Where the dispatcher's work is known complete, and where to start validating records.
    let redispatchFrom: number;
    let scanFrom: number;
    if (cp.hasRocketNestFields) {
      redispatchFrom = cp.dispatchedPhyOffset;
      scanFrom = redispatchFrom;
    } else if (this.lastExitOK) {
      redispatchFrom = maxPhysicOfCQ < 0 ? minOffset : maxPhysicOfCQ;
      scanFrom = files[Math.max(0, files.length - 3)]!.fileFromOffset;
    } else {
      scanFrom = await this.javaAbnormalRecoverStart(cp);
      redispatchFrom = scanFrom;
    }
    if (this.config.messageIndexEnable && this.indexService.files.length > 0) {
      redispatchFrom = Math.min(redispatchFrom, this.indexService.getEndPhyOffset());
    } else if (this.config.messageIndexEnable && !cp.hasRocketNestFields) {
      redispatchFrom = Math.min(redispatchFrom, scanFrom);
    }
    const lastFile = files[files.length - 1]!;
    const fileEnd = lastFile.fileFromOffset + lastFile.fileSize;
    redispatchFrom = clamp(redispatchFrom, minOffset, fileEnd);
    scanFrom = clamp(scanFrom, minOffset, fileEnd);
    if (redispatchFrom < scanFrom) scanFrom = redispatchFrom - (redispatchFrom % cl.segmentSize);

    const processOffset = await this.scanValidRecords(scanFrom);
    await cl.mfq.truncateDirtyFiles(processOffset);
    cl.setRecoveredEnd(processOffset);
    for (const cq of this.allConsumeQueues()) await cq.truncateDirtyLogicFiles(processOffset);

    // Rebuild what consume queues and index miss (idempotent: present entries are skipped).
    this.reputFromOffset = Math.min(redispatchFrom, processOffset);
    await this.dispatchUntilCaughtUp();
    this.rebuildTopicQueueTable();
    const minPhy = cl.getMinOffset();
    for (const cq of this.allConsumeQueues()) await cq.correctMinOffset(minPhy);
  }

  /**
   * Java 4.9 abnormal recovery start: newest segment whose first record is a v1 message stored no later than the
   * checkpoint's safe timestamp; the first segment when none qualifies.
   */
  private async javaAbnormalRecoverStart(cp: StoreCheckpoint): Promise<number> {
    const files = this.commitLog.mfq.files;
    const safe = cp.getMinTimestamp(false);
    for (let i = files.length - 1; i >= 0; i--) {
      const f = files[i]!;
      const head = await f.read(0, STORE_TIMESTAMP_HEADER_BYTES);
      if (head.length < STORE_TIMESTAMP_HEADER_BYTES) continue;
      if (head.readInt32BE(4) !== MAGIC.V1) continue;
      const ts = readStoreTimestamp(head);
      if (ts !== 0 && ts <= safe) return f.fileFromOffset;
    }
    return files[0]!.fileFromOffset;
  }

  private checkOptions(segmentRemaining: number, parse: boolean, expectedOffset?: number): RecordCheckOptions {
    return {
      checkCrc: this.config.checkCRCOnRecover,
      expectedOffset,
      segmentRemaining,
      maxMessageSize: this.config.maxMessageSize,
      delayLevelTable: this.delayLevelTable,
      maxDelayLevel: this.maxDelayLevel,
      parse,
    };
  }

  /** Validates records from `from` (a record boundary) and returns the end of the last valid one. */
  private async scanValidRecords(from: number): Promise<number> {
    const cl = this.commitLog;
    const segSize = cl.segmentSize;
    const chunkSize = Math.max(this.config.dispatchReadChunkSize, this.config.maxMessageSize + 1024);
    let offset = from;
    for (;;) {
      const mf = cl.mfq.findMappedFileByOffset(offset);
      if (!mf) return offset;
      const pos = offset - mf.fileFromOffset;
      const buf = await mf.read(pos, Math.min(chunkSize, segSize - pos));
      let p = 0;
      let advanced = false;
      let stop = false;
      while (p < buf.length) {
        const at = offset + p;
        const r = checkRecord(buf, p, this.checkOptions(segSize - (at - mf.fileFromOffset), false, at));
        if (r.kind === 'message') {
          p += r.size;
          advanced = true;
        } else if (r.kind === 'blank') {
          offset = mf.fileFromOffset + segSize;
          p = -1;
          break;
        } else if (r.kind === 'partial') {
          break;
        } else {
          if (r.kind === 'corrupt') this.logger.warn(`recovery: cutting the commit log at ${at}: ${r.reason}`);
          stop = true;
          break;
        }
      }
      if (p === -1) continue;
      offset += p;
      if (stop || (!advanced && p === 0)) return offset;
      if (offset - mf.fileFromOffset >= segSize) return offset;
    }
  }

  private rebuildTopicQueueTable(): void {
    const table = this.commitLog.topicQueueTable;
    table.clear();
    for (const cq of this.allConsumeQueues()) table.set(`${cq.topic}-${cq.queueId}`, cq.getMaxOffsetInQueue());
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  /** Starts the flush, dispatch and retention loops. Calls `load()` first if it was not called. */
  async start(): Promise<void> {
    if (this.startPromise) throw new Error('store already started');
    this.startPromise = (async () => {
      if (this.state === 'CREATE_JUST' && !(await this.load())) {
        throw new Error(`store at ${this.config.storePathRootDir} failed to load; see the log`);
      }
      if (this.state !== 'LOADED') throw new Error(`store cannot start from state ${this.state}`);
      const onError = (err: unknown, name: string) => this.logger.error(`${name}: ${errText(err)}`);
      this.loops = [
        new PeriodicTask(
          'FlushCommitLogService',
          this.config.flushIntervalCommitLog,
          () => this.flushCommitLogTick(),
          onError,
        ),
        new PeriodicTask(
          'FlushConsumeQueueService',
          this.config.flushIntervalConsumeQueue,
          () => this.flushLogicsTick(),
          onError,
        ),
        new PeriodicTask(
          'CleanResourceService',
          this.config.cleanResourceInterval,
          () => this.cleanResourceTick(),
          onError,
        ),
      ];
      this.lastThoroughFlush = Date.now();
      await this.checkDiskSpace();
      for (const l of this.loops) l.start();
      this.state = 'RUNNING';
      this.wakeupDispatch();
    })();
    return this.startPromise;
  }

  /**
   * Stops intake, lets queued writes and dispatch settle, flushes everything, writes the checkpoint and removes the
   * `abort` file (so the next load is a clean one). Idempotent.
   *
   * `{ clean: false }` stops at once like a killed process: no final flush, no checkpoint, the `abort` file stays (the
   * next load runs crash recovery). Queued puts get UNKNOWN_ERROR or FLUSH_DISK_TIMEOUT.
   */
  async shutdown(options: { clean?: boolean } = {}): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    this.shutdownPromise = (async () => {
      const wasRunning = this.state === 'RUNNING' || this.state === 'LOADED';
      this.state = 'SHUTDOWN_ALREADY';
      for (const l of this.loops) await l.stop();
      if (!wasRunning || options.clean === false) {
        this.commitLog.abortFlushWaiters();
        await this.closeFiles();
        return;
      }
      await this.commitLog.waitIdle();
      await this.dispatchUntilCaughtUp().catch((err: unknown) => this.logger.error(`final dispatch: ${errText(err)}`));
      await this.commitLog.flushTo(this.commitLog.writtenOffset);
      this.commitLog.abortFlushWaiters();
      await this.flushLogics(true);
      await this.closeFiles();
      await fsp.writeFile(path.join(this.config.storePathRootDir, 'lock'), 'lock');
      await fsp.rm(this.abortFile, { force: true });
    })();
    return this.shutdownPromise;
  }

  /** Shuts down and deletes the whole store directory. */
  async destroy(): Promise<void> {
    await this.shutdown();
    await fsp.rm(this.config.storePathRootDir, { recursive: true, force: true });
  }

  private async closeFiles(): Promise<void> {
    this.releaseLock();
    await this.commitLog.close();
    for (const cq of this.allConsumeQueues()) await cq.close();
    await this.indexService.close();
    await this.checkpoint?.close();
  }

  private isRunning(): boolean {
    return this.state === 'RUNNING';
  }

  // ------------------------------------------------------------------------------------------------ put

  /** Java `checkStoreStatus`: a refusal, or undefined when puts may go ahead. */
  private refuseState(): PutMessageResult | undefined {
    if (!this.isRunning()) return { status: 'SERVICE_NOT_AVAILABLE', remark: 'message store is not running' };
    if (this.config.brokerRole === 'SLAVE') {
      return { status: 'SERVICE_NOT_AVAILABLE', remark: 'message store is a slave; it does not accept writes' };
    }
    if (this.diskFull) {
      return {
        status: 'SERVICE_NOT_AVAILABLE',
        remark: `disk full: ${(this.diskUsedRatio * 100).toFixed(1)}% of the commit log disk is used (limit ${(
          this.config.diskSpaceWarningLevelRatio * 100
        ).toFixed(1)}%)`,
      };
    }
    return undefined;
  }

  /** Java `checkMessage` and the page cache check, given the record's topic bytes and total size (0 = not known). */
  private refuseRecord(topicLength: number, recordSize: number, now: number): PutMessageResult | undefined {
    if (topicLength > MAX_TOPIC_LENGTH) {
      return { status: 'MESSAGE_ILLEGAL', remark: `topic longer than ${MAX_TOPIC_LENGTH} bytes` };
    }
    if (recordSize > this.config.maxMessageSize) {
      return {
        status: 'MESSAGE_ILLEGAL',
        remark: `message record is ${recordSize} bytes; maxMessageSize is ${this.config.maxMessageSize}`,
      };
    }
    if (this.commitLog.isBusy(now)) {
      return { status: 'OS_PAGE_CACHE_BUSY', remark: 'too many writes are queued; retry later' };
    }
    return undefined;
  }

  /**
   * Appends one message. Resolves once it is written (ASYNC_FLUSH) or flushed (SYNC_FLUSH with WAIT not "false").
   * Delayed messages (DELAY > 0, not a prepared/rollback transaction) go to SCHEDULE_TOPIC_XXXX queue level−1 with
   * REAL_TOPIC/REAL_QID saved, as the 4.9 store does.
   */
  putMessage(msg: MessageExtBrokerInner): Promise<PutMessageResult> {
    // Not an async function: one promise per put (settled by the commit log), and errors still arrive as rejections.
    try {
      return this.acceptPut(msg);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private acceptPut(msg: MessageExtBrokerInner): Promise<PutMessageResult> {
    const t0 = performance.now();
    let propertiesString: string;
    if (msg.propertiesString) {
      // The string is what the record holds. A caller that set only the string gets the map decoded from it
      // (dispatch reads tags and keys from the map); when both are set they must agree, as syncPropertiesString makes.
      propertiesString = msg.propertiesString;
      if (isEmptyObject(msg.properties)) msg.properties = decodeProperties(propertiesString);
    } else {
      propertiesString = encodeProperties(msg.properties);
    }
    const props = msg.properties;
    const tranType = msg.sysFlag & SYS.TRANSACTION_ROLLBACK_TYPE;
    if (tranType === SYS.TRANSACTION_NOT_TYPE || tranType === SYS.TRANSACTION_COMMIT_TYPE) {
      const levelText = props[PROP.DELAY];
      const level = levelText === undefined ? 0 : parseInt(levelText, 10);
      if (level > 0 && msg.topic !== SCHEDULE_TOPIC) {
        const clamped = Math.min(level, this.maxDelayLevel);
        if (clamped !== level) msg.putProperty(PROP.DELAY, String(clamped));
        msg.putProperty(PROP.REAL_TOPIC, msg.topic);
        msg.putProperty(PROP.REAL_QID, String(msg.queueId));
        msg.topic = SCHEDULE_TOPIC;
        msg.queueId = clamped - 1;
        propertiesString = encodeProperties(msg.properties);
      }
    }
    msg.propertiesString = propertiesString;
    const refusal = this.refuseState();
    if (refusal) return Promise.resolve(this.countPut(refusal, t0));
    let layout: MessageRecordLayout;
    try {
      layout = measureRecord(msg);
    } catch (err) {
      const propertiesLength = Buffer.byteLength(propertiesString);
      return Promise.resolve(
        this.countPut(
          propertiesLength > MAX_PROPERTIES_LENGTH
            ? { status: 'PROPERTIES_SIZE_EXCEEDED', remark: `properties are ${propertiesLength} bytes (max 32767)` }
            : { status: 'MESSAGE_ILLEGAL', remark: errText(err) },
          t0,
        ),
      );
    }
    const storeTimestamp = Date.now();
    const refusal2 = this.refuseRecord(layout.topicLength, layout.totalSize, storeTimestamp);
    if (refusal2) return Promise.resolve(this.countPut(refusal2, t0));
    const storeHost = this.config.brokerHost ?? msg.storeHost;
    msg.storeHost = storeHost;
    msg.storeTimestamp = storeTimestamp;
    msg.bodyCRC = crc32Body(msg.body);
    const queueKey = this.queueKeyOf(msg.topic, msg.queueId);
    const transactional = tranType === SYS.TRANSACTION_PREPARED_TYPE || tranType === SYS.TRANSACTION_ROLLBACK_TYPE;
    const queueOffset = transactional ? 0 : (this.commitLog.topicQueueTable.get(queueKey) ?? 0);
    msg.queueOffset = queueOffset;
    const tagsCode = consumeQueueTagsCode(msg.topic, props, storeTimestamp, this.delayLevelTable, this.maxDelayLevel);
    const put = new MessagePut(this, msg, layout, queueKey, transactional ? 0 : 1, t0, tagsCode, storeHost);
    const promise = new Promise<PutMessageResult>(captureResolve);
    put.resolve = capturedResolve;
    this.commitLog.append(put);
    return promise;
  }

  /**
   * Appends a SEND_BATCH_MESSAGE (protocol.md §4.7): each inner message becomes an ordinary record with consecutive
   * queue offsets, all in one segment and one write. `msgId` of the result is the comma-joined offset msgIds.
   */
  async putMessages(batch: MessageExtBatch): Promise<PutMessageResult> {
    const t0 = performance.now();
    const batchProps = batch.propertiesString ?? '';
    const refusal = this.refuseState() ?? this.refuseRecord(Buffer.byteLength(batch.topic), 0, Date.now());
    if (refusal) return this.countPut(refusal, t0);
    if ((batch.sysFlag & SYS.TRANSACTION_ROLLBACK_TYPE) !== SYS.TRANSACTION_NOT_TYPE) {
      return this.countPut({ status: 'MESSAGE_ILLEGAL', remark: 'a batch cannot be a transaction message' }, t0);
    }
    let inner: { body: Buffer; flag: number; properties: string }[];
    try {
      inner = parseBatchBody(batch.body);
    } catch (err) {
      return this.countPut({ status: 'MESSAGE_ILLEGAL', remark: errText(err) }, t0);
    }
    if (inner.length === 0) return this.countPut({ status: 'MESSAGE_ILLEGAL', remark: 'empty batch' }, t0);
    const storeHost = this.config.brokerHost ?? batch.storeHost;
    const storeTimestamp = Date.now();
    const queueKey = this.queueKeyOf(batch.topic, batch.queueId);
    const baseQueueOffset = this.commitLog.topicQueueTable.get(queueKey) ?? 0;
    const records: { src: MessageRecordSource; layout: ReturnType<typeof measureMessageRecord> }[] = [];
    let total = 0;
    for (let i = 0; i < inner.length; i++) {
      const m = inner[i]!;
      const propertiesString = appendMessageProperties(m.properties, batchProps);
      const src: MessageRecordSource = {
        topic: batch.topic,
        body: m.body,
        flag: m.flag,
        properties: {},
        propertiesString,
        queueId: batch.queueId,
        queueOffset: baseQueueOffset + i,
        commitLogOffset: 0,
        sysFlag: batch.sysFlag,
        bornTimestamp: batch.bornTimestamp,
        bornHost: batch.bornHost,
        storeTimestamp,
        storeHost,
        reconsumeTimes: batch.reconsumeTimes ?? 0,
        preparedTransactionOffset: 0,
        bodyCRC: crc32Body(m.body),
      };
      if (Buffer.byteLength(propertiesString) > 32767) {
        return this.countPut(
          { status: 'PROPERTIES_SIZE_EXCEEDED', remark: `batch message ${i} properties too long` },
          t0,
        );
      }
      let layout;
      try {
        layout = measureRecord(src);
      } catch (err) {
        return this.countPut({ status: 'MESSAGE_ILLEGAL', remark: errText(err) }, t0);
      }
      if (layout.totalSize > this.config.maxMessageSize) {
        return this.countPut(
          { status: 'MESSAGE_ILLEGAL', remark: `batch message ${i} is ${layout.totalSize} bytes; too large` },
          t0,
        );
      }
      records.push({ src, layout });
      total += layout.totalSize;
    }
    const put = new BatchPut(
      this,
      records,
      total,
      queueKey,
      baseQueueOffset,
      storeTimestamp,
      batch.waitStoreMsgOK !== false,
      t0,
      storeHost,
    );
    const promise = new Promise<PutMessageResult>(captureResolve);
    put.resolve = capturedResolve;
    this.commitLog.append(put);
    return promise;
  }

  /** `topic-queueId`, the commit log's queue offset key; the strings are kept (and pre-hashed) per topic and queue. */
  private queueKeyOf(topic: string, queueId: number): string {
    let keys = this.queueKeys.get(topic);
    if (!keys) {
      if (this.queueKeys.size >= 65536) this.queueKeys.clear();
      this.queueKeys.set(topic, (keys = []));
    }
    if (queueId >= 0 && queueId < 1024) return (keys[queueId] ??= `${topic}-${queueId}`);
    return `${topic}-${queueId}`;
  }

  /** @internal Settles the statistics of a put that reached the commit log (called by the put classes). */
  finishPut(result: PutMessageResult, t0: number, size: number): PutMessageResult {
    return this.countPut(this.afterPut(result), t0, size);
  }

  private afterPut(result: PutMessageResult): PutMessageResult {
    // No HA here: a SYNC_MASTER never has a slave in sync (Java answers SLAVE_NOT_AVAILABLE then).
    if (result.status === 'PUT_OK' && this.config.brokerRole === 'SYNC_MASTER') {
      return { status: 'SLAVE_NOT_AVAILABLE', appendResult: result.appendResult, remark: 'no slave is connected' };
    }
    return result;
  }

  private countPut(result: PutMessageResult, t0: number, size = 0): PutMessageResult {
    const ms = performance.now() - t0;
    const s = this.stats;
    if (
      result.status === 'PUT_OK' ||
      result.status === 'FLUSH_DISK_TIMEOUT' ||
      result.status === 'SLAVE_NOT_AVAILABLE'
    ) {
      s.putMessageTimesTotal += result.appendResult?.msgNum ?? 1;
      s.putMessageSizeTotal += size;
    } else {
      s.putMessageFailedTimes++;
    }
    s.putLatencyTotalMs += ms;
    if (ms > s.putLatencyMaxMs) s.putLatencyMaxMs = ms;
    return result;
  }

  // ------------------------------------------------------------------------------------------------ dispatch

  private wakeupDispatch(): void {
    if (this.state !== 'RUNNING' && this.state !== 'SHUTDOWN_ALREADY') return;
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = this.dispatchUntilCaughtUp()
      .catch((err: unknown) => this.logger.error(`dispatch at ${this.reputFromOffset}: ${errText(err)}`))
      .finally(() => {
        this.dispatching = undefined;
        if (this.dispatchAgain) {
          this.dispatchAgain = false;
          this.wakeupDispatch();
        }
      });
  }

  /**
   * Dispatches records from `reputFromOffset` up to the written end of the commit log. Each round gathers up to
   * `dispatchReadChunkSize` bytes of records (several write batches) so each consume queue gets one write per round.
   */
  private async dispatchUntilCaughtUp(): Promise<void> {
    if (this.dispatching && this.state === 'SHUTDOWN_ALREADY') await this.dispatching.catch(() => undefined);
    const cl = this.commitLog;
    const segSize = cl.segmentSize;
    const chunk = Math.max(this.config.dispatchReadChunkSize, this.config.maxMessageSize + 1024);
    while (this.reputFromOffset < cl.writtenOffset) {
      if (this.reputFromOffset < cl.getMinOffset()) this.reputFromOffset = cl.getMinOffset();
      const roundStart = this.reputFromOffset;
      let pos = roundStart;
      const all: DispatchRequest[] = [];
      while (pos < cl.writtenOffset && pos - roundStart < chunk && all.length < 16384) {
        const next = await this.parseForDispatch(pos, chunk, segSize, all);
        if (next === pos) break;
        pos = next;
      }
      if (all.length > 0) await this.doDispatch(all);
      if (pos === roundStart) break;
      this.reputFromOffset = pos;
      const last = all[all.length - 1];
      if (last) this.dispatchedStoreTimestamp = last.storeTimestamp;
    }
  }

  /** Reads and parses records from `start` into `out`; returns where the next read starts (`start` = no progress). */
  private async parseForDispatch(
    start: number,
    chunk: number,
    segSize: number,
    out: DispatchRequest[],
  ): Promise<number> {
    const read = await this.commitLog.readForDispatch(start, chunk);
    if (!read || read.buf.length === 0) return start;
    const buf = read.buf;
    if (read.requests) {
      // Records written by this process: their dispatch info came with the write.
      for (const r of read.requests) out.push(r);
      return start + buf.length;
    }
    const segStart = start - (start % segSize);
    let p = 0;
    let next = start;
    // As Java's reput: no body CRC check here (recovery validates records it did not see written), one options object.
    const opts = this.checkOptions(0, true);
    opts.checkCrc = false;
    while (p < buf.length) {
      const at = start + p;
      opts.segmentRemaining = segStart + segSize - at;
      const r = checkRecord(buf, p, opts);
      if (r.kind === 'message') {
        out.push(r.request);
        p += r.size;
        next = start + p;
      } else if (r.kind === 'blank') {
        return segStart + segSize;
      } else if (r.kind === 'partial') {
        break;
      } else {
        // Written data that does not parse: skip to the next segment rather than stall every consumer.
        this.logger.error(
          `dispatch: bad record at ${at} (${r.kind === 'corrupt' ? r.reason : 'end'}); skipping segment`,
        );
        return segStart + segSize;
      }
    }
    return next;
  }

  /** Builds consume queue entries (one write per queue) and index entries, then fires the arrival callback. */
  private async doDispatch(requests: DispatchRequest[]): Promise<void> {
    const perQueue = new Map<ConsumeQueue, DispatchRequest[]>();
    for (const req of requests) {
      const tranType = req.sysFlag & SYS.TRANSACTION_ROLLBACK_TYPE;
      if (tranType !== SYS.TRANSACTION_NOT_TYPE && tranType !== SYS.TRANSACTION_COMMIT_TYPE) continue;
      const cq = this.findOrCreateConsumeQueue(req.topic, req.queueId);
      if (req.commitLogOffset + req.msgSize <= cq.maxPhysicOffset) continue;
      let list = perQueue.get(cq);
      if (!list) perQueue.set(cq, (list = []));
      list.push(req);
    }
    const writes: Promise<void>[] = [];
    for (const [cq, list] of perQueue) writes.push(this.putQueueEntries(cq, list));
    await Promise.all(writes);
    if (this.config.messageIndexEnable) await this.indexService.buildIndex(requests);
    this.stats.dispatchedMessages += requests.length;
    const listener = this.listener;
    if (listener && this.state === 'RUNNING') {
      for (const list of perQueue.values()) {
        for (const r of list) {
          try {
            listener(r.topic, r.queueId, r.consumeQueueOffset + 1, r.tagsCode, r.storeTimestamp, r.properties);
          } catch (err) {
            this.logger.error(`arriving listener threw: ${errText(err)}`);
          }
        }
      }
    }
  }

  private async putQueueEntries(cq: ConsumeQueue, list: DispatchRequest[]): Promise<void> {
    let runStart = 0;
    for (let i = 1; i <= list.length; i++) {
      if (i === list.length || list[i]!.consumeQueueOffset !== list[i - 1]!.consumeQueueOffset + 1) {
        await cq.putEntries(list[runStart]!.consumeQueueOffset, list, runStart, i);
        runStart = i;
      }
    }
  }

  /** Bytes written to the commit log but not yet in consume queues / index. */
  dispatchBehindBytes(): number {
    return Math.max(0, this.commitLog.writtenOffset - this.reputFromOffset);
  }

  // ------------------------------------------------------------------------------------------------ flush loops

  private lastThoroughFlush = 0;

  private async flushCommitLogTick(): Promise<void> {
    const now = Date.now();
    const thorough = now - this.lastThoroughFlush >= this.config.flushCommitLogThoroughInterval;
    if (thorough) this.lastThoroughFlush = now;
    await this.commitLog.flushIfDirty(thorough ? 0 : this.config.flushCommitLogLeastPages);
  }

  private async flushLogicsTick(): Promise<void> {
    await this.flushLogics(false);
  }

  /**
   * Flushes consume queues and index, then records in the checkpoint how far they (and the commit log) are durable.
   */
  private async flushLogics(all: boolean): Promise<void> {
    const dispatched = this.reputFromOffset;
    const dispatchedTs = this.dispatchedStoreTimestamp;
    const queues = [...this.allConsumeQueues()];
    for (let i = 0; i < queues.length; i += 16) await Promise.all(queues.slice(i, i + 16).map((cq) => cq.flush()));
    if (this.config.messageIndexEnable) await this.indexService.flush();
    const cp = this.checkpoint;
    if (!cp) return;
    if (all) await this.commitLog.flushTo(this.commitLog.writtenOffset);
    const flushed = this.commitLog.flushedOffset;
    cp.physicMsgTimestamp = this.commitLog.flushedStoreTimestamp || cp.physicMsgTimestamp;
    if (dispatchedTs > 0) cp.logicsMsgTimestamp = dispatchedTs;
    if (this.config.messageIndexEnable && this.indexService.getEndTimestamp() > 0) {
      cp.indexMsgTimestamp = this.indexService.getEndTimestamp();
    }
    cp.physicFlushedOffset = flushed;
    // Recovery re-dispatches from here: everything below is flushed in commit log, queues and index.
    cp.dispatchedPhyOffset = Math.min(dispatched, flushed);
    await cp.flush();
  }

  // ------------------------------------------------------------------------------------------------ retention

  private async checkDiskSpace(): Promise<void> {
    try {
      const st = await fsp.statfs(this.config.storePathCommitLog).catch(() => fsp.statfs(this.config.storePathRootDir));
      const total = st.blocks * st.bsize;
      const free = st.bavail * st.bsize;
      this.diskUsedRatio = total > 0 ? (total - free) / total : 0;
    } catch {
      this.diskUsedRatio = 0;
    }
    const wasFull = this.diskFull;
    this.diskFull = this.diskUsedRatio > this.config.diskSpaceWarningLevelRatio;
    if (this.diskFull && !wasFull) {
      this.logger.error(`disk full: ${(this.diskUsedRatio * 100).toFixed(1)}% used; refusing puts`);
    }
  }

  /** Disk usage of the commit log's file system, 0..1 (updated by the retention loop). */
  getDiskUsedRatio(): number {
    return this.diskUsedRatio;
  }

  isDiskFull(): boolean {
    return this.diskFull;
  }

  isOSPageCacheBusy(): boolean {
    return this.commitLog.isBusy(Date.now());
  }

  private async cleanResourceTick(): Promise<void> {
    await this.deleteExpiredFiles();
  }

  /** Java `executeDeleteFilesManually`: the next retention rounds delete expired files at any hour. */
  executeDeleteFilesManually(): void {
    this.manualDeleteTimes = 20;
    this.loops.find((l) => l.name === 'CleanResourceService')?.wakeup();
  }

  private isTimeToDelete(now: number): boolean {
    const hour = new Date(now).getHours();
    return this.config.deleteWhen
      .split(';')
      .map((h) => h.trim())
      .filter((h) => h.length > 0)
      .some((h) => Number(h) === hour);
  }

  /**
   * One retention round (Java `CleanCommitLogService` + `CleanConsumeQueueService`): deletes commit log segments
   * older than `fileReservedTime` at the `deleteWhen` hour, when disk use exceeds `diskMaxUsedSpaceRatio`, or after
   * `executeDeleteFilesManually`; above `diskSpaceCleanForciblyRatio` even unexpired ones go. The segment being
   * written is never deleted. Consume queue and index files below the new minimum follow.
   */
  async deleteExpiredFiles(): Promise<DeleteFilesResult> {
    const manual = this.manualDeleteTimes > 0;
    const deletedCommitLogFiles = await this.deleteExpiredCommitLogFiles();
    const res: DeleteFilesResult = { deletedCommitLogFiles, deletedConsumeQueueFiles: 0, deletedIndexFiles: 0 };
    if (deletedCommitLogFiles > 0 || manual)
      Object.assign(res, await this.cleanConsumeQueuesAndIndex(), { deletedCommitLogFiles });
    return res;
  }

  /** The commit log half of a retention round (Java `CleanCommitLogService`); returns the segments deleted. */
  async deleteExpiredCommitLogFiles(): Promise<number> {
    await this.checkDiskSpace();
    const now = Date.now();
    const spaceFull = this.diskUsedRatio * 100 > this.config.diskMaxUsedSpaceRatio;
    const forcibly = this.diskUsedRatio > this.config.diskSpaceCleanForciblyRatio;
    const manual = this.manualDeleteTimes > 0;
    if (manual) this.manualDeleteTimes--;
    if (!this.isTimeToDelete(now) && !spaceFull && !manual) return 0;
    const cl = this.commitLog;
    const reservedMs = this.config.fileReservedTime * 3600 * 1000;
    const activeStart = cl.writtenOffset - (cl.writtenOffset % cl.segmentSize);
    const doomed = [];
    for (const f of cl.mfq.files) {
      if (f.fileFromOffset >= activeStart || doomed.length >= 10) break;
      if (now >= f.lastModified + reservedMs || forcibly) doomed.push(f);
      else break;
    }
    if (doomed.length === 0) return 0;
    await cl.mfq.deleteFiles(doomed);
    cl.clearRecent();
    return doomed.length;
  }

  /**
   * The consume queue half (Java `CleanConsumeQueueService`): deletes consume queue and index files that only point
   * below the commit log minimum and moves every queue's minimum offset up to its first live entry.
   */
  async cleanConsumeQueuesAndIndex(): Promise<Omit<DeleteFilesResult, 'deletedCommitLogFiles'>> {
    const minPhy = this.commitLog.getMinOffset();
    let deletedConsumeQueueFiles = 0;
    for (const cq of this.allConsumeQueues()) {
      deletedConsumeQueueFiles += await cq.deleteExpiredFiles(minPhy);
      await cq.correctMinOffset(minPhy);
    }
    const deletedIndexFiles = this.config.messageIndexEnable ? await this.indexService.deleteExpiredFiles(minPhy) : 0;
    return { deletedConsumeQueueFiles, deletedIndexFiles };
  }

  /** Removes consume queues whose every entry points below the commit log minimum (Java `cleanExpiredConsumerQueue`). */
  async cleanExpiredConsumerQueue(): Promise<void> {
    const minPhy = this.commitLog.getMinOffset();
    for (const [topic, queues] of this.consumeQueueTable) {
      if (topic === SCHEDULE_TOPIC) continue;
      for (const [queueId, cq] of queues) {
        if (cq.maxPhysicOffset !== -1 && cq.maxPhysicOffset <= minPhy) {
          await cq.destroy();
          queues.delete(queueId);
          this.commitLog.topicQueueTable.delete(`${topic}-${queueId}`);
        }
      }
      if (queues.size === 0) {
        this.consumeQueueTable.delete(topic);
        await fsp.rm(path.join(this.cqRoot, topic), { recursive: true, force: true });
      }
    }
  }

  /** Deletes the consume queues of `topics` (their records stay in the commit log until retention). */
  async deleteTopics(topics: Set<string>): Promise<void> {
    for (const topic of topics) {
      const queues = this.consumeQueueTable.get(topic);
      if (queues) {
        for (const [queueId, cq] of queues) {
          await cq.destroy();
          this.commitLog.topicQueueTable.delete(`${topic}-${queueId}`);
        }
        this.consumeQueueTable.delete(topic);
      }
      await fsp.rm(path.join(this.cqRoot, topic), { recursive: true, force: true });
    }
  }

  // ------------------------------------------------------------------------------------------------ reads

  private createConsumeQueue(topic: string, queueId: number): ConsumeQueue {
    let queues = this.consumeQueueTable.get(topic);
    if (!queues) this.consumeQueueTable.set(topic, (queues = new Map<number, ConsumeQueue>()));
    const cq = new ConsumeQueue(topic, queueId, this.cqRoot, this.config.mappedFileSizeConsumeQueue);
    queues.set(queueId, cq);
    return cq;
  }

  private findOrCreateConsumeQueue(topic: string, queueId: number): ConsumeQueue {
    return this.findConsumeQueue(topic, queueId) ?? this.createConsumeQueue(topic, queueId);
  }

  findConsumeQueue(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.consumeQueueTable.get(topic)?.get(queueId);
  }

  private *allConsumeQueues(): IterableIterator<ConsumeQueue> {
    for (const queues of this.consumeQueueTable.values()) yield* queues.values();
  }

  /** Topics that have consume queues. */
  topics(): string[] {
    return [...this.consumeQueueTable.keys()];
  }

  /** Queue ids of `topic` that have a consume queue. */
  queueIds(topic: string): number[] {
    return [...(this.consumeQueueTable.get(topic)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /**
   * Reads up to `maxMsgNums` messages of a queue from logical `offset` (Java `DefaultMessageStore.getMessage`),
   * bounded by `maxTotalMsgSize` bytes (at least one message is returned when one matches). Entries are filtered by
   * tags code first, then by `filter.isMatchedByCommitLog`. Consecutive records are read with one pread.
   */
  async getMessage(
    _group: string,
    topic: string,
    queueId: number,
    offset: number,
    maxMsgNums: number,
    maxTotalMsgSize: number,
    filter?: MessageFilter,
  ): Promise<GetMessageResult> {
    const t0 = performance.now();
    if (this.state !== 'RUNNING') throw new Error('message store is not running');
    const result: GetMessageResult = {
      status: 'NO_MATCHED_LOGIC_QUEUE',
      nextBeginOffset: 0,
      minOffset: 0,
      maxOffset: 0,
      messageBuffers: [],
      messageQueueOffsets: [],
      bufferTotalSize: 0,
      messageCount: 0,
      suggestPullingFromSlave: false,
    };
    const cq = this.findConsumeQueue(topic, queueId);
    if (!cq && this.consumeQueueTable.has(topic)) {
      // A queue of a topic the store knows, with nothing stored yet (Java creates it on demand: same answer).
      result.status = 'NO_MESSAGE_IN_QUEUE';
    } else if (cq) {
      const minOffset = cq.getMinOffsetInQueue();
      const maxOffset = cq.getMaxOffsetInQueue();
      result.minOffset = minOffset;
      result.maxOffset = maxOffset;
      if (maxOffset === 0) {
        result.status = 'NO_MESSAGE_IN_QUEUE';
        result.nextBeginOffset = 0;
      } else if (offset < minOffset) {
        result.status = 'OFFSET_TOO_SMALL';
        result.nextBeginOffset = minOffset;
      } else if (offset === maxOffset) {
        result.status = 'OFFSET_OVERFLOW_ONE';
        result.nextBeginOffset = offset;
      } else if (offset > maxOffset) {
        result.status = 'OFFSET_OVERFLOW_BADLY';
        result.nextBeginOffset = minOffset === 0 ? minOffset : maxOffset;
      } else {
        // Without a filter every entry is taken, so reading more than maxMsgNums entries is wasted.
        const scan = filter ? Math.max(this.config.maxFilterMessageCount, maxMsgNums) : Math.max(1, maxMsgNums);
        const entries = await cq.getEntries(offset, scan);
        if (!entries) {
          result.status = 'OFFSET_FOUND_NULL';
          result.nextBeginOffset = cq.rollNextFile(offset);
        } else {
          await this.collectMessages(entries, offset, maxMsgNums, maxTotalMsgSize, filter, result);
        }
      }
    }
    const ms = performance.now() - t0;
    const s = this.stats;
    if (result.status === 'FOUND') s.getMessageTimesTotalFound++;
    else s.getMessageTimesTotalMiss++;
    s.getMessageTransferedMsgCount += result.messageCount;
    s.getLatencyTotalMs += ms;
    if (ms > s.getLatencyMaxMs) s.getLatencyMaxMs = ms;
    return result;
  }

  private async collectMessages(
    entries: Buffer,
    offset: number,
    maxMsgNums: number,
    maxTotalMsgSize: number,
    filter: MessageFilter | undefined,
    result: GetMessageResult,
  ): Promise<void> {
    const cl = this.commitLog;
    let status: GetMessageStatus = 'NO_MATCHED_MESSAGE';
    let nextPhyFileStartOffset = Number.MIN_SAFE_INTEGER;
    const count = entries.length / CQ_STORE_UNIT_SIZE;
    // Read-ahead: one pread covers a run of records that lie back to back in the commit log.
    let ahead: { offset: number; buf: Buffer; sparse: boolean } | undefined;
    let i = 0;
    for (; i < count; i++) {
      const e = i * CQ_STORE_UNIT_SIZE;
      const offsetPy = readInt64(entries, e);
      const sizePy = entries.readInt32BE(e + 8);
      const tagsCode = readInt64(entries, e + 12);
      if (nextPhyFileStartOffset !== Number.MIN_SAFE_INTEGER && offsetPy < nextPhyFileStartOffset) continue;
      if (
        result.messageCount > 0 &&
        (result.messageCount >= maxMsgNums || result.bufferTotalSize + sizePy > maxTotalMsgSize)
      ) {
        break;
      }
      if (sizePy <= 0 || sizePy === BLANK_CQ_SIZE) continue;
      if (filter && !filter.isMatchedByConsumeQueue(tagsCode)) {
        if (result.bufferTotalSize === 0) status = 'NO_MATCHED_MESSAGE';
        continue;
      }
      // Recent records are copied one by one from the write cache: no read, and no copy of other queues' records.
      let record = cl.copyRecent(offsetPy, sizePy);
      if (!record && ahead && offsetPy >= ahead.offset && offsetPy + sizePy <= ahead.offset + ahead.buf.length) {
        record = ahead.buf.subarray(offsetPy - ahead.offset, offsetPy - ahead.offset + sizePy);
        // Do not let a few small records pin a large read buffer.
        if (ahead.sparse) record = Buffer.from(record);
      } else if (!record) {
        // Span the records this pull will still take (other queues' records may sit between them: reading past
        // them from the page cache costs less than one read per record).
        let runEnd = offsetPy + sizePy;
        let used = sizePy;
        const budget = Math.max(maxTotalMsgSize - result.bufferTotalSize, sizePy);
        for (let j = i + 1, taken = 1; j < count && taken < maxMsgNums - result.messageCount; j++) {
          const o = readInt64(entries, j * CQ_STORE_UNIT_SIZE);
          const sz = entries.readInt32BE(j * CQ_STORE_UNIT_SIZE + 8);
          if (sz <= 0 || sz === BLANK_CQ_SIZE || o < runEnd) break;
          if (used + sz > budget || o + sz - offsetPy > READ_AHEAD_SPAN_BYTES) break;
          if (Math.floor(o / cl.segmentSize) !== Math.floor(offsetPy / cl.segmentSize)) break;
          runEnd = o + sz;
          used += sz;
          taken++;
        }
        const buf = await cl.getData(offsetPy, runEnd - offsetPy);
        if (buf) {
          ahead = { offset: offsetPy, buf, sparse: buf.length > 2 * used };
          record = ahead.sparse ? Buffer.from(buf.subarray(0, sizePy)) : buf.subarray(0, sizePy);
        } else if (runEnd > offsetPy + sizePy) {
          record = await cl.getData(offsetPy, sizePy);
        }
      }
      if (!record || !isWholeRecord(record, sizePy)) {
        if (result.bufferTotalSize === 0) status = 'MESSAGE_WAS_REMOVING';
        nextPhyFileStartOffset = cl.rollNextFile(offsetPy);
        continue;
      }
      if (filter && !filter.isMatchedByCommitLog(record)) {
        if (result.bufferTotalSize === 0) status = 'NO_MATCHED_MESSAGE';
        continue;
      }
      result.messageBuffers.push(record);
      result.messageQueueOffsets.push(offset + i);
      result.bufferTotalSize += sizePy;
      result.messageCount++;
      status = 'FOUND';
      nextPhyFileStartOffset = Number.MIN_SAFE_INTEGER;
    }
    result.status = status;
    result.nextBeginOffset = offset + i;
  }

  /** Next offset of the queue (one past the newest entry); 0 for an unknown queue. */
  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.findConsumeQueue(topic, queueId)?.getMaxOffsetInQueue() ?? 0;
  }

  /** Oldest offset still readable; 0 for an unknown queue (Java creates the queue on demand and answers 0 too). */
  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.findConsumeQueue(topic, queueId)?.getMinOffsetInQueue() ?? 0;
  }

  /** Commit log offset of a queue entry; 0 when there is none. */
  async getCommitLogOffsetInQueue(topic: string, queueId: number, consumeQueueOffset: number): Promise<number> {
    const e = await this.findConsumeQueue(topic, queueId)?.getEntry(consumeQueueOffset);
    return e ? e.commitLogOffset : 0;
  }

  private async storeTimeOfEntry(cq: ConsumeQueue, index: number): Promise<number> {
    const e = await cq.getEntry(index);
    if (!e || e.msgSize <= 0 || e.msgSize === BLANK_CQ_SIZE) return -1;
    const head = await this.commitLog.getData(e.commitLogOffset, Math.min(e.msgSize, STORE_TIMESTAMP_HEADER_BYTES));
    if (!head || head.length < 56) return -1;
    return readStoreTimestamp(head);
  }

  /** Store time of the message at a queue offset; -1 when unknown. */
  async getMessageStoreTimeStamp(topic: string, queueId: number, consumeQueueOffset: number): Promise<number> {
    const cq = this.findConsumeQueue(topic, queueId);
    if (!cq) return -1;
    return this.storeTimeOfEntry(cq, consumeQueueOffset);
  }

  /** Store time of the oldest message still in the queue; -1 when none. */
  async getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    const cq = this.findConsumeQueue(topic, queueId);
    if (!cq) return -1;
    return this.storeTimeOfEntry(cq, cq.getMinOffsetInQueue());
  }

  /**
   * Queue offset for a time (Java `getOffsetInQueueByTime`): the message stored exactly then, else the nearer of its
   * neighbours; min offset for times before the first message, the last message's offset for times after it. Binary
   * search with one entry read and one header read per step.
   */
  async getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): Promise<number> {
    const cq = this.findConsumeQueue(topic, queueId);
    if (!cq) return 0;
    const min = cq.getMinOffsetInQueue();
    const max = cq.getMaxOffsetInQueue();
    if (max <= min) return 0;
    let lo = min;
    let hi = max;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const ts = await this.storeTimeOfEntry(cq, mid);
      if (ts >= 0 && ts < timestamp) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= max) return max - 1;
    const rightTs = await this.storeTimeOfEntry(cq, lo);
    if (rightTs === timestamp || lo === min) return lo;
    const leftTs = await this.storeTimeOfEntry(cq, lo - 1);
    if (leftTs < 0) return lo;
    return Math.abs(timestamp - leftTs) > Math.abs(timestamp - rightTs) ? lo : lo - 1;
  }

  /** The whole record at a commit log offset, or null (deleted, not written, or not a message). */
  async selectOneMessageByOffset(commitLogOffset: number, size?: number): Promise<Buffer | null> {
    let len = size;
    if (len === undefined) {
      const head = await this.commitLog.getData(commitLogOffset, 8);
      if (!head) return null;
      len = head.readInt32BE(0);
      const magic = head.readInt32BE(4);
      if (magic !== MAGIC.V1 && magic !== MAGIC.V2) return null;
      if (len <= 0 || len > this.config.maxMessageSize + 64 * 1024) return null;
    }
    const buf = await this.commitLog.getData(commitLogOffset, len);
    if (!buf || !isWholeRecord(buf, len)) return null;
    return buf;
  }

  /** The message at a commit log offset, decoded (view by offset msgId); null when not found. */
  async lookMessageByOffset(commitLogOffset: number, size?: number): Promise<MessageExt | null> {
    const buf = await this.selectOneMessageByOffset(commitLogOffset, size);
    if (!buf) return null;
    try {
      return decodeMessageRecord(buf, 0, { decompressBody: false });
    } catch {
      return null;
    }
  }

  /**
   * Messages whose key (a KEYS token or the UNIQ_KEY) is `key` and that were stored in `[begin, end]` (Java
   * `queryMessage`), newest index entries first, at most `maxNum` (capped by `maxMsgsNumBatch`).
   */
  async queryMessage(
    topic: string,
    key: string,
    maxNum: number,
    begin: number,
    end: number,
  ): Promise<QueryMessageResult> {
    const limit = Math.min(maxNum, this.config.maxMsgsNumBatch);
    const out: QueryMessageResult = { messageBuffers: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 };
    if (!this.config.messageIndexEnable) return out;
    const r = await this.indexService.queryOffset(topic, key, limit, begin, end);
    out.indexLastUpdateTimestamp = r.indexLastUpdateTimestamp;
    out.indexLastUpdatePhyoffset = r.indexLastUpdatePhyoffset;
    const offsets = [...new Set(r.phyOffsets)].sort((a, b) => a - b);
    for (const off of offsets) {
      if (off >= this.commitLog.writtenOffset) continue;
      const buf = await this.selectOneMessageByOffset(off);
      if (buf) out.messageBuffers.push(buf);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------ info

  getMinPhyOffset(): number {
    return this.commitLog.getMinOffset();
  }

  getMaxPhyOffset(): number {
    return this.commitLog.getMaxOffset();
  }

  /** The store's clock (ms). */
  now(): number {
    return Date.now();
  }

  /**
   * Flushes the commit log now, and the consume queues and index (whose entries are written behind) as far as they are
   * dispatched (tests, admin).
   */
  async flush(): Promise<void> {
    await this.commitLog.waitIdle();
    await this.commitLog.flushTo(this.commitLog.writtenOffset);
    if (this.isRunning()) await this.flushLogics(true);
  }

  /** Resolves once every written record has been dispatched to consume queues and index. */
  async waitDispatched(): Promise<void> {
    while (this.dispatching || this.reputFromOffset < this.commitLog.writtenOffset) {
      if (this.dispatching) await this.dispatching;
      else if (this.reputFromOffset < this.commitLog.writtenOffset) this.wakeupDispatch();
      if (!this.dispatching && this.reputFromOffset < this.commitLog.writtenOffset) break;
    }
  }

  getRuntimeInfo(): Record<string, string> {
    const s = this.stats;
    const avg = (total: number, n: number) => (n > 0 ? (total / n).toFixed(3) : '0');
    return {
      commitLogMinOffset: String(this.getMinPhyOffset()),
      commitLogMaxOffset: String(this.getMaxPhyOffset()),
      commitLogFlushedOffset: String(this.commitLog.flushedOffset),
      dispatchBehindBytes: String(this.dispatchBehindBytes()),
      putMessageTimesTotal: String(s.putMessageTimesTotal),
      putMessageSizeTotal: String(s.putMessageSizeTotal),
      putMessageFailedTimes: String(s.putMessageFailedTimes),
      putMessageAverageLatencyMs: avg(s.putLatencyTotalMs, s.putMessageTimesTotal + s.putMessageFailedTimes),
      putMessageMaxLatencyMs: s.putLatencyMaxMs.toFixed(3),
      getMessageTimesTotalFound: String(s.getMessageTimesTotalFound),
      getMessageTimesTotalMiss: String(s.getMessageTimesTotalMiss),
      getMessageTransferedMsgCount: String(s.getMessageTransferedMsgCount),
      getMessageAverageLatencyMs: avg(s.getLatencyTotalMs, s.getMessageTimesTotalFound + s.getMessageTimesTotalMiss),
      getMessageMaxLatencyMs: s.getLatencyMaxMs.toFixed(3),
      dispatchedMessages: String(s.dispatchedMessages),
      commitLogDiskRatio: this.diskUsedRatio.toFixed(4),
      diskFull: String(this.diskFull),
      pageCacheBusy: String(this.isOSPageCacheBusy()),
      pendingWriteBytes: String(this.commitLog.pendingWriteBytes),
      flushDiskType: this.config.flushDiskType,
      brokerRole: this.config.brokerRole,
    };
  }
}

/** Record bytes start with the expected size and a message magic code: never hand out a torn or foreign record. */
function isWholeRecord(buf: Buffer, size: number): boolean {
  if (buf.length < 8 || buf.length !== size) return false;
  const magic = buf.readInt32BE(4);
  return buf.readInt32BE(0) === size && (magic === MAGIC.V1 || magic === MAGIC.V2);
}

/**
 * Batch body (protocol.md §4.7): per message int32 TOTALSIZE, int32 MAGIC, int32 BODYCRC, int32 FLAG, int32 BODYLEN,
 * body, int16 PROPLEN, properties. Throws on any inconsistency.
 */
function parseBatchBody(body: Buffer): { body: Buffer; flag: number; properties: string }[] {
  const out: { body: Buffer; flag: number; properties: string }[] = [];
  let p = 0;
  while (p < body.length) {
    if (body.length - p < 22) throw new Error(`truncated batch message at byte ${p}`);
    const total = body.readInt32BE(p);
    const flag = body.readInt32BE(p + 12);
    const bodyLen = body.readInt32BE(p + 16);
    if (bodyLen < 0 || p + 20 + bodyLen + 2 > body.length) throw new Error(`bad body length ${bodyLen} at byte ${p}`);
    const propLen = body.readInt16BE(p + 20 + bodyLen);
    const end = p + 20 + bodyLen + 2 + propLen;
    if (propLen < 0 || end > body.length) throw new Error(`bad properties length ${propLen} at byte ${p}`);
    if (total !== end - p) throw new Error(`batch message TOTALSIZE ${total} does not match its ${end - p} bytes`);
    out.push({
      body: body.subarray(p + 20, p + 20 + bodyLen),
      flag,
      properties: body.toString('utf8', p + 22 + bodyLen, end),
    });
    p = end;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ puts in flight

const noResolve = (): void => undefined;
let capturedResolve: (r: PutMessageResult) => void = noResolve;
/** A promise executor that closes over nothing: `new Promise(captureResolve)` leaves its resolve in `capturedResolve`. */
function captureResolve(resolve: (r: PutMessageResult) => void): void {
  capturedResolve = resolve;
}

function appendResultOf(put: PendingAppend, msgId: string, msgNum: number): PutMessageResult['appendResult'] {
  return {
    wroteOffset: put.commitLogOffset,
    wroteBytes: put.size,
    msgId,
    storeTimestamp: put.storeTimestamp,
    logicsOffset: put.queueOffset,
    msgNum,
  };
}

/**
 * A `putMessage` in flight: encodes its record when the commit log places it, is then the record's dispatch request
 * (what `checkRecord` would parse back), and resolves the put's promise when settled.
 */
class MessagePut extends PendingAppend implements DispatchRequest {
  // One put per message: fields are declared (not defined as undefined first) and set once in the constructor.
  declare resolve: (r: PutMessageResult) => void;
  declare readonly topic: string;
  declare readonly queueId: number;
  declare readonly keys: string | undefined;
  declare readonly uniqKey: string | undefined;
  declare readonly sysFlag: number;
  declare readonly preparedTransactionOffset: number;
  declare readonly properties: Record<string, string>;
  declare readonly tagsCode: number;
  declare private readonly store: DefaultMessageStore;
  declare private readonly t0: number;
  declare private readonly storeHost: HostAddress;
  /** Held only until the record is encoded. */
  declare private msg: MessageExtBrokerInner | undefined;
  declare private layout: MessageRecordLayout | undefined;

  constructor(
    store: DefaultMessageStore,
    msg: MessageExtBrokerInner,
    layout: MessageRecordLayout,
    queueKey: string,
    queueOffsetsUsed: number,
    t0: number,
    tagsCode: number,
    storeHost: HostAddress,
  ) {
    super(layout.totalSize, queueKey, msg.queueOffset, queueOffsetsUsed, msg.storeTimestamp, msg.waitStoreMsgOK);
    this.resolve = noResolve;
    this.store = store;
    this.t0 = t0;
    this.tagsCode = tagsCode;
    this.storeHost = storeHost;
    const props = msg.properties;
    this.topic = msg.topic;
    this.queueId = msg.queueId;
    this.keys = props[PROP.KEYS];
    this.uniqKey = props[PROP.UNIQ_KEY];
    this.sysFlag = msg.sysFlag;
    this.preparedTransactionOffset = msg.preparedTransactionOffset;
    this.properties = props;
    this.msg = msg;
    this.layout = layout;
  }

  /** DispatchRequest names of `size` and `queueOffset`. */
  get msgSize(): number {
    return this.size;
  }

  get consumeQueueOffset(): number {
    return this.queueOffset;
  }

  encode(target: Buffer, pos: number): void {
    const msg = this.msg!;
    msg.commitLogOffset = this.commitLogOffset;
    encodeRecord(msg, target, pos, this.layout);
    this.msg = undefined;
    this.layout = undefined;
  }

  dispatchRequest(): DispatchRequest {
    return this;
  }

  settle(status: PutMessageStatus, remark?: string): void {
    const result: PutMessageResult =
      status === 'PUT_OK' || status === 'FLUSH_DISK_TIMEOUT'
        ? { status, appendResult: appendResultOf(this, offsetMessageId(this.storeHost, this.commitLogOffset), 1) }
        : { status, remark };
    this.resolve(this.store.finishPut(result, this.t0, this.size));
  }
}

/** A `putMessages` batch in flight: its records go in one write; the dispatcher parses them back. */
class BatchPut extends PendingAppend {
  resolve: (r: PutMessageResult) => void = noResolve;
  private readonly ids: string[] = [];

  constructor(
    private readonly store: DefaultMessageStore,
    private readonly records: { src: MessageRecordSource; layout: MessageRecordLayout }[],
    size: number,
    queueKey: string,
    queueOffset: number,
    storeTimestamp: number,
    needFlush: boolean,
    private readonly t0: number,
    private readonly storeHost: HostAddress,
  ) {
    super(size, queueKey, queueOffset, records.length, storeTimestamp, needFlush);
  }

  encode(target: Buffer, at: number): void {
    let pos = 0;
    for (const r of this.records) {
      const phy = this.commitLogOffset + pos;
      r.src.commitLogOffset = phy;
      encodeRecord(r.src, target, at + pos, r.layout);
      this.ids.push(offsetMessageId(this.storeHost, phy));
      pos += r.layout.totalSize;
    }
  }

  dispatchRequest(): undefined {
    return undefined;
  }

  settle(status: PutMessageStatus, remark?: string): void {
    const result: PutMessageResult =
      status === 'PUT_OK' || status === 'FLUSH_DISK_TIMEOUT'
        ? { status, appendResult: appendResultOf(this, this.ids.join(','), this.records.length) }
        : { status, remark };
    this.resolve(this.store.finishPut(result, this.t0, this.size));
  }
}

function isEmptyObject(o: Record<string, string>): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return false;
  return true;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { DEFAULT_MESSAGE_DELAY_LEVEL } from '@rocketnest/common';

/**
 * Store configuration (Java `MessageStoreConfig`). Names and defaults follow Java; durations are milliseconds unless the
 * name says otherwise (`fileReservedTime` is hours, as in Java).
 */
export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';
export type BrokerRole = 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';

export interface StoreHost {
  address: string;
  port: number;
}

export interface MessageStoreConfig {
  /** Root of the store directory (commitlog/, consumequeue/, index/, checkpoint, abort). */
  storePathRootDir: string;
  /** Commit log directory; default `<root>/commitlog`. */
  storePathCommitLog: string;
  /** Commit log segment size in bytes. Default 1 GiB. */
  mappedFileSizeCommitLog: number;
  /** Consume queue segment size in bytes (a multiple of 20). Default 300 000 × 20. */
  mappedFileSizeConsumeQueue: number;
  flushDiskType: FlushDiskType;
  brokerRole: BrokerRole;
  /** ASYNC_FLUSH: period of the commit log flush loop. Default 500 ms. */
  flushIntervalCommitLog: number;
  /** ASYNC_FLUSH: flush only when this many 4 KiB pages are dirty. Default 4. */
  flushCommitLogLeastPages: number;
  /** ASYNC_FLUSH: flush whatever is dirty at least this often. Default 10 000 ms. */
  flushCommitLogThoroughInterval: number;
  /** Consume queue / index / checkpoint flush period. Default 1000 ms. */
  flushIntervalConsumeQueue: number;
  /**
   * SYNC_FLUSH: fdatasync calls allowed in flight at once. Concurrent syncs of one file complete together in the
   * kernel, so a new batch need not wait for the previous sync. Default 3 (libuv has 4 threads; one stays for writes).
   */
  groupCommitMaxConcurrentSyncs: number;
  /** SYNC_FLUSH: longest wait for the fdatasync covering a put, then FLUSH_DISK_TIMEOUT. Default 5000 ms. */
  syncFlushTimeout: number;
  /** Hours a commit log segment is kept after its last write. Default 72. */
  fileReservedTime: number;
  /** Hours of the day (`"04"` or `"04;05"`) when expired segments are deleted. Default `"04"`. */
  deleteWhen: string;
  /** Disk usage percentage above which expired segments are deleted at any hour. Default 75. */
  diskMaxUsedSpaceRatio: number;
  /** Disk usage ratio (0..1) above which even unexpired segments are deleted. Default 0.85. */
  diskSpaceCleanForciblyRatio: number;
  /** Disk usage ratio (0..1) above which puts are refused (SERVICE_NOT_AVAILABLE, disk full). Default 0.90. */
  diskSpaceWarningLevelRatio: number;
  /** Period of the retention check. Default 10 000 ms. */
  cleanResourceInterval: number;
  /** Largest stored record in bytes. Default 4 MiB. */
  maxMessageSize: number;
  /** Delay levels (protocol.md §6.2). */
  messageDelayLevel: string;
  messageIndexEnable: boolean;
  /** Slots per index file. Default 5 000 000. */
  maxHashSlotNum: number;
  /** Entries per index file. Default 20 000 000. */
  maxIndexNum: number;
  /** Most results of one key query. Default 64. */
  maxMsgsNumBatch: number;
  /** Validate body CRC while recovering. Default true. */
  checkCRCOnRecover: boolean;
  /** Store host written into records (STOREHOST) and used in offset msgIds. */
  brokerHost: StoreHost;
  /** Puts queued this long without reaching the file make new puts fail with OS_PAGE_CACHE_BUSY. Default 1000 ms. */
  osPageCacheBusyTimeOutMills: number;
  /** Bytes accepted but not yet written above which new puts get OS_PAGE_CACHE_BUSY. Default 64 MiB. */
  maxPendingWriteBytes: number;
  /** Capacity of one coalesced write buffer. Default 1 MiB. */
  writeBufferSize: number;
  /** Bytes of recently written commit log kept in memory for the dispatcher and tailing reads. Default 8 MiB. */
  recentWriteCacheBytes: number;
  /** Largest commit log read of the dispatcher. Default 4 MiB. */
  dispatchReadChunkSize: number;
  /** Entries scanned per getMessage call at most (Java: max(16000 bytes, maxMsgNums × 20)). */
  maxFilterMessageCount: number;
  /** Create the next commit log segment ahead of time. Default true. */
  warmMappedFileEnable: boolean;
}

export function resolveMessageStoreConfig(
  input: Partial<MessageStoreConfig> & { storePathRootDir: string },
): MessageStoreConfig {
  const root = input.storePathRootDir;
  const config: MessageStoreConfig = {
    storePathRootDir: root,
    storePathCommitLog: `${root}/commitlog`,
    mappedFileSizeCommitLog: 1024 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 300000 * 20,
    flushDiskType: 'ASYNC_FLUSH',
    brokerRole: 'ASYNC_MASTER',
    flushIntervalCommitLog: 500,
    flushCommitLogLeastPages: 4,
    flushCommitLogThoroughInterval: 10000,
    flushIntervalConsumeQueue: 1000,
    syncFlushTimeout: 5000,
    groupCommitMaxConcurrentSyncs: 3,
    fileReservedTime: 72,
    deleteWhen: '04',
    diskMaxUsedSpaceRatio: 75,
    diskSpaceCleanForciblyRatio: 0.85,
    diskSpaceWarningLevelRatio: 0.9,
    cleanResourceInterval: 10000,
    maxMessageSize: 1024 * 1024 * 4,
    messageDelayLevel: DEFAULT_MESSAGE_DELAY_LEVEL,
    messageIndexEnable: true,
    maxHashSlotNum: 5000000,
    maxIndexNum: 5000000 * 4,
    maxMsgsNumBatch: 64,
    checkCRCOnRecover: true,
    brokerHost: { address: '127.0.0.1', port: 10911 },
    osPageCacheBusyTimeOutMills: 1000,
    maxPendingWriteBytes: 64 * 1024 * 1024,
    writeBufferSize: 1024 * 1024,
    recentWriteCacheBytes: 8 * 1024 * 1024,
    dispatchReadChunkSize: 4 * 1024 * 1024,
    maxFilterMessageCount: 800,
    warmMappedFileEnable: true,
    ...stripUndefined(input),
  };
  if (!config.storePathCommitLog) config.storePathCommitLog = `${root}/commitlog`;
  if (config.mappedFileSizeConsumeQueue % 20 !== 0) {
    throw new Error(`mappedFileSizeConsumeQueue must be a multiple of 20, got ${config.mappedFileSizeConsumeQueue}`);
  }
  if (config.mappedFileSizeCommitLog < 64 * 1024) {
    throw new Error(`mappedFileSizeCommitLog must be at least 64 KiB, got ${config.mappedFileSizeCommitLog}`);
  }
  return config;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

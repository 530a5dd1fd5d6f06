import type { HostAddress } from '@rocketnest/common';

/** Outcome of a put (Java `PutMessageStatus`). */
export type PutMessageStatus =
  | 'PUT_OK'
  | 'FLUSH_DISK_TIMEOUT'
  | 'FLUSH_SLAVE_TIMEOUT'
  | 'SLAVE_NOT_AVAILABLE'
  | 'SERVICE_NOT_AVAILABLE'
  | 'CREATE_MAPPED_FILE_FAILED'
  | 'MESSAGE_ILLEGAL'
  | 'PROPERTIES_SIZE_EXCEEDED'
  | 'OS_PAGE_CACHE_BUSY'
  | 'UNKNOWN_ERROR';

export interface AppendMessageResult {
  /** Commit log offset of the (first) record. */
  wroteOffset: number;
  /** Bytes written (all records of a batch). */
  wroteBytes: number;
  /** Offset msgId; comma-joined for a batch. */
  msgId: string;
  storeTimestamp: number;
  /** Queue offset of the (first) record. */
  logicsOffset: number;
  msgNum: number;
}

export interface PutMessageResult {
  status: PutMessageStatus;
  appendResult?: AppendMessageResult;
  /** Why a put was refused, for the broker's remark (e.g. "disk full"). */
  remark?: string;
}

/** Outcome of a read (Java `GetMessageStatus`). */
export type GetMessageStatus =
  | 'FOUND'
  | 'NO_MATCHED_MESSAGE'
  | 'MESSAGE_WAS_REMOVING'
  | 'OFFSET_FOUND_NULL'
  | 'OFFSET_OVERFLOW_BADLY'
  | 'OFFSET_OVERFLOW_ONE'
  | 'OFFSET_TOO_SMALL'
  | 'NO_MATCHED_LOGIC_QUEUE'
  | 'NO_MESSAGE_IN_QUEUE';

export interface GetMessageResult {
  status: GetMessageStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Each one whole stored record, ready to send as the PULL body. */
  messageBuffers: Buffer[];
  messageQueueOffsets: number[];
  bufferTotalSize: number;
  messageCount: number;
  suggestPullingFromSlave: boolean;
}

/** Filters a pull (Java `MessageFilter`): by consume-queue tags code first, then on the record itself. */
export interface MessageFilter {
  isMatchedByConsumeQueue(tagsCode: number | undefined): boolean;
  isMatchedByCommitLog(record: Buffer, properties?: Record<string, string>): boolean;
}

/**
 * Called as the dispatcher indexes each new message (Java `MessageArrivingListener`). `logicOffset` is the queue's new
 * max offset (the message's queue offset + 1), as Java passes it; `tagsCode` is the consume queue tags code.
 */
export type MessageArrivingListener = (
  topic: string,
  queueId: number,
  logicOffset: number,
  tagsCode: number,
  storeTimestamp: number,
  properties?: Record<string, string>,
) => void;

/** A SEND_BATCH_MESSAGE as the broker hands it to the store (Java `MessageExtBatch`). */
export interface MessageExtBatch {
  topic: string;
  queueId: number;
  /** The encoded batch body (protocol.md §4.7). */
  body: Buffer;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  storeHost?: HostAddress;
  /** Batch-level properties appended to every inner message's properties (4.9.x behaviour). */
  propertiesString?: string;
  reconsumeTimes?: number;
  /** WAIT of the batch (default true): under SYNC_FLUSH wait for the flush. */
  waitStoreMsgOK?: boolean;
}

export interface QueryMessageResult {
  messageBuffers: Buffer[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

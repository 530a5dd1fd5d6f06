/**
 * Queue offset and message lookup headers (protocol.md §2.3.13, §2.3.14).
 */
import { defineHeader, opt, prim, req, type DecodedHeader } from './header-codec';
import { TOPIC_REQUEST_BASE } from './rpc-base';

/** GET_MAX_OFFSET (30). */
export const GetMaxOffsetRequestHeader = defineHeader(
  {
    topic: req.string,
    queueId: req.int,
    /** 5.x primitive, default true (Java always sends it; 4.9.x ignores it). */
    committed: prim.boolean(true),
    ...TOPIC_REQUEST_BASE,
  },
  'GetMaxOffsetRequestHeader',
);
export type GetMaxOffsetRequestHeader = DecodedHeader<typeof GetMaxOffsetRequestHeader.spec>;

export const GetMaxOffsetResponseHeader = defineHeader({ offset: req.long }, 'GetMaxOffsetResponseHeader');
export type GetMaxOffsetResponseHeader = DecodedHeader<typeof GetMaxOffsetResponseHeader.spec>;

/** GET_MIN_OFFSET (31). */
export const GetMinOffsetRequestHeader = defineHeader(
  { topic: req.string, queueId: req.int, ...TOPIC_REQUEST_BASE },
  'GetMinOffsetRequestHeader',
);
export type GetMinOffsetRequestHeader = DecodedHeader<typeof GetMinOffsetRequestHeader.spec>;

export const GetMinOffsetResponseHeader = defineHeader({ offset: req.long }, 'GetMinOffsetResponseHeader');
export type GetMinOffsetResponseHeader = DecodedHeader<typeof GetMinOffsetResponseHeader.spec>;

/** SEARCH_OFFSET_BY_TIMESTAMP (29). */
export const SearchOffsetRequestHeader = defineHeader(
  {
    topic: req.string,
    queueId: req.int,
    timestamp: req.long,
    /** 5.x: `LOWER` (default) / `UPPER`, case-insensitive. See {@link isUpperBoundary}. */
    boundaryType: opt.string,
    ...TOPIC_REQUEST_BASE,
  },
  'SearchOffsetRequestHeader',
);
export type SearchOffsetRequestHeader = DecodedHeader<typeof SearchOffsetRequestHeader.spec>;

/** Java `BoundaryType.getType`: `"upper"` (any case) is UPPER, everything else LOWER. */
export function isUpperBoundary(boundaryType: string | undefined): boolean {
  return boundaryType !== undefined && boundaryType.toLowerCase() === 'upper';
}

export const SearchOffsetResponseHeader = defineHeader({ offset: req.long }, 'SearchOffsetResponseHeader');
export type SearchOffsetResponseHeader = DecodedHeader<typeof SearchOffsetResponseHeader.spec>;

/** GET_EARLIEST_MSG_STORETIME (32). */
export const GetEarliestMsgStoretimeRequestHeader = defineHeader(
  { topic: req.string, queueId: req.int, ...TOPIC_REQUEST_BASE },
  'GetEarliestMsgStoretimeRequestHeader',
);
export type GetEarliestMsgStoretimeRequestHeader = DecodedHeader<typeof GetEarliestMsgStoretimeRequestHeader.spec>;

export const GetEarliestMsgStoretimeResponseHeader = defineHeader(
  { timestamp: req.long },
  'GetEarliestMsgStoretimeResponseHeader',
);
export type GetEarliestMsgStoretimeResponseHeader = DecodedHeader<typeof GetEarliestMsgStoretimeResponseHeader.spec>;

/**
 * QUERY_MESSAGE (12). Java also sends the extField `_UNIQUE_KEY_QUERY` (`"true"` when `key` is a UNIQ_KEY): see
 * {@link UNIQUE_KEY_QUERY}; it is not a header field.
 */
export const QueryMessageRequestHeader = defineHeader(
  {
    topic: req.string,
    key: req.string,
    maxNum: req.int,
    beginTimestamp: req.long,
    /** Java admin sends Long.MAX_VALUE. */
    endTimestamp: req.long,
    ...TOPIC_REQUEST_BASE,
  },
  'QueryMessageRequestHeader',
);
export type QueryMessageRequestHeader = DecodedHeader<typeof QueryMessageRequestHeader.spec>;

/** The extra extField of QUERY_MESSAGE saying whether `key` is a UNIQ_KEY (`"true"`/`"false"`). */
export const UNIQUE_KEY_QUERY = '_UNIQUE_KEY_QUERY';

export const QueryMessageResponseHeader = defineHeader(
  { indexLastUpdateTimestamp: req.long, indexLastUpdatePhyoffset: req.long },
  'QueryMessageResponseHeader',
);
export type QueryMessageResponseHeader = DecodedHeader<typeof QueryMessageResponseHeader.spec>;

/** VIEW_MESSAGE_BY_ID (33): `offset` is the commit-log physical offset decoded from the offset msgId. */
export const ViewMessageRequestHeader = defineHeader(
  { topic: opt.string, offset: req.long },
  'ViewMessageRequestHeader',
);
export type ViewMessageRequestHeader = DecodedHeader<typeof ViewMessageRequestHeader.spec>;

import {
  MQBrokerError,
  MessageConst,
  RequestCode,
  ResponseCode,
  decodeMessageRecords,
  type MessageExt,
  type MessageQueue,
} from '@rocketnest/common';
import type { MQClientInstance, SubscriptionDataJson } from './mq-client-instance';

/** Client view of a pull answer (Java `PullStatus`). */
export const PullStatus = {
  FOUND: 'FOUND',
  NO_NEW_MSG: 'NO_NEW_MSG',
  NO_MATCHED_MSG: 'NO_MATCHED_MSG',
  OFFSET_ILLEGAL: 'OFFSET_ILLEGAL',
} as const;
export type PullStatus = (typeof PullStatus)[keyof typeof PullStatus];

export interface PullResult {
  pullStatus: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  msgFoundList: MessageExt[];
}

export interface PullArgs {
  group: string;
  mq: MessageQueue;
  subscription: SubscriptionDataJson;
  offset: number;
  maxNums: number;
  commitOffset?: number;
  /** Long-poll hold; 0 = answer at once. */
  suspendTimeoutMs: number;
  timeoutMs: number;
}

/** One PULL_MESSAGE with the subscription in the request (Java `PullAPIWrapper.pullKernelImpl` + `processPullResult`). */
export async function pullMessage(client: MQClientInstance, args: PullArgs): Promise<PullResult> {
  const { mq, subscription: sd } = args;
  let addr = client.findBrokerAddressInSubscribe(mq.brokerName);
  if (!addr) {
    await client.updateTopicRouteInfo(mq.topic);
    addr = client.findBrokerAddressInSubscribe(mq.brokerName);
  }
  if (!addr) throw new MQBrokerError(ResponseCode.SYSTEM_ERROR, `The broker[${mq.brokerName}] not exist`, undefined);
  const commit = args.commitOffset !== undefined && args.commitOffset > 0;
  const sysFlag = (commit ? 1 : 0) | (args.suspendTimeoutMs > 0 ? 2 : 0) | 4;
  const response = await client.remoting.invoke(
    addr,
    client.api.request(RequestCode.PULL_MESSAGE, {
      consumerGroup: args.group,
      topic: mq.topic,
      queueId: mq.queueId,
      queueOffset: args.offset,
      maxMsgNums: args.maxNums,
      sysFlag,
      commitOffset: commit ? args.commitOffset : 0,
      suspendTimeoutMillis: args.suspendTimeoutMs,
      subscription: sd.subString,
      subVersion: sd.subVersion,
      expressionType: sd.expressionType,
      maxMsgBytes: 262144,
      bname: mq.brokerName,
    }),
    args.timeoutMs,
  );
  const ext = response.extFields ?? {};
  const base = {
    nextBeginOffset: Number(ext.nextBeginOffset ?? args.offset),
    minOffset: Number(ext.minOffset ?? 0),
    maxOffset: Number(ext.maxOffset ?? 0),
  };
  switch (response.code) {
    case ResponseCode.SUCCESS: {
      const msgs = decodeMessageRecords(response.body ?? Buffer.alloc(0), { copyBody: false });
      const tags =
        sd.expressionType === 'TAG' && sd.subString !== '*' && sd.tagsSet.length > 0 ? new Set(sd.tagsSet) : undefined;
      const found = msgs.filter((m) => !tags || (m.tags !== undefined && tags.has(m.tags)));
      for (const m of found) {
        m.brokerName = mq.brokerName;
        if (m.getProperty(MessageConst.TRAN_MSG) === 'true') m.transactionId = m.getProperty(MessageConst.UNIQ_KEY);
        m.putProperty(MessageConst.MIN_OFFSET, String(base.minOffset));
        m.putProperty(MessageConst.MAX_OFFSET, String(base.maxOffset));
      }
      return { pullStatus: PullStatus.FOUND, ...base, msgFoundList: found };
    }
    case ResponseCode.PULL_NOT_FOUND:
      return { pullStatus: PullStatus.NO_NEW_MSG, ...base, msgFoundList: [] };
    case ResponseCode.PULL_RETRY_IMMEDIATELY:
      return { pullStatus: PullStatus.NO_MATCHED_MSG, ...base, msgFoundList: [] };
    case ResponseCode.PULL_OFFSET_MOVED:
      return { pullStatus: PullStatus.OFFSET_ILLEGAL, ...base, msgFoundList: [] };
    default:
      throw new MQBrokerError(response.code, response.remark, addr);
  }
}

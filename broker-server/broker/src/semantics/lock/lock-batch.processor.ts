import { RemotingCommandError, ResponseCode, toJavaJson } from '@rocketnest/common';
import { type RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import { messageQueueList, parseJsonBody, stringField } from '../util/body-codec';
import type { RebalanceLockManager } from './rebalance-lock-manager';

/**
 * `LockBatchRequestBody` / `UnlockBatchRequestBody`:
 * `{"clientId":"cid","consumerGroup":"CG","mqSet":[{"brokerName":"b","queueId":0,"topic":"T"}],"onlyThisBroker":false}`.
 */
export interface LockBatchRequestBody {
  clientId: string;
  consumerGroup: string;
  mqSet: { topic: string; brokerName: string; queueId: number }[];
  /** 5.x. A single broker has no peers to lock on, so it changes nothing here. */
  onlyThisBroker: boolean;
}

export function decodeLockBatchBody(body: Buffer | undefined, what = 'LockBatchRequestBody'): LockBatchRequestBody {
  const obj = parseJsonBody(body, what);
  return {
    clientId: stringField(obj, 'clientId', what),
    consumerGroup: stringField(obj, 'consumerGroup', what),
    mqSet: messageQueueList(obj.mqSet, what),
    onlyThisBroker: obj.onlyThisBroker === true,
  };
}

function badRequest(err: unknown): RemotingCommand {
  const reason = err instanceof Error ? err.message : String(err);
  return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, reason);
}

/**
 * LOCK_BATCH_MQ (41): locks what it can for the client and answers `{"lockOKMQSet":[...]}` with the queues the client
 * now holds (Java `AdminBrokerProcessor.lockBatchMQ`). The response has no ext fields, as Java's.
 */
export function createLockBatchMqProcessor(locks: RebalanceLockManager) {
  return (request: RemotingCommand, _channel: RemotingChannel): RemotingCommand => {
    let body: LockBatchRequestBody;
    try {
      body = decodeLockBatchBody(request.body);
    } catch (err) {
      if (err instanceof RemotingCommandError) return badRequest(err);
      throw err;
    }
    const locked = locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
    const response = RemotingCommand.createResponse(ResponseCode.SUCCESS);
    response.body = Buffer.from(toJavaJson({ lockOKMQSet: locked }), 'utf8');
    return response;
  };
}

/** UNLOCK_BATCH_MQ (42): releases the client's locks on the listed queues; SUCCESS without a body. */
export function createUnlockBatchMqProcessor(locks: RebalanceLockManager) {
  return (request: RemotingCommand, _channel: RemotingChannel): RemotingCommand => {
    let body: LockBatchRequestBody;
    try {
      body = decodeLockBatchBody(request.body, 'UnlockBatchRequestBody');
    } catch (err) {
      if (err instanceof RemotingCommandError) return badRequest(err);
      throw err;
    }
    locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
    return RemotingCommand.createResponse(ResponseCode.SUCCESS);
  };
}

import {
  EndTransactionRequestHeader,
  MessageConst,
  RemotingCommandError,
  ResponseCode,
  TransactionType,
} from '@rocketnest/common';
import { type RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { PutRefusal } from '../delay/delay-transform';
import type { SemanticsHost } from '../semantics-host';
import { finishInner, isPutStored, putStatusOf } from '../util/message-util';
import type { MessageExtBrokerInner } from '@rocketnest/common';
import type { TransactionalMessageService } from './transactional-message.service';

/**
 * END_TRANSACTION (37, sent oneway) — Java `EndTransactionProcessor`: unknown (0) does nothing; commit re-stores the
 * half message in its real topic/queue (sysFlag COMMIT, `PREPARED_TRANSACTION_OFFSET` = half offset) and then records
 * an op; rollback records an op only. The half message found at `commitLogOffset` must belong to `producerGroup` and
 * sit at `tranStateTableOffset`, else SYSTEM_ERROR (seen only when the request was not oneway).
 */
export function createEndTransactionProcessor(
  host: SemanticsHost,
  tx: TransactionalMessageService,
  applyDelay: (msg: MessageExtBrokerInner) => PutRefusal | undefined,
) {
  return async (request: RemotingCommand, _channel: RemotingChannel): Promise<RemotingCommand | null> => {
    const answer = (code: number, remark?: string): RemotingCommand | null =>
      request.isOneway() ? null : RemotingCommand.createResponse(code, remark);
    let header: EndTransactionRequestHeader;
    try {
      header = EndTransactionRequestHeader.decode(request.extFields);
    } catch (err) {
      if (err instanceof RemotingCommandError) return answer(ResponseCode.SYSTEM_ERROR, err.message);
      throw err;
    }
    if (host.brokerConfig.brokerRole === 'SLAVE') {
      return answer(ResponseCode.SLAVE_NOT_AVAILABLE, 'Could not find master broker');
    }
    const type = header.commitOrRollback;
    if (type !== TransactionType.COMMIT_TYPE && type !== TransactionType.ROLLBACK_TYPE)
      return answer(ResponseCode.SUCCESS);

    const half = await tx.lookHalfMessage(header.commitLogOffset);
    if (!half) return answer(ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
    if (half.getProperty(MessageConst.PGROUP) !== header.producerGroup) {
      return answer(ResponseCode.SYSTEM_ERROR, 'The producer group wrong');
    }
    if (half.queueOffset !== header.tranStateTableOffset) {
      return answer(ResponseCode.SYSTEM_ERROR, 'The transaction state table offset wrong');
    }
    if (half.commitLogOffset !== header.commitLogOffset) {
      return answer(ResponseCode.SYSTEM_ERROR, 'The commit log offset wrong');
    }

    if (type === TransactionType.COMMIT_TYPE) {
      const inner = tx.buildCommitMessage(half, header.tranStateTableOffset, header.commitLogOffset);
      const refusal = applyDelay(inner);
      if (refusal) return answer(refusal.code, refusal.remark);
      const result = await host.messageStore.putMessage(finishInner(inner));
      if (!isPutStored(result)) return answer(ResponseCode.SYSTEM_ERROR, putStatusOf(result));
    }
    const recorded = await tx.deletePrepareMessage(half);
    if (!recorded) return answer(ResponseCode.SYSTEM_ERROR, 'Could not record the end of the transaction');
    return answer(ResponseCode.SUCCESS);
  };
}

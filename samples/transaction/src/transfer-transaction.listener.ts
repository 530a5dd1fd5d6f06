import {
  RocketMQLocalTransactionState,
  RocketMQTransactionListener,
  type RocketMQLocalTransactionListener,
  type RocketMQMessage,
} from '@rocketnest/nestjs';
import { LedgerService } from './ledger.service';
import type { Transfer, TransferOutcome } from './transfer';

/**
 * The local half of the transaction: book the transfer, then tell the broker whether to deliver the message.
 * `unknown` books it but answers UNKNOWN, so the broker checks back and `checkLocalTransaction` commits it.
 */
@RocketMQTransactionListener()
export class TransferTransactionListener implements RocketMQLocalTransactionListener {
  constructor(private readonly ledger: LedgerService) {}

  executeLocalTransaction(message: RocketMQMessage<Buffer>, outcome: unknown): RocketMQLocalTransactionState {
    const transfer = JSON.parse(message.payload.toString('utf8')) as Transfer;
    switch (outcome as TransferOutcome) {
      case 'rollback':
        return RocketMQLocalTransactionState.ROLLBACK;
      case 'unknown':
        this.ledger.booked.set(transfer.id, transfer);
        return RocketMQLocalTransactionState.UNKNOWN;
      default:
        this.ledger.booked.set(transfer.id, transfer);
        return RocketMQLocalTransactionState.COMMIT;
    }
  }

  checkLocalTransaction(message: RocketMQMessage<Buffer>): RocketMQLocalTransactionState {
    const transfer = JSON.parse(message.payload.toString('utf8')) as Transfer;
    this.ledger.checks.set(transfer.id, (this.ledger.checks.get(transfer.id) ?? 0) + 1);
    return this.ledger.booked.has(transfer.id)
      ? RocketMQLocalTransactionState.COMMIT
      : RocketMQLocalTransactionState.ROLLBACK;
  }
}

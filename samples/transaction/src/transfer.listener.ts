import { Injectable } from '@nestjs/common';
import { RocketMQMessageListener, type RocketMQListener } from '@rocketnest/nestjs';
import { LedgerService } from './ledger.service';
import { TRANSFERS_TOPIC, type Transfer } from './transfer';

/** Downstream: sees only committed transfers. */
@Injectable()
@RocketMQMessageListener({ topic: TRANSFERS_TOPIC, consumerGroup: 'transaction-transfer-consumer' })
export class TransferListener implements RocketMQListener<Transfer> {
  constructor(private readonly ledger: LedgerService) {}

  onMessage(transfer: Transfer): void {
    this.ledger.announced.push(transfer);
  }
}

import { Body, Controller, Get, Post } from '@nestjs/common';
import { RocketMQTemplate } from '@rocketnest/nestjs';
import { LedgerService } from './ledger.service';
import { TRANSFERS_TOPIC, type Transfer, type TransferOutcome } from './transfer';

@Controller('transfers')
export class TransferController {
  constructor(
    private readonly template: RocketMQTemplate,
    private readonly ledger: LedgerService,
  ) {}

  @Post()
  async create(@Body() body: Transfer & { outcome?: TransferOutcome }): Promise<{ state: string }> {
    const { outcome = 'commit', ...transfer } = body;
    const result = await this.template.sendMessageInTransaction(TRANSFERS_TOPIC, transfer, outcome);
    return { state: result.localTransactionState };
  }

  /** Transfers consumers have seen (committed ones only). */
  @Get('announced')
  announced(): Transfer[] {
    return this.ledger.announced;
  }

  @Get('checks')
  checks(): Record<string, number> {
    return Object.fromEntries(this.ledger.checks);
  }
}

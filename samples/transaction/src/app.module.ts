import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RocketMQModule } from '@rocketnest/nestjs';
import { LedgerService } from './ledger.service';
import { TransferController } from './transfer.controller';
import { TransferListener } from './transfer.listener';
import { TransferTransactionListener } from './transfer-transaction.listener';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    RocketMQModule.forRoot({ producer: { group: 'transaction-producer' } }),
  ],
  controllers: [TransferController],
  providers: [LedgerService, TransferTransactionListener, TransferListener],
})
export class AppModule {}

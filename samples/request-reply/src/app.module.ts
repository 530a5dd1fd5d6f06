import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RocketMQModule } from '@rocketnest/nestjs';
import { QuoteController } from './quote.controller';
import { QuoteListener } from './quote.listener';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    RocketMQModule.forRoot({ producer: { group: 'request-reply-requester' } }),
  ],
  controllers: [QuoteController],
  providers: [QuoteListener],
})
export class AppModule {}

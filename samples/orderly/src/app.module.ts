import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RocketMQModule } from '@rocketnest/nestjs';
import { OrderController } from './order.controller';
import { OrderLogService } from './order-log.service';
import { OrderStepListener } from './order-step.listener';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    RocketMQModule.forRoot({ producer: { group: 'orderly-producer' } }),
  ],
  controllers: [OrderController],
  providers: [OrderLogService, OrderStepListener],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RocketMQModule } from '@rocketnest/nestjs';
import { GreetingController } from './greeting.controller';
import { GreetingListener } from './greeting.listener';
import { GreetingStore } from './greeting.store';

/**
 * `rocketmq.name-server` comes from the environment (ROCKETMQ_NAME_SERVER=127.0.0.1:9876) or a config file;
 * the producer group is given here.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    RocketMQModule.forRoot({ producer: { group: 'quickstart-producer' } }),
  ],
  controllers: [GreetingController],
  providers: [GreetingStore, GreetingListener],
})
export class AppModule {}

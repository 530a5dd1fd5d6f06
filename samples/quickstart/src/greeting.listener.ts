import { Injectable } from '@nestjs/common';
import { RocketMQMessageListener, type RocketMQListener } from '@rocketnest/nestjs';
import { GreetingDto } from './greeting.dto';
import { GreetingStore } from './greeting.store';

@Injectable()
@RocketMQMessageListener({
  topic: '${quickstart.topic:quickstart-greetings}',
  consumerGroup: 'quickstart-consumer',
  messageType: GreetingDto,
  validate: true,
})
export class GreetingListener implements RocketMQListener<GreetingDto> {
  constructor(private readonly store: GreetingStore) {}

  onMessage(greeting: GreetingDto): void {
    this.store.received.push(greeting);
  }
}

import { Body, Controller, Get, Post, ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RocketMQTemplate } from '@rocketnest/nestjs';
import { GreetingDto } from './greeting.dto';
import { GreetingStore } from './greeting.store';

@Controller('greetings')
export class GreetingController {
  private readonly topic: string;

  constructor(
    private readonly template: RocketMQTemplate,
    private readonly store: GreetingStore,
    config: ConfigService,
  ) {
    this.topic = config.get<string>('quickstart.topic') ?? 'quickstart-greetings';
  }

  /** Sends the greeting through RocketMQ; the listener stores it when it arrives. */
  @Post()
  async send(@Body(new ValidationPipe()) greeting: GreetingDto): Promise<{ msgId: string; status: string }> {
    const result = await this.template.syncSend(this.topic, greeting);
    return { msgId: result.msgId, status: result.sendStatus };
  }

  /** Everything the listener has consumed so far. */
  @Get()
  list(): GreetingDto[] {
    return this.store.received;
  }
}

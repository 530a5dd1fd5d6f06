import { Controller, Get, Param } from '@nestjs/common';
import { RocketMQTemplate } from '@rocketnest/nestjs';
import { QUOTE_REQUESTS_TOPIC, Quote } from './quote';

@Controller('quotes')
export class QuoteController {
  constructor(private readonly template: RocketMQTemplate) {}

  /** Asks the quote service over RocketMQ and waits for its reply (5 s at most). */
  @Get(':symbol')
  async quote(@Param('symbol') symbol: string): Promise<Quote & { text: string }> {
    const quote = await this.template.sendAndReceive<Quote>(QUOTE_REQUESTS_TOPIC, { symbol }, Quote, 5000);
    return { ...quote, text: quote.describe() } as Quote & { text: string };
  }
}

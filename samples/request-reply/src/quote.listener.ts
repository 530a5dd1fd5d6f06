import { Injectable } from '@nestjs/common';
import { RocketMQMessageListener, type RocketMQReplyListener } from '@rocketnest/nestjs';
import { QUOTE_REQUESTS_TOPIC, QuoteRequest, type Quote } from './quote';

/** Answers each quote request; what onMessage returns goes back to the requester. */
@Injectable()
@RocketMQMessageListener({
  topic: QUOTE_REQUESTS_TOPIC,
  consumerGroup: 'request-reply-quote-service',
  messageType: QuoteRequest,
})
export class QuoteListener implements RocketMQReplyListener<QuoteRequest, Omit<Quote, 'describe'>> {
  onMessage(request: QuoteRequest): Omit<Quote, 'describe'> {
    const price = [...request.symbol].reduce((sum, c) => sum + c.charCodeAt(0), 0) / 10;
    return { symbol: request.symbol, price, by: 'request-reply-quote-service' };
  }
}

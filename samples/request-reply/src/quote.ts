export class QuoteRequest {
  symbol!: string;
}

export class Quote {
  symbol!: string;
  price!: number;
  /** Who answered (the reply listener's group). */
  by!: string;

  /** Typed replies are real instances: methods work. */
  describe(): string {
    return `${this.symbol} @ ${this.price.toFixed(2)}`;
  }
}

export const QUOTE_REQUESTS_TOPIC = 'request-reply-quotes';

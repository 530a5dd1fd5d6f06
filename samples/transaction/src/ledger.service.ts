import { Injectable } from '@nestjs/common';
import type { Transfer } from './transfer';

/** The local database: transfers booked by the local transaction, and transfers announced to consumers. */
@Injectable()
export class LedgerService {
  readonly booked = new Map<string, Transfer>();
  readonly announced: Transfer[] = [];
  /** How often the broker asked about each transfer (check-backs). */
  readonly checks = new Map<string, number>();
}

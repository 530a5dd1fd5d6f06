/** A money transfer that must be announced only if it was booked locally. */
export interface Transfer {
  id: string;
  amount: number;
}

/** What the local transaction should do, chosen by the HTTP caller to show each outcome. */
export type TransferOutcome = 'commit' | 'rollback' | 'unknown';

export const TRANSFERS_TOPIC = 'transaction-transfers';

import type { MessageQueue } from '@rocketnest/common';
import { type AllocateMessageQueueStrategy, checkAllocateArguments } from './allocate-message-queue-strategy';

/**
 * Contiguous ranges (Java `AllocateMessageQueueAveragely`, the default): with n queues and m clients the first
 * `n % m` clients take `⌈n/m⌉` queues, the rest `⌊n/m⌋`; with n ≤ m each of the first n clients takes one.
 */
export class AllocateMessageQueueAveragely implements AllocateMessageQueueStrategy {
  readonly name = 'AVG';

  allocate(_group: string, currentCID: string, mqAll: MessageQueue[], cidAll: string[]): MessageQueue[] {
    if (!checkAllocateArguments(currentCID, mqAll, cidAll)) return [];
    const index = cidAll.indexOf(currentCID);
    const n = mqAll.length;
    const m = cidAll.length;
    const mod = n % m;
    const averageSize = n <= m ? 1 : mod > 0 && index < mod ? Math.trunc(n / m) + 1 : Math.trunc(n / m);
    const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
    const range = Math.min(averageSize, n - startIndex);
    const result: MessageQueue[] = [];
    for (let i = 0; i < range; i++) result.push(mqAll[startIndex + i]!);
    return result;
  }
}

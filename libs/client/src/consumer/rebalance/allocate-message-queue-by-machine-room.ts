import type { MessageQueue } from '@rocketnest/common';
import { type AllocateMessageQueueStrategy, checkAllocateArguments } from './allocate-message-queue-strategy';

/**
 * Only queues of brokers named `<room>@<name>` whose room is in `consumeridcs`, split in blocks with the remainder
 * dealt one each from the end (Java `AllocateMessageQueueByMachineRoom`).
 */
export class AllocateMessageQueueByMachineRoom implements AllocateMessageQueueStrategy {
  readonly name = 'MACHINE_ROOM';
  private readonly consumeridcs: Set<string>;

  constructor(consumeridcs: Iterable<string>) {
    this.consumeridcs = new Set(consumeridcs);
  }

  allocate(_group: string, currentCID: string, mqAll: MessageQueue[], cidAll: string[]): MessageQueue[] {
    if (!checkAllocateArguments(currentCID, mqAll, cidAll)) return [];
    const currentIndex = cidAll.indexOf(currentCID);
    const premqAll = mqAll.filter((mq) => {
      const parts = mq.brokerName.split('@');
      return parts.length === 2 && this.consumeridcs.has(parts[0]!);
    });
    const mod = Math.trunc(premqAll.length / cidAll.length);
    const rem = premqAll.length % cidAll.length;
    const startIndex = mod * currentIndex;
    const result = premqAll.slice(startIndex, startIndex + mod);
    if (rem > currentIndex) result.push(premqAll[currentIndex + mod * cidAll.length]!);
    return result;
  }
}

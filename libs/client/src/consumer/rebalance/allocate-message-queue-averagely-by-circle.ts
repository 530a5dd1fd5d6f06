import type { MessageQueue } from '@rocketnest/common';
import { type AllocateMessageQueueStrategy, checkAllocateArguments } from './allocate-message-queue-strategy';

/** Round robin: client i takes queues i, i+m, i+2m, ... (Java `AllocateMessageQueueAveragelyByCircle`). */
export class AllocateMessageQueueAveragelyByCircle implements AllocateMessageQueueStrategy {
  readonly name = 'AVG_BY_CIRCLE';

  allocate(_group: string, currentCID: string, mqAll: MessageQueue[], cidAll: string[]): MessageQueue[] {
    if (!checkAllocateArguments(currentCID, mqAll, cidAll)) return [];
    const index = cidAll.indexOf(currentCID);
    const result: MessageQueue[] = [];
    for (let i = index; i < mqAll.length; i++) {
      if (i % cidAll.length === index) result.push(mqAll[i]!);
    }
    return result;
  }
}

import type { MessageQueue } from '@rocketnest/common';
import type { AllocateMessageQueueStrategy } from './allocate-message-queue-strategy';

/**
 * A fixed list, whatever the group looks like (Java `AllocateMessageQueueByConfig`): every member gets the same
 * configured queues, so use it with a single consumer or per-client configuration.
 */
export class AllocateMessageQueueByConfig implements AllocateMessageQueueStrategy {
  readonly name = 'CONFIG';

  constructor(private readonly messageQueueList: MessageQueue[]) {}

  allocate(): MessageQueue[] {
    return [...this.messageQueueList];
  }
}

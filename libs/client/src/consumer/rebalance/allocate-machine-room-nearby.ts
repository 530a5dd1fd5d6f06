import type { MessageQueue } from '@rocketnest/common';
import { MQClientError } from '@rocketnest/common';
import { type AllocateMessageQueueStrategy, checkAllocateArguments } from './allocate-message-queue-strategy';

/** Tells which machine room a broker's queue and a consumer live in (Java `MachineRoomResolver`). Never empty. */
export interface MachineRoomResolver {
  brokerDeployIn(mq: MessageQueue): string;
  consumerDeployIn(clientId: string): string;
}

/**
 * Prefer same-room queues (Java `AllocateMachineRoomNearby`): a room's queues go to that room's consumers through the
 * inner strategy; queues of rooms with no live consumer are shared by the whole group.
 */
export class AllocateMachineRoomNearby implements AllocateMessageQueueStrategy {
  constructor(
    private readonly inner: AllocateMessageQueueStrategy,
    private readonly resolver: MachineRoomResolver,
  ) {}

  get name(): string {
    return `MACHINE_ROOM_NEARBY-${this.inner.name}`;
  }

  allocate(group: string, currentCID: string, mqAll: MessageQueue[], cidAll: string[]): MessageQueue[] {
    if (!checkAllocateArguments(currentCID, mqAll, cidAll)) return [];
    // Java uses TreeMaps, so the leftover rooms are visited in sorted order.
    const mr2Mq = new Map<string, MessageQueue[]>();
    for (const mq of mqAll) {
      const room = this.resolver.brokerDeployIn(mq);
      if (!room) throw new MQClientError(`Machine room is null for mq ${mq.topic}/${mq.brokerName}/${mq.queueId}`);
      let list = mr2Mq.get(room);
      if (!list) mr2Mq.set(room, (list = []));
      list.push(mq);
    }
    const mr2c = new Map<string, string[]>();
    for (const cid of cidAll) {
      const room = this.resolver.consumerDeployIn(cid);
      if (!room) throw new MQClientError(`Machine room is null for consumer id ${cid}`);
      let list = mr2c.get(room);
      if (!list) mr2c.set(room, (list = []));
      list.push(cid);
    }
    const result: MessageQueue[] = [];
    const currentRoom = this.resolver.consumerDeployIn(currentCID);
    const mqHere = mr2Mq.get(currentRoom);
    mr2Mq.delete(currentRoom);
    if (mqHere && mqHere.length > 0) {
      result.push(...this.inner.allocate(group, currentCID, mqHere, mr2c.get(currentRoom) ?? []));
    }
    for (const room of [...mr2Mq.keys()].sort()) {
      if (!mr2c.has(room)) result.push(...this.inner.allocate(group, currentCID, mr2Mq.get(room)!, cidAll));
    }
    return result;
  }
}

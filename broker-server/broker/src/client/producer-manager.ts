import type { RemotingChannel } from '@rocketnest/remoting';
import type { ClientChannelInfo } from './consumer-manager';

/** Producer groups and their connections (Java `ProducerManager`). */
export class ProducerManager {
  /** group → channel id → client. */
  readonly groupChannelTable = new Map<string, Map<string, ClientChannelInfo>>();
  /** clientId → channel (the latest connection that heartbeated with this id). */
  private readonly clientChannelTable = new Map<string, RemotingChannel>();

  constructor(private readonly channelExpiredTimeoutMs: () => number) {}

  registerProducer(group: string, info: ClientChannelInfo): void {
    let channels = this.groupChannelTable.get(group);
    if (!channels) {
      channels = new Map();
      this.groupChannelTable.set(group, channels);
    }
    const existing = channels.get(info.channel.id);
    if (existing && existing.clientId === info.clientId) existing.lastUpdateTimestamp = Date.now();
    else channels.set(info.channel.id, { ...info, lastUpdateTimestamp: Date.now() });
    this.clientChannelTable.set(info.clientId, info.channel);
  }

  unregisterProducer(group: string, clientId: string): void {
    const channels = this.groupChannelTable.get(group);
    if (!channels) return;
    for (const [id, info] of channels) {
      if (info.clientId === clientId) {
        channels.delete(id);
        if (this.clientChannelTable.get(clientId) === info.channel) this.clientChannelTable.delete(clientId);
      }
    }
    if (channels.size === 0) this.groupChannelTable.delete(group);
  }

  doChannelCloseEvent(channel: RemotingChannel): void {
    for (const [group, channels] of [...this.groupChannelTable]) {
      const info = channels.get(channel.id);
      if (info) {
        channels.delete(channel.id);
        if (this.clientChannelTable.get(info.clientId) === channel) this.clientChannelTable.delete(info.clientId);
      }
      if (channels.size === 0) this.groupChannelTable.delete(group);
    }
  }

  /** A live channel of the group, chosen at random (for CHECK_TRANSACTION_STATE). */
  getAvailableChannel(group: string): RemotingChannel | undefined {
    const channels = this.groupChannelTable.get(group);
    if (!channels) return undefined;
    const live = [...channels.values()].filter((c) => c.channel.isActive());
    if (live.length === 0) return undefined;
    return live[Math.floor(Math.random() * live.length)]!.channel;
  }

  /** The connection of a client id (request-reply pushes replies over it). */
  findChannel(clientId: string): RemotingChannel | undefined {
    const channel = this.clientChannelTable.get(clientId);
    return channel && channel.isActive() ? channel : undefined;
  }

  groupSize(): number {
    return this.groupChannelTable.size;
  }

  scanNotActiveChannel(now = Date.now()): RemotingChannel[] {
    const expired: RemotingChannel[] = [];
    const timeout = this.channelExpiredTimeoutMs();
    for (const channels of this.groupChannelTable.values()) {
      for (const info of channels.values()) if (now - info.lastUpdateTimestamp > timeout) expired.push(info.channel);
    }
    for (const channel of expired) this.doChannelCloseEvent(channel);
    return expired;
  }
}

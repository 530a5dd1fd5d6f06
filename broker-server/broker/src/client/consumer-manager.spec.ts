import type { SubscriptionData } from '@rocketnest/common';
import type { RemotingChannel } from '@rocketnest/remoting';
import { ConsumerManager, type ClientChannelInfo, type ConsumerGroupEvent } from './consumer-manager';
import { ProducerManager } from './producer-manager';

let seq = 0;
function channel(active = true): RemotingChannel {
  const id = `t${++seq}`;
  return { id, remoteAddr: `127.0.0.1:${seq}`, localAddr: '127.0.0.1:1', isActive: () => active, close: () => {} };
}
function info(ch: RemotingChannel, clientId: string): ClientChannelInfo {
  return { channel: ch, clientId, language: 'JAVA', version: 453, lastUpdateTimestamp: Date.now() };
}
function sub(topic: string, subVersion = 1): SubscriptionData {
  return { topic, subString: '*', tagsSet: [], codeSet: [], subVersion, expressionType: 'TAG', classFilterMode: false };
}

describe('ConsumerManager', () => {
  let events: [ConsumerGroupEvent, string, number][];
  let manager: ConsumerManager;
  beforeEach(() => {
    events = [];
    manager = new ConsumerManager(
      (e, g, chs) => events.push([e, g, chs.length]),
      () => 1000,
    );
  });
  const changes = (): [ConsumerGroupEvent, string, number][] => events.filter(([e]) => e === 'CHANGE');

  it('notifies the group when a member joins or the subscribed topics change, not on a plain refresh', () => {
    const a = channel();
    const b = channel();
    expect(manager.registerConsumer('G', info(a, 'a'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'X', [sub('T')], true)).toBe(
      true,
    );
    expect(changes()).toEqual([['CHANGE', 'G', 1]]);
    expect(manager.registerConsumer('G', info(a, 'a'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'X', [sub('T')], true)).toBe(
      false,
    );
    expect(changes()).toHaveLength(1);
    manager.registerConsumer('G', info(b, 'b'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'X', [sub('T')], true);
    expect(changes()).toEqual([
      ['CHANGE', 'G', 1],
      ['CHANGE', 'G', 2],
    ]);
    manager.registerConsumer('G', info(b, 'b'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'X', [sub('T'), sub('U')], true);
    expect(changes()).toHaveLength(3);
    expect(manager.findSubscriptionData('G', 'U')).toBeDefined();
    expect(manager.queryTopicConsumeByWho('U')).toEqual(new Set(['G']));
  });

  it('keeps the newer subVersion of a subscription', () => {
    const a = channel();
    manager.registerConsumer('G', info(a, 'a'), 'P', 'CLUSTERING', 'X', [sub('T', 5)], false);
    manager.registerConsumer('G', info(a, 'a'), 'P', 'CLUSTERING', 'X', [sub('T', 3)], false);
    expect(manager.findSubscriptionData('G', 'T')!.subVersion).toBe(5);
    manager.registerConsumer('G', info(a, 'a'), 'P', 'CLUSTERING', 'X', [sub('T', 9)], false);
    expect(manager.findSubscriptionData('G', 'T')!.subVersion).toBe(9);
  });

  it('drops a closed channel, notifies the rest, and removes an empty group', () => {
    const a = channel();
    const b = channel();
    manager.registerConsumer('G', info(a, 'a'), 'P', 'CLUSTERING', 'X', [sub('T')], true);
    manager.registerConsumer('G', info(b, 'b'), 'P', 'CLUSTERING', 'X', [sub('T')], true);
    events = [];
    manager.doChannelCloseEvent(a);
    expect(changes()).toEqual([['CHANGE', 'G', 1]]);
    manager.unregisterConsumer('G', 'b', true);
    expect(events.some(([e, g]) => e === 'UNREGISTER' && g === 'G')).toBe(true);
    expect(manager.getConsumerGroupInfo('G')).toBeUndefined();
  });

  it('expires members silent for longer than the channel expiry', () => {
    const a = channel();
    manager.registerConsumer('G', info(a, 'a'), 'P', 'CLUSTERING', 'X', [sub('T')], true);
    expect(manager.scanNotActiveChannel(Date.now() + 500)).toEqual([]);
    expect(manager.scanNotActiveChannel(Date.now() + 1500)).toEqual([a]);
    expect(manager.getConsumerGroupInfo('G')).toBeUndefined();
  });
});

describe('ProducerManager', () => {
  it('finds a live channel of a group and a client by id, and forgets closed or expired ones', () => {
    const pm = new ProducerManager(() => 1000);
    const a = channel();
    const dead = channel(false);
    pm.registerProducer('PG', info(dead, 'dead'));
    expect(pm.getAvailableChannel('PG')).toBeUndefined();
    pm.registerProducer('PG', info(a, 'a'));
    expect(pm.getAvailableChannel('PG')).toBe(a);
    expect(pm.findChannel('a')).toBe(a);
    pm.doChannelCloseEvent(a);
    expect(pm.findChannel('a')).toBeUndefined();
    expect(pm.scanNotActiveChannel(Date.now() + 2000)).toEqual([dead]);
    expect(pm.groupSize()).toBe(0);
  });
});

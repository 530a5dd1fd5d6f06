import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageQueue } from '@rocketnest/common';
import { compareMessageQueues } from '@rocketnest/common';
import {
  AllocateMachineRoomNearby,
  AllocateMessageQueueAveragely,
  AllocateMessageQueueAveragelyByCircle,
  AllocateMessageQueueByConfig,
  AllocateMessageQueueByMachineRoom,
  AllocateMessageQueueConsistentHash,
  type AllocateMessageQueueStrategy,
} from './index';

interface GoldenResult {
  strategy: string;
  params: { virtualNodeCnt?: number; messageQueueList?: MessageQueue[]; consumeridcs?: string[] };
  inputOrder: string;
  allocation: Record<string, MessageQueue[]>;
}
interface GoldenCase {
  id: number;
  consumerGroup: string;
  mqAll: MessageQueue[];
  cidAll: string[];
  brokerRoom?: Record<string, string>;
  consumerRoom?: Record<string, string>;
  results: GoldenResult[];
}

const golden = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'allocate.json'), 'utf8')) as {
  cases: GoldenCase[];
};

function strategyFor(c: GoldenCase, r: GoldenResult): AllocateMessageQueueStrategy {
  switch (r.strategy) {
    case 'AllocateMessageQueueAveragely':
      return new AllocateMessageQueueAveragely();
    case 'AllocateMessageQueueAveragelyByCircle':
      return new AllocateMessageQueueAveragelyByCircle();
    case 'AllocateMessageQueueConsistentHash':
      return new AllocateMessageQueueConsistentHash(r.params.virtualNodeCnt);
    case 'AllocateMessageQueueByConfig':
      return new AllocateMessageQueueByConfig(r.params.messageQueueList ?? []);
    case 'AllocateMessageQueueByMachineRoom':
      return new AllocateMessageQueueByMachineRoom(r.params.consumeridcs ?? []);
    case 'AllocateMachineRoomNearby':
      return new AllocateMachineRoomNearby(new AllocateMessageQueueAveragely(), {
        brokerDeployIn: (mq) => c.brokerRoom?.[mq.brokerName] ?? '',
        consumerDeployIn: (cid) => c.consumerRoom?.[cid] ?? '',
      });
    default:
      throw new Error(`unknown strategy ${r.strategy}`);
  }
}

describe('allocate strategies against Java 4.9.4 / 5.2.0 results', () => {
  const rows = golden.cases.flatMap((c) => c.results.map((r) => ({ c, r })));

  it('covers all six strategies', () => {
    expect(new Set(rows.map((x) => x.r.strategy)).size).toBe(6);
    expect(rows.length).toBeGreaterThan(400);
  });

  it.each(
    rows.map((x, i) => [
      `case ${x.c.id} ${x.r.strategy} ${JSON.stringify(x.r.params.virtualNodeCnt ?? '')} ${x.r.inputOrder} #${i}`,
      x,
    ]),
  )('%s', (_name, { c, r }) => {
    const sorted = r.inputOrder.startsWith('sorted');
    const mqAll = sorted ? [...c.mqAll].sort(compareMessageQueues) : c.mqAll;
    const cidAll = sorted ? [...c.cidAll].sort() : c.cidAll;
    const strategy = strategyFor(c, r);
    for (const [cid, expected] of Object.entries(r.allocation)) {
      expect(strategy.allocate(c.consumerGroup, cid, mqAll, cidAll)).toEqual(expected);
    }
  });

  it('gives nothing to a client id that is not in the list', () => {
    const mqs = [{ topic: 'T', brokerName: 'b', queueId: 0 }];
    expect(new AllocateMessageQueueAveragely().allocate('g', 'x@1', mqs, ['y@1'])).toEqual([]);
    expect(new AllocateMessageQueueConsistentHash().allocate('g', 'x@1', mqs, ['y@1'])).toEqual([]);
  });

  it('rejects empty inputs with a typed error', () => {
    expect(() => new AllocateMessageQueueAveragely().allocate('g', 'x', [], ['x'])).toThrow('mqAll');
  });
});

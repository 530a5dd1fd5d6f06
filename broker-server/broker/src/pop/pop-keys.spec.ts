import { messageQueue } from '@rocketnest/common';
import { AllocateMessageQueueAveragely } from '@rocketnest/client';
import { ExtraInfoError, appendInfo, buildExtraInfo, buildPopRetryTopic, parseExtraInfo, retryFlag } from './pop-keys';
import { allocate4Pop } from './query-assignment.processor';

describe('POP keys and handles', () => {
  it('names retry topics and flags them as Java KeyBuilder / ExtraInfoUtil do', () => {
    expect(buildPopRetryTopic('T', 'G', false)).toBe('%RETRY%G_T');
    expect(buildPopRetryTopic('T', 'G', true)).toBe('%RETRY%G+T');
    expect(retryFlag('T')).toBe('0');
    expect(retryFlag('%RETRY%G_T')).toBe('1');
    expect(retryFlag('%RETRY%G+T')).toBe('2');
  });

  it('builds and parses the 8-field POP_CK handle', () => {
    const h = buildExtraInfo(3, 1700000000000, 60000, 2, '%RETRY%G_T', 'broker-a', 0, 5);
    expect(h).toBe('3 1700000000000 60000 2 1 broker-a 0 5');
    expect(parseExtraInfo(h)).toEqual({
      ckStartOffset: 3,
      popTime: 1700000000000,
      invisibleTime: 60000,
      reviveQid: 2,
      retry: '1',
      brokerName: 'broker-a',
    });
    expect(() => parseExtraInfo('1 2 3')).toThrow(ExtraInfoError);
    expect(() => parseExtraInfo('a 2 3 4 0 b')).toThrow(ExtraInfoError);
    expect(() => parseExtraInfo('1 2 3 99999999999 0 b')).toThrow(ExtraInfoError);
  });

  it('appends info entries separated by ;', () => {
    expect(appendInfo(appendInfo('', 'T', 1, '0'), '%RETRY%G_T', 0, '4,5')).toBe('0 1 0;1 0 4,5');
  });
});

describe('allocate4Pop (Java QueryAssignmentProcessor)', () => {
  const mqs = [0, 1, 2, 3].map((q) => messageQueue('T', 'b', q));
  const avg = new AllocateMessageQueueAveragely();
  it('popShareQueueNum <= 0 or >= clients - 1: every queue as queueId -1', () => {
    for (const share of [-1, 0, 1, 8]) {
      const r = allocate4Pop(avg, 'G', 'c1', mqs, ['c1', 'c2'], share);
      expect(r.map((m) => m.queueId)).toEqual([-1, -1, -1, -1]);
    }
  });
  it('otherwise: own share plus the next popShareQueueNum clients’ shares', () => {
    const r = allocate4Pop(avg, 'G', 'c1', mqs, ['c1', 'c2', 'c3', 'c4'], 1);
    expect(r.map((m) => m.queueId)).toEqual([0, 1]);
    const last = allocate4Pop(avg, 'G', 'c4', mqs, ['c1', 'c2', 'c3', 'c4'], 1);
    expect(last.map((m) => m.queueId)).toEqual([3, 0]);
  });
  it('more clients than queues: one queue each, round robin', () => {
    const cids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    expect(allocate4Pop(avg, 'G', 'c6', mqs, cids, 1).map((m) => m.queueId)).toEqual([1]);
    expect(allocate4Pop(avg, 'G', 'zz', mqs, cids, 1)).toEqual([]);
  });
});

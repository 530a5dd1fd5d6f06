import { RequestCode, ResponseCode } from '@rocketnest/common';
import { RemotingCommand } from '@rocketnest/remoting';
import { createLockBatchMqProcessor, createUnlockBatchMqProcessor } from './lock-batch.processor';
import { RebalanceLockManager } from './rebalance-lock-manager';

const mq = (queueId: number, topic = 'T') => ({ topic, brokerName: 'broker-a', queueId });

describe('RebalanceLockManager', () => {
  let now = 1_000;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('gives each queue to one client until the lock expires', () => {
    const locks = new RebalanceLockManager({ lockMaxLiveTimeMs: 60_000, now: clock });
    expect(locks.tryLockBatch('G', [mq(0), mq(1)], 'c1')).toEqual([mq(0), mq(1)]);
    expect(locks.tryLockBatch('G', [mq(1), mq(2)], 'c2')).toEqual([mq(2)]);
    expect(locks.holderOf('G', mq(1))).toBe('c1');
    now += 60_000;
    expect(locks.tryLock('G', mq(1), 'c2')).toBe(false); // exactly at the limit it still holds (Java: > max)
    now += 1;
    expect(locks.tryLock('G', mq(1), 'c2')).toBe(true);
    expect(locks.holderOf('G', mq(1))).toBe('c2');
  });

  it('renews the holder on re-lock', () => {
    const locks = new RebalanceLockManager({ lockMaxLiveTimeMs: 100, now: clock });
    expect(locks.tryLock('G', mq(0), 'c1')).toBe(true);
    now += 90;
    expect(locks.tryLock('G', mq(0), 'c1')).toBe(true);
    now += 90; // 180 ms after the first lock, 90 after the renewal
    expect(locks.tryLock('G', mq(0), 'c2')).toBe(false);
    expect(locks.holderOf('G', mq(0))).toBe('c1');
  });

  it('keeps groups apart and unlocks only the holder', () => {
    const locks = new RebalanceLockManager({ now: clock });
    expect(locks.tryLock('G1', mq(0), 'c1')).toBe(true);
    expect(locks.tryLock('G2', mq(0), 'c2')).toBe(true);
    locks.unlockBatch('G1', [mq(0)], 'c2');
    expect(locks.holderOf('G1', mq(0))).toBe('c1');
    locks.unlockBatch('G1', [mq(0)], 'c1');
    expect(locks.holderOf('G1', mq(0))).toBeUndefined();
    expect(locks.tryLock('G1', mq(0), 'c3')).toBe(true);
  });

  it('reports whether a group still holds live locks', () => {
    const locks = new RebalanceLockManager({ lockMaxLiveTimeMs: 10, now: clock });
    expect(locks.isLockAllExpired('G')).toBe(true);
    locks.tryLock('G', mq(0, 'Orders'), 'c1');
    expect(locks.isLockAllExpired('G')).toBe(false);
    expect(locks.hasLiveLockOnTopic('G', 'Orders')).toBe(true);
    expect(locks.hasLiveLockOnTopic('G', 'Other')).toBe(false);
    now += 11;
    expect(locks.isLockAllExpired('G')).toBe(true);
  });
});

describe('LOCK_BATCH_MQ / UNLOCK_BATCH_MQ processors', () => {
  const channel = {
    id: 'c1',
    remoteAddr: '127.0.0.1:1',
    localAddr: '127.0.0.1:2',
    isActive: () => true,
    close: () => {},
  };
  const body = (clientId: string, queues: number[]) =>
    Buffer.from(
      JSON.stringify({
        clientId,
        consumerGroup: 'fx_orderly_group',
        mqSet: queues.map((q) => ({ brokerName: 'broker-a', queueId: q, topic: 'FxOrderTopic' })),
        onlyThisBroker: false,
      }),
    );

  it('answers the Java body shape with the queues now held', () => {
    const locks = new RebalanceLockManager();
    const lock = createLockBatchMqProcessor(locks);
    const unlock = createUnlockBatchMqProcessor(locks);
    const r1 = lock(RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ, {}, body('a', [0])), channel);
    expect(r1.code).toBe(ResponseCode.SUCCESS);
    expect(r1.body!.toString()).toBe('{"lockOKMQSet":[{"brokerName":"broker-a","queueId":0,"topic":"FxOrderTopic"}]}');
    const r2 = lock(RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ, {}, body('b', [0, 1])), channel);
    expect(JSON.parse(r2.body!.toString())).toEqual({
      lockOKMQSet: [{ brokerName: 'broker-a', queueId: 1, topic: 'FxOrderTopic' }],
    });
    const r3 = unlock(RemotingCommand.createRequest(RequestCode.UNLOCK_BATCH_MQ, {}, body('a', [0])), channel);
    expect(r3.code).toBe(ResponseCode.SUCCESS);
    expect(r3.body).toBeUndefined();
    expect(locks.holderOf('fx_orderly_group', mq(0, 'FxOrderTopic'))).toBeUndefined();
  });

  it('rejects a malformed body with SYSTEM_ERROR and a reason', () => {
    const lock = createLockBatchMqProcessor(new RebalanceLockManager());
    const r = lock(RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ, {}, Buffer.from('{"clientId":1')), channel);
    expect(r.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r.remark).toBeTruthy();
    const r2 = lock(RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ, {}), channel);
    expect(r2.remark).toMatch(/body is empty/);
  });
});

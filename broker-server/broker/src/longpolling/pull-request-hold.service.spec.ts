import type { RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import { PullRequestHoldService, type PullRequest } from './pull-request-hold.service';

function channel(): RemotingChannel {
  return { id: 'c1', remoteAddr: '127.0.0.1:1', localAddr: '127.0.0.1:2', isActive: () => true, close: () => {} };
}

function pull(offset: number, timeoutMillis: number, codes?: number[]): PullRequest {
  return {
    request: {} as RemotingCommand,
    channel: channel(),
    timeoutMillis,
    suspendTimestamp: Date.now(),
    pullFromThisOffset: offset,
    messageFilter: {
      isMatchedByConsumeQueue: (code) => !codes || code === undefined || code === null || codes.includes(code),
      isMatchedByCommitLog: () => true,
    },
  };
}

describe('PullRequestHoldService', () => {
  let maxOffset: number;
  let executed: PullRequest[];
  let service: PullRequestHoldService;
  beforeEach(() => {
    maxOffset = 0;
    executed = [];
    service = new PullRequestHoldService({
      getMaxOffsetInQueue: () => maxOffset,
      executeRequestWhenWakeup: (p) => executed.push(p),
      checkIntervalMs: () => 60_000,
    });
    service.start();
  });
  afterEach(() => service.shutdown());

  it('wakes a held pull when a matching message arrives, and keeps it for a non-matching tag', () => {
    const p = pull(0, 10_000, [111]);
    service.suspendPullRequest('T', 0, p);
    service.notifyMessageArriving('T', 0, 1, 222);
    expect(executed).toHaveLength(0);
    expect(service.size).toBe(1);
    service.notifyMessageArriving('T', 0, 2, 111);
    expect(executed).toEqual([p]);
    expect(service.size).toBe(0);
  });

  it('ignores arrivals on other queues and offsets not beyond the pull offset', () => {
    service.suspendPullRequest('T', 0, pull(5, 10_000));
    service.notifyMessageArriving('T', 1, 9, 1);
    service.notifyMessageArriving('U', 0, 9, 1);
    service.notifyMessageArriving('T', 0, 5, 1);
    expect(executed).toHaveLength(0);
  });

  it('answers a held pull when its hold time ends', async () => {
    const p = pull(0, 30);
    const t0 = Date.now();
    service.suspendPullRequest('T', 0, p);
    await new Promise<void>((resolve) => {
      const check = (): void => (executed.length > 0 ? resolve() : void setTimeout(check, 5));
      check();
    });
    expect(executed).toEqual([p]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('wakes a pull at once when a message landed between its empty read and its registration', async () => {
    maxOffset = 1; // the queue grew while the pull that read offset 0 was on its way to being held
    const p = pull(0, 10_000);
    service.suspendPullRequest('T', 0, p);
    await Promise.resolve();
    expect(executed).toEqual([p]);
    expect(service.size).toBe(0);
  });

  it('the periodic re-check wakes pulls whose queue grew', () => {
    service.suspendPullRequest('T', 3, pull(0, 10_000));
    service.checkHoldRequest();
    expect(executed).toHaveLength(0);
    maxOffset = 1;
    service.checkHoldRequest();
    expect(executed).toHaveLength(1);
  });

  it('answers every held pull at shutdown', () => {
    service.suspendPullRequest('T', 0, pull(0, 10_000));
    service.suspendPullRequest('T', 1, pull(0, 10_000));
    service.shutdown();
    expect(executed).toHaveLength(2);
  });
});

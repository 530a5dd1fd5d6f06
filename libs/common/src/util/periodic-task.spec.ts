import { PeriodicTask, sleep } from './periodic-task';

async function until(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await sleep(2);
  }
}

describe('PeriodicTask', () => {
  it('runs after the initial delay, then every interval, and stop() ends it', async () => {
    let runs = 0;
    const task = new PeriodicTask('t', 20, () => void runs++, undefined, 0).start();
    await until(() => runs >= 3);
    await task.stop();
    const after = runs;
    await sleep(60);
    expect(runs).toBe(after);
  });

  it('never overlaps itself; a wakeup during a round runs one more round right after it', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: () => void = () => undefined;
    const task = new PeriodicTask(
      't',
      60_000,
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
        active--;
      },
      undefined,
      0,
    ).start();
    await until(() => runs === 1);
    task.wakeup();
    task.wakeup();
    release();
    await until(() => runs === 2);
    await sleep(30);
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    await task.stop();
  });

  it('reports errors and keeps looping', async () => {
    const errors: Array<[unknown, string]> = [];
    let runs = 0;
    const task = new PeriodicTask(
      'failing',
      5,
      () => {
        runs++;
        throw new Error(`boom ${runs}`);
      },
      (err, name) => errors.push([err, name]),
      0,
    ).start();
    await until(() => runs >= 2);
    await task.stop();
    expect(errors[0]![1]).toBe('failing');
    expect((errors[0]![0] as Error).message).toBe('boom 1');
  });

  it('ignores wakeup before start and a second start, and stop() waits for the running round', async () => {
    let runs = 0;
    let finished = false;
    const task = new PeriodicTask('t', 60_000, async () => {
      runs++;
      await sleep(30);
      finished = true;
    });
    task.wakeup();
    await sleep(20);
    expect(runs).toBe(0);
    task.start();
    task.start();
    task.wakeup();
    await until(() => runs === 1);
    await task.stop();
    expect(finished).toBe(true);
    expect(runs).toBe(1);
  });
});

describe('sleep', () => {
  it('resolves early when its signal aborts', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = sleep(10_000, ac.signal);
    ac.abort();
    await p;
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

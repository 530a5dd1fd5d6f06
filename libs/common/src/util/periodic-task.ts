/**
 * A loop owned by whoever started it (Java `ServiceThread` / a scheduled executor): runs `task` every `intervalMs`
 * after `initialDelayMs`, never overlapping itself, with `wakeup()` to run a round early and `stop()` that waits for a
 * running round. Errors go to `onError` and never stop the loop. Timers are unref'd: a loop alone keeps no process alive.
 * Used by the client's route/heartbeat/rebalance loops and the store's flush and clean-up services.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;
  private wakeupPending = false;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<void> | void,
    private readonly onError: (err: unknown, name: string) => void = () => undefined,
    private readonly initialDelayMs = intervalMs,
  ) {}

  /** Schedules the first round after `initialDelayMs`. A second call, or a call after `stop()`, does nothing. */
  start(): this {
    if (this.started || this.stopped) return this;
    this.started = true;
    this.schedule(this.initialDelayMs);
    return this;
  }

  /** Runs the task as soon as the current round (if any) ends; ignored before `start()` and after `stop()`. */
  wakeup(): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.wakeupPending = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runOnce(), Math.max(0, delayMs));
    this.timer.unref?.();
  }

  private runOnce(): void {
    this.timer = undefined;
    if (this.stopped || this.running) return;
    const round = (async () => {
      try {
        await this.task();
      } catch (err) {
        this.onError(err, this.name);
      }
    })();
    this.running = round;
    void round.then(() => {
      this.running = undefined;
      const again = this.wakeupPending;
      this.wakeupPending = false;
      this.schedule(again ? 0 : this.intervalMs);
    });
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

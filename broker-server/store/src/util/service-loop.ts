/**
 * A periodic background task (Java `ServiceThread`): runs `task` every `intervalMs`, or sooner on `wakeup()`. One run
 * at a time; `stop()` waits for the running one. Errors are reported to `onError` and the loop goes on.
 */
export class ServiceLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeupPending = false;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly onError: (name: string, err: unknown) => void,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.intervalMs);
  }

  /** Runs the task as soon as the current run (if any) ends. */
  wakeup(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeupPending = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runOnce();
    }, delay);
  }

  private runOnce(): void {
    if (this.stopped || this.running) return;
    this.running = this.task()
      .catch((err: unknown) => this.onError(this.name, err))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.wakeupPending;
        this.wakeupPending = false;
        this.schedule(again ? 0 : this.intervalMs);
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) await this.running;
  }
}

/** A sleep that `wake()` or `cancel()` ends early; each waiter owns one (Java `ServiceThread.waitForRunning`). */
export class AbortableSleep {
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;
  private woken = false;

  /** Sleeps up to `ms`; returns at once if `wake()` was called since the last sleep. */
  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.finish(), Math.max(0, ms));
    });
  }

  /** Ends the current sleep, or makes the next one return at once. */
  wake(): void {
    if (this.resolve) this.finish();
    else this.woken = true;
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const resolve = this.resolve;
    this.resolve = undefined;
    this.woken = false;
    resolve?.();
  }
}

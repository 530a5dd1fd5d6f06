/** Counting semaphore with timed acquire (Java `Semaphore.tryAcquire(timeout)`), FIFO waiters. */
export class Semaphore {
  private waiters: Array<{ grant: () => void; timer: NodeJS.Timeout }> = [];

  constructor(private permits: number) {}

  get available(): number {
    return this.permits;
  }

  tryAcquire(): boolean {
    if (this.permits > 0) {
      this.permits--;
      return true;
    }
    return false;
  }

  /** Resolves true with a permit, or false when none came within `timeoutMs`. */
  acquire(timeoutMs: number): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(true);
        },
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.permits++;
  }
}

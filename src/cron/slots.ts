/** @module A counting semaphore for concurrent cron runs: timer runs take a free slot or wait for the next wake; manual runs queue. */

/** At most `size` holders at once; a released slot passes straight to the oldest waiter. */
export class RunSlots {
  private held = 0;
  private readonly waiters: Array<() => void> = [];

  /**
   * @param size number of slots, at least 1.
   * @throws {RangeError} when `size` is not a positive integer.
   */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`maxConcurrentRuns: must be a positive integer (got ${size})`);
  }

  /** Slots in use. */
  get inUse(): number {
    return this.held;
  }

  /** Whether a slot is free and nobody is queued for it. */
  get free(): boolean {
    return this.held < this.size && this.waiters.length === 0;
  }

  /** Takes a slot if one is free; false otherwise. */
  tryAcquire(): boolean {
    if (!this.free) return false;
    this.held++;
    return true;
  }

  /** Takes a slot, waiting in line when none is free. */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Gives a slot back (to the oldest waiter, if any). */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = Math.max(0, this.held - 1);
  }
}

/**
 * @module The host-call budget of one sandbox: the per-minute call rate (extensions.md §10 layer 7,
 * the security module's 60 s sliding window on the injected clock) and the per-session write cap
 * (layer 9).
 */
import { SlidingWindowLimiter } from "../security/rate-limiter.ts";

const WINDOW_MS = 60_000;

/** Host operations that write to the graph. */
const WRITES: ReadonlySet<string> = new Set(["createTriple", "deleteTriple"]);

/** Counts one sandbox's host calls and refuses those over its limits. */
export class HostCallBudget {
  private readonly rate: SlidingWindowLimiter;
  private writes = 0;

  constructor(
    private readonly maxCallsPerMinute: number,
    private readonly maxWritesPerSession: number,
    now: () => number,
  ) {
    this.rate = new SlidingWindowLimiter(maxCallsPerMinute, WINDOW_MS, now);
  }

  /**
   * Admits one call of `op` and counts it, or refuses it without counting (a write over the cap is
   * refused as a write whatever the rate).
   * @returns undefined when admitted, else why it was refused.
   */
  admit(op: string): string | undefined {
    const write = WRITES.has(op);
    if (write && this.writes >= this.maxWritesPerSession) {
      return `write limit: more than ${this.maxWritesPerSession} writes in this session`;
    }
    if (!this.rate.take("host")) return `rate limit: more than ${this.maxCallsPerMinute} host calls per minute`;
    if (write) this.writes += 1;
    return undefined;
  }
}

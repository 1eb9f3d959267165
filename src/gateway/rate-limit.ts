/** @module Failed-auth rate limiting per remote address: N failures in a sliding window lock the address out. */

/** Limiter settings (config `gateway.auth.rateLimit`). */
export interface RateLimitOptions {
  /** Failures allowed inside the window. @default 10 */
  maxAttempts: number;
  /** Sliding window. @default 60000 */
  windowMs: number;
  /** Lockout once the limit is hit. @default 300000 */
  lockoutMs: number;
  /** Loopback addresses are never limited. @default true */
  exemptLoopback: boolean;
}

interface Bucket {
  failures: number[];
  lockedUntil: number;
}

/** At most this many addresses are tracked; unlocked ones are pruned first. */
const MAX_TRACKED = 10_000;

/** Tracks failed authentications per address. */
export class AuthRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimitOptions, private readonly now: () => number = Date.now) {}

  /** Milliseconds until `address` may try again, or 0 when it may try now. */
  retryAfterMs(address: string, isLoopback: boolean): number {
    if (isLoopback && this.options.exemptLoopback) return 0;
    const bucket = this.buckets.get(address);
    if (!bucket) return 0;
    return Math.max(0, bucket.lockedUntil - this.now());
  }

  /** Records a failure; returns the lockout length when this failure locked the address. */
  recordFailure(address: string, isLoopback: boolean): number {
    if (isLoopback && this.options.exemptLoopback) return 0;
    const now = this.now();
    let bucket = this.buckets.get(address);
    if (!bucket) {
      if (this.buckets.size >= MAX_TRACKED) this.prune(now);
      bucket = { failures: [], lockedUntil: 0 };
      this.buckets.set(address, bucket);
    }
    bucket.failures = bucket.failures.filter((t) => now - t < this.options.windowMs);
    bucket.failures.push(now);
    if (bucket.failures.length >= this.options.maxAttempts) {
      bucket.lockedUntil = now + this.options.lockoutMs;
      bucket.failures = [];
      return this.options.lockoutMs;
    }
    return 0;
  }

  /** A success clears the address's failures. */
  recordSuccess(address: string): void {
    const bucket = this.buckets.get(address);
    if (bucket && bucket.lockedUntil <= this.now()) this.buckets.delete(address);
  }

  private prune(now: number): void {
    for (const [address, bucket] of this.buckets) {
      if (bucket.lockedUntil <= now) this.buckets.delete(address); // locked addresses are never evicted
      if (this.buckets.size < MAX_TRACKED / 2) return;
    }
  }
}

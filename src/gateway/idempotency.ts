/** @module The idempotency dedupe cache: a retry with the same key gets the first response, even while it is still running. */
import type { ErrorShape } from "../protocol/index.ts";

/**
 * A response to replay. A two-phase method (`agent`) answers an ack first and carries its `final`
 * response, sent later on the same request id.
 */
export type Outcome = ({ ok: true; payload: unknown } | { ok: false; error: ErrorShape; payload?: unknown }) & { final?: Promise<Outcome> };

interface Entry {
  at: number;
  outcome: Promise<Outcome>;
}

/** Options of {@link DedupeCache}. */
export interface DedupeOptions {
  /** @default 300000 (5 min) */
  ttlMs?: number;
  /** Oldest entries are evicted past this count. @default 1000 */
  maxEntries?: number;
  now?: () => number;
}

/** A bounded, time-limited map from `method:idempotencyKey` to the first outcome. */
export class DedupeCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor({ ttlMs = 5 * 60_000, maxEntries = 1000, now = Date.now }: DedupeOptions = {}) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.now = now;
  }

  /** The stored outcome for `key`, if still fresh. */
  get(key: string): Promise<Outcome> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.outcome;
  }

  /**
   * Runs `produce` once per key and remembers its outcome; retryable failures are forgotten so a
   * retry can succeed.
   */
  run(key: string, produce: () => Promise<Outcome>): Promise<Outcome> {
    const cached = this.get(key);
    if (cached) return cached;
    const outcome = produce();
    this.entries.set(key, { at: this.now(), outcome });
    this.evict();
    void outcome.then(
      (o) => {
        // Forget a retryable failure, unless a newer run already took the key.
        if (!o.ok && o.error.retryable && this.entries.get(key)?.outcome === outcome) this.entries.delete(key);
      },
      () => this.entries.delete(key),
    );
    return outcome;
  }

  /** Replaces the stored outcome of `key` (a two-phase method's final answer replaces its ack). */
  replace(key: string, outcome: Outcome): void {
    const entry = this.entries.get(key);
    if (entry) entry.outcome = Promise.resolve(outcome);
  }

  /** Number of entries held. */
  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && now - entry.at < this.ttlMs) break;
      this.entries.delete(key);
    }
  }
}

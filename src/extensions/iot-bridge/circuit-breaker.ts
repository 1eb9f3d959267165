/**
 * @module One node's circuit breaker (extensions.md §2): closed → open after `threshold` consecutive failures;
 * while open every call fails at once; once `resetMs` has passed the next call is let through (half-open), and
 * `halfOpenSuccesses` successes in a row close it again while any failure re-opens it. The clock is injected.
 */

/** The breaker's state. */
export type BreakerState = "closed" | "open" | "half-open";

/** The breaker's numbers (defaults from extensions.md §2: 5 failures, 30 s, 2 successes). */
export interface BreakerOptions {
  threshold: number;
  resetMs: number;
  halfOpenSuccesses: number;
}

/** What a caller sees of a breaker. */
export interface BreakerSnapshot {
  state: BreakerState;
  failures: number;
  /** When an open breaker lets the next call through (ms since the epoch). */
  retryAt?: number;
}

/** Thrown, without any request, for a call to a node whose breaker is open. */
export class CircuitOpenError extends Error {
  constructor(readonly nodeId: string, readonly retryAt: number) {
    super(`node "${nodeId}" is unavailable: its circuit breaker is open after repeated failures (next try after ${new Date(retryAt).toISOString()})`);
    this.name = "CircuitOpenError";
  }
}

/** A circuit breaker guarding one node. */
export class CircuitBreaker {
  private current: BreakerState = "closed";
  private failures = 0;
  private successes = 0;
  private openedAt = 0;

  constructor(private readonly nodeId: string, private readonly options: BreakerOptions, private readonly now: () => number = Date.now) {}

  /** The state now (an open breaker past its reset time reads half-open). */
  get state(): BreakerState {
    if (this.current === "open" && this.now() >= this.openedAt + this.options.resetMs) {
      this.current = "half-open";
      this.successes = 0;
    }
    return this.current;
  }

  /**
   * Asks to make a call.
   * @throws {CircuitOpenError} while the breaker is open
   */
  admit(): void {
    if (this.state === "open") throw new CircuitOpenError(this.nodeId, this.openedAt + this.options.resetMs);
  }

  /** Records a successful call. */
  success(): void {
    if (this.state === "half-open") {
      if (++this.successes < this.options.halfOpenSuccesses) return;
      this.current = "closed";
    }
    this.failures = 0;
  }

  /** Records a failed call. */
  failure(): void {
    const state = this.state;
    this.failures++;
    if (state === "half-open" || (state === "closed" && this.failures >= this.options.threshold)) this.trip();
  }

  /**
   * A liveness probe (the background poll) saw the node answer: an open breaker turns half-open at once, so the
   * node is tried again without waiting out the reset time, and closes after the usual successes.
   */
  probeSucceeded(): void {
    if (this.state !== "open") return;
    this.current = "half-open";
    this.successes = 0;
  }

  /** The state for status output. */
  snapshot(): BreakerSnapshot {
    const state = this.state;
    return { state, failures: this.failures, ...(state === "open" && { retryAt: this.openedAt + this.options.resetMs }) };
  }

  private trip(): void {
    this.current = "open";
    this.openedAt = this.now();
    this.successes = 0;
  }
}

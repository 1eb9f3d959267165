/**
 * @module The host's circuit breaker, offered to plugins as `api.createCircuitBreaker` (extensions.md §2, and layer
 * 14 of §10): closed → open after `failureThreshold` consecutive failures; while open every call fails at once
 * with a {@link CircuitOpenError}; once `resetMs` has passed calls are let through again (half-open), and
 * `successesToClose` successes in a row close it while any failure re-opens it for another `resetMs`. A liveness
 * probe that saw the backend answer may turn an open breaker half-open early. The clock is injectable.
 */

/** The breaker's state. */
export type CircuitState = "closed" | "open" | "half-open";

/** A breaker's settings; the numbers default to extensions.md §2 (5 failures, 30 s, 2 successes). */
export interface CircuitBreakerOptions {
  /** What the breaker guards, as its open error names it (e.g. `node "edge-1"`). Default: `backend`. */
  name?: string;
  /** Consecutive failures that open a closed breaker. Default: 5. */
  failureThreshold?: number;
  /** How long an open breaker refuses calls before it turns half-open (ms). Default: 30 000. */
  resetMs?: number;
  /** Successes in a row that close a half-open breaker. Default: 2. */
  successesToClose?: number;
  /** The clock (ms since the epoch). Default: `Date.now`. */
  now?: () => number;
}

/** What a caller sees of a breaker, e.g. for status output. */
export interface CircuitSnapshot {
  state: CircuitState;
  /** Consecutive failures so far (kept while open, cleared when a success is recorded). */
  failures: number;
  /** When an open breaker lets the next call through (ms since the epoch); only while open. */
  retryAt?: number;
}

/** Thrown, without calling anything, for a call through an open breaker. */
export class CircuitOpenError extends Error {
  constructor(readonly target: string, readonly retryAt: number) {
    super(`${target} is unavailable: its circuit breaker is open after repeated failures (next try after ${new Date(retryAt).toISOString()})`);
    this.name = "CircuitOpenError";
  }
}

/** A three-state circuit breaker around one backend. */
export class CircuitBreaker {
  private readonly name: string;
  private readonly failureThreshold: number;
  private readonly resetMs: number;
  private readonly successesToClose: number;
  private readonly now: () => number;
  private current: CircuitState = "closed";
  private failures = 0;
  private successes = 0;
  private openedAt = 0;

  /** @param options the guarded backend's name, the numbers and the clock; every field has a default */
  constructor(options: CircuitBreakerOptions = {}) {
    this.name = options.name ?? "backend";
    this.failureThreshold = options.failureThreshold ?? 5;
    this.resetMs = options.resetMs ?? 30_000;
    this.successesToClose = options.successesToClose ?? 2;
    this.now = options.now ?? Date.now;
  }

  /** The state now (an open breaker past its reset time reads half-open). */
  get state(): CircuitState {
    if (this.current === "open" && this.now() >= this.openedAt + this.resetMs) this.halfOpen();
    return this.current;
  }

  /**
   * Runs `fn` through the breaker, recording its outcome (any throw is a failure).
   * @throws {CircuitOpenError} at once, without calling `fn`, while open; otherwise whatever `fn` throws
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.admit();
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      this.failure();
      throw err;
    }
    this.success();
    return result;
  }

  /**
   * Asks to make a call, for a caller that records outcomes itself with {@link success} and {@link failure}.
   * @throws {CircuitOpenError} while the breaker is open
   */
  admit(): void {
    if (this.state === "open") throw new CircuitOpenError(this.name, this.openedAt + this.resetMs);
  }

  /** Records a successful call: clears the failures; in half-open, counts towards closing. */
  success(): void {
    if (this.state === "half-open") {
      if (++this.successes < this.successesToClose) return;
      this.current = "closed";
    }
    this.failures = 0;
  }

  /** Records a failed call: opens a closed breaker at the threshold, and a half-open one at once. */
  failure(): void {
    const state = this.state;
    this.failures++;
    if (state === "half-open" || (state === "closed" && this.failures >= this.failureThreshold)) this.trip();
  }

  /**
   * A liveness probe saw the backend answer: an open breaker turns half-open at once, so the backend is tried again
   * without waiting out the reset time, and closes after the usual successes. No effect unless open.
   */
  probeSucceeded(): void {
    if (this.state === "open") this.halfOpen();
  }

  /** The state, the failure count and, while open, when the next call is let through. */
  snapshot(): CircuitSnapshot {
    const state = this.state;
    return { state, failures: this.failures, ...(state === "open" && { retryAt: this.openedAt + this.resetMs }) };
  }

  private halfOpen(): void {
    this.current = "half-open";
    this.successes = 0;
  }

  private trip(): void {
    this.current = "open";
    this.openedAt = this.now();
    this.successes = 0;
  }
}

/**
 * @module The circuit breaker for remote backends (extensions.md §10, layer 14; numbers from §2): closed → open
 * after `failureThreshold` consecutive failures; while open `run` fails at once with {@link BreakerOpenError};
 * after `resetMs` one trial call is let through (half-open) and `successesToClose` successes close it, while any
 * failure re-opens it. The skills plugin has no remote backend yet (the graph is the embedded store); a future
 * Cortex-over-REST client must wrap every call in `run`.
 */

/** The breaker's state. */
export type CircuitState = "closed" | "open" | "half-open";

/** The breaker's numbers; defaults 5 failures, 30 s, 2 successes (extensions.md §2). */
export interface CircuitBreakerOptions {
  failureThreshold?: number;
  resetMs?: number;
  successesToClose?: number;
  now?: () => number;
}

/** Thrown by `run` without calling anything while the breaker is open. */
export class BreakerOpenError extends Error {
  constructor(readonly retryAt: number) {
    super(`backend unavailable: circuit breaker open (next try after ${new Date(retryAt).toISOString()})`);
    this.name = "BreakerOpenError";
  }
}

/** A three-state circuit breaker around one remote backend. */
export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly resetMs: number;
  private readonly successesToClose: number;
  private readonly now: () => number;
  private mode: CircuitState = "closed";
  private consecutiveFailures = 0;
  private halfOpenSuccesses = 0;
  private retryAt = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.resetMs = options.resetMs ?? 30_000;
    this.successesToClose = options.successesToClose ?? 2;
    this.now = options.now ?? Date.now;
  }

  /** The state now: an open breaker whose reset time has passed reads half-open. */
  get state(): CircuitState {
    if (this.mode === "open" && this.now() >= this.retryAt) {
      this.mode = "half-open";
      this.halfOpenSuccesses = 0;
    }
    return this.mode;
  }

  /**
   * Runs `fn` through the breaker, recording its outcome.
   * @throws {BreakerOpenError} at once while open; otherwise whatever `fn` throws
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.state === "open") throw new BreakerOpenError(this.retryAt);
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      this.recordFailure();
      throw err;
    }
    this.recordSuccess();
    return result;
  }

  private recordSuccess(): void {
    if (this.mode === "half-open" && ++this.halfOpenSuccesses < this.successesToClose) return;
    this.mode = "closed";
    this.consecutiveFailures = 0;
  }

  private recordFailure(): void {
    this.consecutiveFailures++;
    if (this.mode === "half-open" || this.consecutiveFailures >= this.failureThreshold) {
      this.mode = "open";
      this.retryAt = this.now() + this.resetMs;
      this.halfOpenSuccesses = 0;
    }
  }
}

/**
 * @module The resilient path to one node: its client behind its own circuit breaker (the host's, so one dead node
 * never trips another) with retries, backoff and jitter. Every attempt asks the breaker first, so once it opens —
 * even between two retries — the call fails fast with the host's `CircuitOpenError` and no request is sent.
 */
import type { CircuitBreaker, CircuitBreakerOptions } from "../../plugins/api.ts";
import { AingleClient, isUnreachable, type ClientOptions } from "./client.ts";
import { withRetries, type RetryOptions, type Sleep } from "./retry.ts";

/** How calls to a node are made resilient. */
export interface ResilienceOptions {
  client: ClientOptions;
  breaker: Pick<CircuitBreakerOptions, "failureThreshold" | "resetMs" | "successesToClose">;
  retry: RetryOptions;
}

/** Time and randomness, injectable for tests. */
export interface LinkDeps {
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
}

/** Makes a breaker: the host's `api.createCircuitBreaker`. */
export type BreakerFactory = (options: CircuitBreakerOptions) => CircuitBreaker;

/** One node's client, breaker and retry policy. */
export class NodeLink {
  readonly client: AingleClient;
  readonly breaker: CircuitBreaker;

  /** @param createBreaker makes the node's breaker (the host's `api.createCircuitBreaker`) */
  constructor(nodeId: string, url: string, private readonly options: ResilienceOptions, createBreaker: BreakerFactory, private readonly deps: LinkDeps = {}) {
    this.client = new AingleClient(url, options.client);
    this.breaker = createBreaker({ ...options.breaker, name: `node "${nodeId}"`, ...(deps.now && { now: deps.now }) });
  }

  /**
   * Runs `fn` on the client through the breaker with retries.
   * @throws {CircuitOpenError} at once while the breaker is open
   * @throws {IotRequestError} the last failure once the retries are used up
   */
  call<T>(fn: (client: AingleClient) => Promise<T>): Promise<T> {
    return withRetries(async () => {
      this.breaker.admit();
      try {
        const result = await fn(this.client);
        this.breaker.success();
        return result;
      } catch (err) {
        // A node that answered (4xx, success: false) is up: only unreachability counts against it.
        if (isUnreachable(err)) this.breaker.failure();
        else this.breaker.success();
        throw err;
      }
    }, { ...this.options.retry, retryable: isUnreachable, ...(this.deps.sleep && { sleep: this.deps.sleep }), ...(this.deps.random && { random: this.deps.random }) });
  }
}

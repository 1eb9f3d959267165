/**
 * @module Retries of a streamed model call: only failures before the first event (never after
 * partial output), waiting `retry-after` or an exponential backoff with full jitter.
 */
import { isProviderError, isProviderNetworkError } from "./errors.ts";
import type { ModelEvent, ModelProvider, ModelRequest } from "./types.ts";

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** Retries after the first attempt; default 3. */
  retries?: number;
  /** Backoff base in ms (doubles per attempt); default 500. */
  baseMs?: number;
  /** Backoff ceiling in ms; default 8000. */
  maxMs?: number;
  /** A `retry-after` longer than this is not waited for: the error is thrown (so failover can act); default 60000. */
  maxRetryAfterMs?: number;
  /** Aborting stops a wait at once (throws `signal.reason`). */
  signal?: AbortSignal;
  /** Injectable wait; default `setTimeout`. Aborts are honoured even if it ignores the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable jitter source in [0, 1); default `Math.random`. */
  random?: () => number;
  /** Called before each wait. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** True for an error worth retrying: `ProviderError.retryable` or any `ProviderNetworkError`. */
export function isRetryable(error: unknown): boolean {
  return isProviderNetworkError(error) || (isProviderError(error) && error.retryable);
}

/**
 * Runs `call` and re-runs it when it fails retryably before yielding anything. Once an item was
 * yielded, any error is passed on as is: a partial answer is never repeated.
 *
 * @param call Starts one attempt (`attempt` counts from 0).
 * @param options `retries` = 3, `baseMs` = 500, `maxMs` = 8000, `maxRetryAfterMs` = 60000, `signal`, `sleep`, `random`, `onRetry`.
 * @throws The last error when retries are exhausted or the error is not retryable; `signal.reason` on abort.
 */
export async function* withRetries<T>(
  call: (attempt: number) => AsyncIterable<T>,
  options: RetryOptions = {},
): AsyncGenerator<T, void, undefined> {
  const { retries = 3, baseMs = 500, maxMs = 8000, maxRetryAfterMs = 60_000, signal, sleep = defaultSleep, random = Math.random } = options;
  for (let attempt = 0; ; attempt++) {
    let yielded = false;
    try {
      for await (const item of call(attempt)) {
        yielded = true;
        yield item;
      }
      return;
    } catch (error) {
      if (yielded || attempt >= retries || signal?.aborted || !isRetryable(error)) throw error;
      const retryAfterMs = isProviderError(error) ? error.retryAfterMs : undefined;
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) throw error;
      const delayMs = retryAfterMs ?? Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await raceAbort(sleep(delayMs, signal), signal);
    }
  }
}

/**
 * Streams `request` through `provider` with {@link withRetries}; the request's `signal` is used
 * unless `options.signal` is given.
 * @example
 * for await (const event of streamWithRetries(provider, request, { retries: 2 })) handle(event);
 */
export function streamWithRetries(
  provider: ModelProvider,
  request: ModelRequest,
  options: RetryOptions = {},
): AsyncGenerator<ModelEvent, void, undefined> {
  const signal = options.signal ?? request.signal;
  return withRetries(() => provider.stream(request), signal ? { ...options, signal } : options);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Settles with `promise`, or rejects with `signal.reason` as soon as the signal aborts. */
function raceAbort(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

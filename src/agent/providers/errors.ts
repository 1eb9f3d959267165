/**
 * @module Provider errors, kept apart (style.md §4.5): `ProviderError` = the provider answered and
 * said no; `ProviderNetworkError` = we could not reach it or the stream was cut. Neither message
 * ever contains an API key.
 */

/** Retryable HTTP statuses: timeout, conflict/lock, rate limit, server errors (529 = overloaded). */
const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);
/** Provider error types (Anthropic names, OpenAI codes) that mean "try again later". */
const RETRYABLE_TYPES = new Set(["overloaded_error", "api_error", "rate_limit_error", "timeout_error", "server_error", "rate_limit_exceeded"]);

/** What a provider said when it refused a call. */
export interface ProviderErrorInit {
  /** Provider id (`anthropic`, `openrouter`). */
  provider: string;
  /** Model id at the provider. */
  model: string;
  /** HTTP status; for an error inside a 200 stream, the numeric code it carried (OpenRouter) or `undefined`. */
  status?: number;
  /** The provider's error type or code (`overloaded_error`, `invalid_api_key`). */
  type?: string;
  /** The provider's message (already free of secrets). */
  message: string;
  /** Wait asked for by `retry-after-ms` / `retry-after`. */
  retryAfterMs?: number;
  /** Overrides the status/type rule (the `x-should-retry` header). */
  retryable?: boolean;
}

/**
 * The provider answered with an error: an HTTP error status, or an `error` event after HTTP 200.
 * Message: `anthropic/claude-x failed (429 rate_limit_error): Number of requests has exceeded…`.
 */
export class ProviderError extends Error {
  override readonly name = "ProviderError" as const;
  /** Provider id. */
  readonly provider: string;
  /** Model id at the provider. */
  readonly model: string;
  /** HTTP status; for an in-stream error, its numeric code (OpenRouter) or `undefined`. */
  readonly status: number | undefined;
  /** Provider error type or code. */
  readonly type: string | undefined;
  /** The provider's own message. */
  readonly providerMessage: string;
  /** True for 408/409/429/5xx/overloaded: the same call may succeed later. */
  readonly retryable: boolean;
  /** How long the provider asked us to wait, in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(init: ProviderErrorInit) {
    const code = [init.status, init.type].filter((part) => part !== undefined && part !== "").join(" ");
    super(`${init.provider}/${init.model} failed${code ? ` (${code})` : ""}: ${init.message}`);
    this.provider = init.provider;
    this.model = init.model;
    this.status = init.status;
    this.type = init.type;
    this.providerMessage = init.message;
    this.retryable =
      init.retryable ??
      ((init.status !== undefined && RETRYABLE_STATUS.has(init.status)) ||
        (init.type !== undefined && RETRYABLE_TYPES.has(init.type)));
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * We could not reach the provider, or the stream was cut before its end marker.
 * Message: `anthropic/claude-x: stream ended before message_stop`,
 * `openai/gpt-x: could not reach the provider (ECONNREFUSED)`. The original error is `cause`.
 */
export class ProviderNetworkError extends Error {
  override readonly name = "ProviderNetworkError" as const;
  /** Provider id. */
  readonly provider: string;
  /** Model id at the provider. */
  readonly model: string;

  constructor(provider: string, model: string, reason: string, options: { cause?: unknown } = {}) {
    const code = errorCode(options.cause);
    super(`${provider}/${model}: ${reason}${code ? ` (${code})` : ""}`, { cause: options.cause });
    this.provider = provider;
    this.model = model;
  }
}

/** Refusal to build a provider: bad model ref, unknown provider, bad config. */
export class ProviderConfigError extends Error {
  override readonly name = "ProviderConfigError" as const;
}

/** True for a {@link ProviderError}, also across realms (compares `name`). */
export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError || (error instanceof Error && error.name === "ProviderError");
}

/** True for a {@link ProviderNetworkError}, also across realms (compares `name`). */
export function isProviderNetworkError(error: unknown): error is ProviderNetworkError {
  return error instanceof ProviderNetworkError || (error instanceof Error && error.name === "ProviderNetworkError");
}

/** True for an abort (`AbortError`, or a `TimeoutError` from `AbortSignal.timeout`). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

/** Why a failed call may move on to the next model, or `undefined` when it must not. */
export type FailoverReason = "auth" | "billing" | "rate_limit" | "overloaded" | "timeout" | "network";

/**
 * Classifies an error for model failover (agent.md §4.1: auth, rate-limit and timeout errors;
 * overloaded/5xx and unreachable providers count too). A 400-class request error returns
 * `undefined`: the next model would get the same bad request.
 */
export function failoverReason(error: unknown): FailoverReason | undefined {
  if (isProviderNetworkError(error)) return "network";
  if (!isProviderError(error)) return undefined;
  const { status, type } = error;
  if (status === 401 || status === 403 || type === "authentication_error" || type === "permission_error") return "auth";
  if (status === 402 || type === "billing_error" || type === "insufficient_quota") return "billing";
  if (status === 429 || type === "rate_limit_error" || type === "rate_limit_exceeded") return "rate_limit";
  if (status === 408 || status === 504 || type === "timeout_error") return "timeout";
  if (status === 529 || type === "overloaded_error" || (status !== undefined && status >= 500) || error.retryable) return "overloaded";
  return undefined;
}

/**
 * Reads `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date).
 * @param now Clock for HTTP dates; default `Date.now()`.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const after = headers.get("retry-after");
  if (after === null || after.trim() === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Replaces every occurrence of `secret` (when set and at least 4 chars) with `[redacted]`. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < 4) return text;
  return text.split(secret).join("[redacted]");
}

/** A short, secret-free code of a low-level error (`ECONNREFUSED`), when it has one. */
function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== "object" || cause === null) return undefined;
  const code = (cause as { code?: unknown }).code;
  return typeof code === "string" && /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : undefined;
}

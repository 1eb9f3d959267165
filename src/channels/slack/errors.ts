/**
 * @module Slack Web API failures, split into "Slack said no" ({@link SlackApiError}, an `ok:false`
 * body) and "we could not reach Slack" ({@link SlackNetworkError}: connection failures, HTTP errors,
 * rate limits). The original @slack/web-api error is kept as `cause`; tokens never appear in messages.
 */

/** Slack answered `{ok:false, error}`. */
export class SlackApiError extends Error {
  override readonly name = "SlackApiError";
  constructor(
    readonly method: string,
    readonly error: string,
    options?: { cause?: unknown },
  ) {
    super(`Call to '${method}' failed (${error})`, options);
  }
}

/** Slack could not be reached or answered with an HTTP error. */
export class SlackNetworkError extends Error {
  override readonly name = "SlackNetworkError";
  constructor(
    readonly method: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Network request for '${method}' failed${detail ? ` (${detail})` : ""}`, options);
  }
}

/** Platform errors that retrying cannot fix: the adapter goes to `error` instead of reconnecting. */
export const FATAL_SLACK_ERRORS: ReadonlySet<string> = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "not_allowed_token_type",
  "missing_scope",
]);

/** Maps an error thrown by @slack/web-api for `method` to {@link SlackApiError} or {@link SlackNetworkError}. */
export function toSlackError(method: string, err: unknown): SlackApiError | SlackNetworkError {
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; retryAfter?: number };
  if (e?.code === "slack_webapi_platform_error") return new SlackApiError(method, e.data?.error ?? "unknown_error", { cause: err });
  const detail =
    e?.code === "slack_webapi_http_error"
      ? `HTTP ${e.statusCode ?? "error"}`
      : e?.code === "slack_webapi_rate_limited_error"
        ? `rate limited, retry after ${e.retryAfter ?? "?"}s`
        : "";
  return new SlackNetworkError(method, detail, { cause: err });
}

/** Whether `err` means the credentials or app setup are wrong (no point reconnecting). */
export function isFatalSlackError(err: unknown): boolean {
  return err instanceof SlackApiError && FATAL_SLACK_ERRORS.has(err.error);
}

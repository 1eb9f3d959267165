/** @module The handshake's auth failures as wire errors, with the v4 `details.code` values (protocol-v4.md §6). */
import { GatewayError } from "../protocol/index.ts";
import type { AuthFailureReason } from "./auth.ts";

const DETAIL_CODES: Record<AuthFailureReason | "rate_limited", string> = {
  token_missing: "AUTH_TOKEN_MISSING",
  token_mismatch: "AUTH_TOKEN_MISMATCH",
  token_missing_config: "AUTH_TOKEN_NOT_CONFIGURED",
  password_missing: "AUTH_PASSWORD_MISSING",
  password_mismatch: "AUTH_PASSWORD_MISMATCH",
  password_missing_config: "AUTH_PASSWORD_NOT_CONFIGURED",
  rate_limited: "AUTH_RATE_LIMITED",
};

const MESSAGES: Record<AuthFailureReason, string> = {
  token_missing: "unauthorized: gateway token missing (set auth.token to this gateway's token; see `mayros token`)",
  token_mismatch: "unauthorized: gateway token mismatch (use this gateway's token; see `mayros token`)",
  token_missing_config: "unauthorized: gateway token not configured on the gateway",
  password_missing: "unauthorized: gateway password missing",
  password_mismatch: "unauthorized: gateway password mismatch",
  password_missing_config: "unauthorized: gateway password not configured on the gateway",
};

/** The error for a failed shared-secret check. */
export function authFailedError(reason: AuthFailureReason): GatewayError {
  const configProblem = reason.endsWith("_config");
  return new GatewayError("INVALID_REQUEST", MESSAGES[reason], {
    details: {
      code: DETAIL_CODES[reason],
      authReason: reason,
      canRetryWithDeviceToken: false,
      recommendedNextStep: configProblem ? "update_auth_configuration" : "update_auth_credentials",
    },
  });
}

/** The error for an address locked out after too many failures. */
export function rateLimitedError(retryAfterMs: number): GatewayError {
  return new GatewayError("INVALID_REQUEST", "unauthorized: too many failed authentication attempts (retry later)", {
    details: { code: DETAIL_CODES.rate_limited, authReason: "rate_limited", canRetryWithDeviceToken: false, recommendedNextStep: "wait_then_retry" },
    retryable: true,
    retryAfterMs,
  });
}

/**
 * @module Credential checks of `connect`: the shared token/password, else a device token for the
 * device that signed this connect. Each kind has its own failed-auth rate-limit bucket.
 */
import { GatewayError, type ConnectAuth } from "../protocol/index.ts";
import type { PairingStore } from "../devices/pairing-store.ts";
import { authorizeShared, type AuthSettings } from "./auth.ts";
import { authFailedError, rateLimitedError } from "./auth-errors.ts";
import type { Connection } from "./connection.ts";
import type { AuthRateLimiter } from "./rate-limit.ts";

/** What the credential check needs. */
export interface CredentialDeps {
  auth: () => AuthSettings;
  sharedLimiter: AuthRateLimiter;
  deviceTokenLimiter: AuthRateLimiter;
  pairing: PairingStore;
  onLockout: (address: string, lockoutMs: number) => void;
}

/** A verified signer of this connect, when it sent a device block. */
export interface SignedDevice {
  deviceId: string;
}

/**
 * Authenticates a connect.
 * @returns the auth method (`token`, `password`, `none` or `device-token`).
 * @throws {GatewayError} `INVALID_REQUEST` with the v4 auth details codes; `retryable` when rate limited.
 */
export function checkCredentials(
  conn: Connection, auth: ConnectAuth | undefined, device: SignedDevice | undefined, role: string, scopes: readonly string[],
  deps: CredentialDeps,
): string {
  const address = conn.remoteAddress;
  const wait = deps.sharedLimiter.retryAfterMs(address, conn.isLoopback);
  if (wait > 0) throw rateLimitedError(wait);
  const shared = authorizeShared(deps.auth(), auth);
  if (shared.ok) {
    deps.sharedLimiter.recordSuccess(address);
    return shared.method;
  }
  const deviceToken = auth?.deviceToken ?? auth?.token;
  if (device && deviceToken) {
    const method = checkDeviceToken(conn, device.deviceId, role, deviceToken, scopes, deps);
    if (method) return method;
    if (auth?.deviceToken) throw deviceTokenMismatch();
  }
  const lockout = deps.sharedLimiter.recordFailure(address, conn.isLoopback);
  if (lockout > 0) deps.onLockout(address, lockout);
  const error = authFailedError(shared.reason);
  // The v4 client retries once with its stored device token when it signed and sent only a token.
  if (shared.reason === "token_mismatch" && device && auth?.token && !auth.deviceToken) {
    const details = error.options.details!;
    details.canRetryWithDeviceToken = true;
    details.recommendedNextStep = "retry_with_device_token";
  }
  throw error;
}

function checkDeviceToken(
  conn: Connection, deviceId: string, role: string, token: string, scopes: readonly string[], deps: CredentialDeps,
): string | null {
  const wait = deps.deviceTokenLimiter.retryAfterMs(conn.remoteAddress, conn.isLoopback);
  if (wait > 0) throw rateLimitedError(wait);
  if (deps.pairing.verifyToken(deviceId, role, token, scopes)) {
    deps.deviceTokenLimiter.recordSuccess(conn.remoteAddress);
    return "device-token";
  }
  const lockout = deps.deviceTokenLimiter.recordFailure(conn.remoteAddress, conn.isLoopback);
  if (lockout > 0) deps.onLockout(conn.remoteAddress, lockout);
  return null;
}

function deviceTokenMismatch(): GatewayError {
  return new GatewayError("INVALID_REQUEST", "unauthorized: device token mismatch (pair this device again)", {
    details: { code: "AUTH_DEVICE_TOKEN_MISMATCH", authReason: "device_token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
  });
}

/**
 * @module The `connect` params a {@link GatewayClient} sends: client info, role and scopes, the
 * credentials chosen by precedence (protocol.md §2.6) and, with an identity, the signed device block.
 */
import {
  CLI_DEFAULT_SCOPES, MAX_PROTOCOL_VERSION, MIN_PROTOCOL_VERSION,
  type ClientInfo, type ConnectAuth, type ConnectParams, type ErrorShape, type Role,
} from "../protocol/index.ts";
import { signDeviceProof, type DeviceIdentity } from "../devices/client-identity.ts";
import { loadDeviceToken } from "../devices/device-auth-store.ts";
import { signedToken } from "../devices/identity.ts";
import { VERSION } from "../version.ts";

/** What shapes the `connect` params (a subset of the client options). */
export interface ConnectParamsOptions {
  token?: string;
  password?: string;
  /** @default CLI_DEFAULT_SCOPES for operators, [] for nodes */
  scopes?: string[];
  /** @default "operator" */
  role?: Role;
  /** Overrides of the default client info `{id: "cli", mode: "cli", version, platform}`. */
  client?: Partial<ClientInfo>;
  caps?: string[];
  commands?: string[];
  permissions?: Record<string, boolean>;
  pathEnv?: string;
  /** Signs the challenge nonce into `params.device` when given. */
  identity?: DeviceIdentity;
  /** Where stored device tokens live (`<stateDir>/identity/device-auth.json`); none are used without it. */
  stateDir?: string;
  /** Payload version of the device signature. @default 3 */
  signatureVersion?: 2 | 3;
}

/** The `connect.challenge` the gateway sent (fields may be missing on old gateways). */
export interface Challenge {
  nonce?: string;
  ts?: number;
}

/** Which credential a connect carries. */
export type AuthSource = "explicit" | "device-token" | "none";

/** Built `connect` params and where their credential came from. */
export interface BuiltConnect {
  params: ConnectParams;
  authSource: AuthSource;
}

/**
 * Builds the `connect` params. Credentials: an explicit token or password wins; otherwise the
 * stored device token for (deviceId, role) is sent (as `auth.token`, which Mayros gateways try as
 * a device token when it is not the shared secret, and as `auth.deviceToken` for v4 gateways).
 */
export function buildConnectParams(opts: ConnectParamsOptions, challenge: Challenge, now: number = Date.now()): BuiltConnect {
  const role: Role = opts.role ?? "operator";
  const scopes = opts.scopes ?? (role === "node" ? [] : [...CLI_DEFAULT_SCOPES]);
  const client: ClientInfo = { id: "cli", version: VERSION, platform: process.platform, mode: "cli", ...opts.client };
  let auth: ConnectAuth = {};
  let authSource: AuthSource = "none";
  if (opts.token !== undefined || opts.password !== undefined) {
    auth = { ...(opts.token !== undefined && { token: opts.token }), ...(opts.password !== undefined && { password: opts.password }) };
    authSource = "explicit";
  } else if (opts.identity && opts.stateDir) {
    const stored = loadDeviceToken(opts.stateDir, opts.identity.deviceId, role);
    if (stored) {
      auth = { token: stored.token, deviceToken: stored.token };
      authSource = "device-token";
    }
  }
  const params: ConnectParams = {
    minProtocol: MIN_PROTOCOL_VERSION,
    maxProtocol: MAX_PROTOCOL_VERSION,
    client,
    role,
    scopes,
    auth,
    ...(opts.caps && { caps: opts.caps }),
    ...(opts.commands && { commands: opts.commands }),
    ...(opts.permissions && { permissions: opts.permissions }),
    ...(opts.pathEnv !== undefined && { pathEnv: opts.pathEnv }),
  };
  if (opts.identity) {
    const ts = challenge.ts;
    const signedAt = typeof ts === "number" && Number.isSafeInteger(ts) && ts >= 0 ? ts : now;
    params.device = signDeviceProof(opts.identity, {
      client, role, scopes, token: signedToken(auth), nonce: challenge.nonce ?? "", signedAt, version: opts.signatureVersion ?? 3,
    });
  }
  return { params, authSource };
}

/** Details code a gateway may put on a refused device token. */
export const DEVICE_TOKEN_MISMATCH_CODE = "AUTH_DEVICE_TOKEN_MISMATCH";

/** Whether a close (1008 "device token mismatch") means the stored device token is no longer valid. */
export function isDeviceTokenMismatchClose(code: number, reason: string): boolean {
  return code === 1008 && reason.toLowerCase().includes("device token mismatch");
}

/** Whether a connect error means the stored device token is no longer valid. */
export function isDeviceTokenMismatchError(error: ErrorShape): boolean {
  const details = error.details as { code?: unknown } | undefined;
  return details?.code === DEVICE_TOKEN_MISMATCH_CODE || error.message.toLowerCase().includes("device token mismatch");
}

/**
 * @module The first frame of every socket: it must be a valid `connect`. Negotiates the protocol
 * version, authenticates, and answers `hello-ok` in the negotiated version's shape; every failure
 * answers an error where the frame had an id and closes the socket (protocol-v4.md §2).
 */
import {
  CloseCode, ConnectParams, GatewayError, MAX_PROTOCOL_VERSION, MIN_PROBE_PROTOCOL_VERSION, RequestFrame,
  firstError, matches, negotiateProtocol, limits, type Policy, type ProtocolVersion, type Role,
} from "../protocol/index.ts";
import type { ConnectParams as ConnectParamsT } from "../protocol/connect.ts";
import { verifyDeviceProof } from "../devices/identity.ts";
import { checkCredentials, type CredentialDeps } from "./connect-auth.ts";
import type { Connection, Identity } from "./connection.ts";
import { admitDevice, PairingRequired, type DeviceGateDeps } from "./device-gate.ts";
import type { GatewayServices } from "./context.ts";
import { buildHello } from "./hello.ts";

/** What the handshake needs from the gateway. */
export interface HandshakeDeps {
  services: GatewayServices;
  credentials: CredentialDeps;
  deviceGate: DeviceGateDeps;
  policy: () => Policy;
  methods: () => string[];
  /** Called after authentication, before hello-ok (registers nodes, mints canvas capabilities). */
  onAuthenticated: (conn: Connection) => void;
  /** Called once the connection is open and hello-ok was sent. */
  onOpen: (conn: Connection) => void;
}

/** A handshake rejection: the error to answer (if the frame had an id) and the close code. */
class Rejection {
  constructor(readonly error: GatewayError | null, readonly closeCode: number, readonly reason: string) {}
}

const reject = (error: GatewayError, closeCode: number = CloseCode.POLICY_VIOLATION) => new Rejection(error, closeCode, error.message);

/** Processes the first frame of `conn` (signature checks are asynchronous; the socket waits in `authenticating`). */
export async function handleFirstFrame(conn: Connection, text: string, deps: HandshakeDeps): Promise<void> {
  let id: string | null = null;
  try {
    if (Buffer.byteLength(text) > limits.MAX_PREAUTH_PAYLOAD_BYTES) throw new Rejection(null, CloseCode.TOO_BIG, "preauth payload too large");
    const frame = parseFrame(text);
    const rawId = (frame as { id?: unknown }).id;
    if (typeof rawId === "string" && rawId.length > 0) id = rawId;
    if (!matches(RequestFrame, frame)) throw reject(new GatewayError("INVALID_REQUEST", `invalid request frame: ${firstError(RequestFrame, frame)}`));
    if (frame.method !== "connect") throw reject(new GatewayError("INVALID_REQUEST", "invalid handshake: first request must be connect"));
    conn.state = "authenticating";
    const identity = await authenticate(conn, frame.params, deps);
    if (conn.state !== "authenticating") return; // closed (or timed out) while verifying
    conn.identity = identity;
    deps.onAuthenticated(conn);
    conn.state = "open";
    conn.clearHandshakeTimer();
    conn.respondOk(frame.id, buildHello(conn, deps.services, deps.methods(), deps.policy()));
    deps.onOpen(conn);
  } catch (err) {
    if (!(err instanceof Rejection)) throw err;
    if (conn.state === "closed") return;
    if (err.error && id) conn.respondError(id, err.error.toShape());
    deps.services.log.info("handshake rejected", { conn: conn.id, ip: conn.remoteAddress, code: err.closeCode, reason: err.reason });
    conn.close(err.closeCode, err.reason);
  }
}

function parseFrame(text: string): object {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    throw new Rejection(null, CloseCode.POLICY_VIOLATION, "invalid frame: not JSON");
  }
  if (typeof frame !== "object" || frame === null || Array.isArray(frame)) {
    throw new Rejection(null, CloseCode.POLICY_VIOLATION, "invalid request frame");
  }
  return frame;
}

/** Methods a remote connect without a device identity may call (Decision, see the spec decisions). */
const DEVICELESS_REMOTE_METHODS: ReadonlySet<string> = new Set(["health", "status"]);

async function authenticate(conn: Connection, rawParams: unknown, deps: HandshakeDeps): Promise<Identity> {
  const problem = firstError(ConnectParams, rawParams);
  if (problem) throw reject(new GatewayError("INVALID_REQUEST", `invalid connect params: ${problem}`));
  const params = rawParams as ConnectParamsT;
  if (params.client.mode === "worker" || params.client.id === "openclaw-worker" || params.role === "worker") {
    // protocol-v4.md §3: the close reason is exactly "invalid-handshake" (workers use their own endpoint).
    const error = new GatewayError("INVALID_REQUEST", "invalid-handshake: workers do not connect on this socket");
    throw new Rejection(error, CloseCode.POLICY_VIOLATION, "invalid-handshake");
  }
  const protocol = negotiate(params);
  const role = params.role ?? "operator";
  if (role !== "operator" && role !== "node") throw reject(new GatewayError("INVALID_REQUEST", "invalid role"));
  const signedScopes = params.scopes ?? [];
  const scopes = role === "node" ? [] : signedScopes;
  const device = params.device
    ? await guardedAsync(verifyDeviceProof({ device: params.device, client: params.client, role, scopes: signedScopes, auth: params.auth, nonce: conn.nonce }))
    : undefined;
  const authMethod = guarded(() => checkCredentials(conn, params.auth, device, role, scopes, deps.credentials));
  const identity: Identity = {
    protocol, role, scopes: new Set(scopes), client: params.client, caps: params.caps ?? [],
    commands: params.commands ?? [], permissions: params.permissions ?? {}, authMethod,
  };
  if (!device) return admitDeviceless(conn, identity);
  identity.deviceId = device.deviceId;
  try {
    const issued = admitDevice({
      deviceId: device.deviceId, publicKey: device.publicKey.toString("base64url"), client: params.client, role, scopes,
      remoteIp: conn.remoteAddress, isLocal: conn.isLocal, protocol, authMethod,
    }, deps.deviceGate);
    if (issued) identity.issuedToken = { token: issued.token, issuedAtMs: issued.rotatedAtMs ?? issued.createdAtMs };
  } catch (err) {
    if (err instanceof PairingRequired) throw new Rejection(err.error, CloseCode.POLICY_VIOLATION, err.closeReason);
    throw err;
  }
  return identity;
}

/**
 * A connect without a device identity: nodes need one; operators keep their scopes over a local
 * connection, and a remote one may only call `health` and `status`.
 */
function admitDeviceless(conn: Connection, identity: Identity): Identity {
  if (identity.role === "node") {
    throw reject(new GatewayError("NOT_PAIRED", "device identity required", { details: { code: "DEVICE_IDENTITY_REQUIRED" } }));
  }
  if (conn.isLocal) return identity;
  return { ...identity, scopes: new Set(), methodAllowlist: DEVICELESS_REMOTE_METHODS };
}

/** Awaits a check whose GatewayError rejects the handshake with close 1008. */
async function guardedAsync<T>(check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (err) {
    if (err instanceof GatewayError) throw reject(err);
    throw err;
  }
}

/** Runs a check whose GatewayError rejects the handshake with close 1008. */
function guarded<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof GatewayError) throw reject(err);
    throw err;
  }
}

function negotiate(params: ConnectParamsT): ProtocolVersion {
  const protocol = negotiateProtocol(params.minProtocol, params.maxProtocol);
  if (protocol !== null) return protocol;
  throw reject(
    new GatewayError("INVALID_REQUEST", "protocol mismatch", {
      details: {
        code: "PROTOCOL_MISMATCH", clientMinProtocol: params.minProtocol, clientMaxProtocol: params.maxProtocol,
        expectedProtocol: MAX_PROTOCOL_VERSION, minimumProbeProtocol: MIN_PROBE_PROTOCOL_VERSION,
      },
    }),
    CloseCode.PROTOCOL_ERROR,
  );
}

/** Signed device connects for the e2e tests: a real Ed25519 identity signing the real challenge. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateIdentity, signDeviceProof, type DeviceIdentity } from "../../src/devices/client-identity.ts";
import { TestSocket, type Frame } from "./ws-client.ts";

/** A fresh device identity in its own temp dir. */
export function newIdentity(): DeviceIdentity {
  return loadOrCreateIdentity(mkdtempSync(join(tmpdir(), "mayros-device-")));
}

/** Options of {@link deviceConnect}. */
export interface DeviceConnectOptions {
  identity: DeviceIdentity;
  token?: string;
  deviceToken?: string;
  scopes?: string[];
  role?: "operator" | "node";
  version?: 2 | 3;
  client?: Record<string, unknown>;
  commands?: string[];
  headers?: Record<string, string>;
  protocol?: 3 | 4;
  /** Changes the params after signing (to break the proof). */
  tamper?: (params: Record<string, any>) => void;
  signedAt?: number;
}

/** Opens a socket and connects with a device proof over the challenge nonce. */
export async function deviceConnect(url: string, o: DeviceConnectOptions): Promise<{ sock: TestSocket; res: Frame; nonce: string }> {
  const sock = await TestSocket.open(url, o.headers);
  const challenge = await sock.nextEvent("connect.challenge");
  const nonce = challenge.payload.nonce as string;
  const role = o.role ?? "operator";
  const scopes = o.scopes ?? (role === "node" ? [] : ["operator.admin"]);
  const client = { id: role === "node" ? "node-host" : "test", version: "0.0.1", platform: "linux", mode: role === "node" ? "node" : "test", ...o.client };
  const auth = { ...(o.token !== undefined && { token: o.token }), ...(o.deviceToken !== undefined && { deviceToken: o.deviceToken }) };
  const device = signDeviceProof(o.identity, {
    client: client as never, role, scopes, token: o.token ?? o.deviceToken ?? "", nonce, signedAt: o.signedAt ?? Date.now(), version: o.version ?? 3,
  });
  const params: Record<string, any> = {
    minProtocol: o.protocol ?? 4, maxProtocol: o.protocol ?? 4, client, role, scopes, auth, device,
    ...(o.commands && { commands: o.commands, caps: ["system"] }),
  };
  o.tamper?.(params);
  const res = await sock.request("connect", params);
  return { sock, res, nonce };
}

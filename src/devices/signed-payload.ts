/**
 * @module The string a device signs at `connect` (protocol.md §2.3, protocol-v4.md §4). Free of
 * runtime imports, so the gateway, the CLI and the browser client (assets/ui) share this one
 * definition and can never disagree on it.
 */
import type { ClientInfo, ConnectAuth } from "../protocol/connect.ts";

/** Fields that go into a signed payload. */
export interface SignedFields {
  deviceId: string;
  client: Pick<ClientInfo, "id" | "mode" | "platform" | "deviceFamily">;
  role: string;
  scopes: readonly string[];
  signedAt: number;
  token: string;
  nonce: string;
}

const lowerTrim = (s: string | undefined) => (s ?? "").trim().replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The UTF-8 string a client signs, for payload version 2 or 3. */
export function signedPayload(version: 2 | 3, f: SignedFields): string {
  const base = [`v${version}`, f.deviceId, f.client.id, f.client.mode, f.role, f.scopes.join(","), String(f.signedAt), f.token, f.nonce];
  if (version === 3) base.push(lowerTrim(f.client.platform), lowerTrim(f.client.deviceFamily));
  return base.join("|");
}

/** The token a client puts in its signed payload. */
export function signedToken(auth: ConnectAuth | undefined): string {
  return auth?.token ?? auth?.deviceToken ?? auth?.bootstrapToken ?? "";
}

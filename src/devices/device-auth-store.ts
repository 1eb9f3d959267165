/**
 * @module Client-side device tokens (protocol.md §2.3, §2.6): the token a gateway issued in
 * `hello-ok.auth`, one per role, kept at `<stateDir>/identity/device-auth.json` (mode 0600, written
 * atomically) so the next connect can authenticate without the shared secret.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { identityDir, writePrivateJson } from "./client-identity.ts";

/** One stored device token. */
export interface StoredDeviceToken {
  token: string;
  role: string;
  scopes: string[];
  updatedAtMs: number;
}

/** The file `<stateDir>/identity/device-auth.json`. */
export interface DeviceAuthFile {
  version: 1;
  /** The device the tokens belong to; tokens of another device are never returned. */
  deviceId: string;
  tokens: Record<string, StoredDeviceToken>;
}

/** Path of the device token file. */
export function deviceAuthPath(stateDir: string): string {
  return join(identityDir(stateDir), "device-auth.json");
}

/** The stored token of `deviceId` for `role`, if any. */
export function loadDeviceToken(stateDir: string, deviceId: string, role: string): StoredDeviceToken | undefined {
  const file = readFile(stateDir);
  if (!file || file.deviceId !== deviceId) return undefined;
  return file.tokens[role];
}

/** What {@link saveDeviceToken} stores. */
export interface SaveDeviceTokenInput {
  deviceId: string;
  role: string;
  token: string;
  scopes?: readonly string[];
}

/**
 * Stores the token of `deviceId` for `role`, replacing that role's previous one. Tokens stored for
 * another device id (an identity that was replaced) are dropped.
 * @returns the stored entry.
 */
export function saveDeviceToken(stateDir: string, { deviceId, role, token, scopes = [] }: SaveDeviceTokenInput, now: number = Date.now()): StoredDeviceToken {
  const existing = readFile(stateDir);
  const tokens = existing && existing.deviceId === deviceId ? { ...existing.tokens } : {};
  const entry: StoredDeviceToken = { token, role, scopes: [...scopes], updatedAtMs: now };
  tokens[role] = entry;
  writePrivateJson(deviceAuthPath(stateDir), { version: 1, deviceId, tokens } satisfies DeviceAuthFile);
  return entry;
}

/**
 * Deletes the token of `deviceId` for `role` (after the gateway said "device token mismatch").
 * @returns whether a token was deleted.
 */
export function clearDeviceToken(stateDir: string, deviceId: string, role: string): boolean {
  const existing = readFile(stateDir);
  if (!existing || existing.deviceId !== deviceId || !(role in existing.tokens)) return false;
  const tokens = { ...existing.tokens };
  delete tokens[role];
  writePrivateJson(deviceAuthPath(stateDir), { version: 1, deviceId, tokens } satisfies DeviceAuthFile);
  return true;
}

/** The token file, or null when it is missing or unreadable (a bad file only loses cached tokens). */
function readFile(stateDir: string): DeviceAuthFile | null {
  const path = deviceAuthPath(stateDir);
  if (!existsSync(path)) return null;
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as Partial<DeviceAuthFile>;
    if (data?.version !== 1 || typeof data.deviceId !== "string" || typeof data.tokens !== "object" || data.tokens === null) return null;
    const tokens: Record<string, StoredDeviceToken> = {};
    for (const [role, t] of Object.entries(data.tokens)) {
      if (typeof t?.token !== "string" || t.token === "") continue;
      tokens[role] = {
        token: t.token,
        role,
        scopes: Array.isArray(t.scopes) ? t.scopes.filter((s): s is string => typeof s === "string") : [],
        updatedAtMs: typeof t.updatedAtMs === "number" ? t.updatedAtMs : 0,
      };
    }
    return { version: 1, deviceId: data.deviceId, tokens };
  } catch {
    return null;
  }
}

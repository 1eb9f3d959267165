/**
 * @module What the browser keeps between visits: the device identity and its device token in
 * IndexedDB, and the gateway's shared token only for this tab (sessionStorage) until a device
 * token replaces it. A token passed as `#token=…` is taken once and removed from the address bar.
 */
import { generateDeviceKeys, type DeviceKeys } from "./device-proof.ts";
import { kvDelete, kvGet, kvSet } from "./kv-store.ts";

const IDENTITY_KEY = "device-identity";
const DEVICE_TOKEN_KEY = "device-token";
const SHARED_TOKEN_KEY = "mayros.gatewayToken";

/** A device token the gateway issued in `hello-ok.auth`. */
export interface StoredDeviceToken {
  deviceId: string;
  role: string;
  token: string;
  scopes: string[];
}

/** The stored identity, or a new one (stored before it is returned). */
export async function loadOrCreateIdentity(): Promise<DeviceKeys> {
  const stored = await kvGet<DeviceKeys>(IDENTITY_KEY);
  if (stored?.privateKey && stored.deviceId && stored.publicKey) return stored;
  const keys = await generateDeviceKeys();
  await kvSet(IDENTITY_KEY, keys);
  return keys;
}

/** The device token of `deviceId`, if one is stored. */
export async function loadDeviceToken(deviceId: string): Promise<StoredDeviceToken | undefined> {
  const stored = await kvGet<StoredDeviceToken>(DEVICE_TOKEN_KEY);
  return stored?.deviceId === deviceId ? stored : undefined;
}

/** Stores a device token (the shared token is then no longer needed and is forgotten). */
export async function saveDeviceToken(token: StoredDeviceToken): Promise<void> {
  await kvSet(DEVICE_TOKEN_KEY, token);
  forgetSharedToken();
}

/** Forgets the device token (after the gateway refused it). */
export function forgetDeviceToken(): Promise<void> {
  return kvDelete(DEVICE_TOKEN_KEY);
}

/**
 * Takes `#token=…` from the address (then removes the fragment with `history.replaceState`, so it
 * is neither in the history nor in a bookmark) and keeps it for this tab.
 */
export function takeTokenFromFragment(): void {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = params.get("token");
  if (token === null) return;
  params.delete("token");
  const rest = params.toString();
  history.replaceState(history.state, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
  if (token) setSharedToken(token);
}

/** The shared gateway token entered in this tab, if any. */
export function sharedToken(): string | undefined {
  return sessionStorage.getItem(SHARED_TOKEN_KEY) ?? undefined;
}

/** Keeps the shared gateway token for this tab. */
export function setSharedToken(token: string): void {
  sessionStorage.setItem(SHARED_TOKEN_KEY, token);
}

/** Forgets the shared gateway token. */
export function forgetSharedToken(): void {
  sessionStorage.removeItem(SHARED_TOKEN_KEY);
}

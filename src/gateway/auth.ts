/** @module Shared-secret authentication of `connect` (token, password or none), compared in constant time. */
import { safeEqual } from "../crypto/primitives.ts";
import type { ConnectAuth } from "../protocol/index.ts";

/** The gateway's auth settings after config resolution. */
export interface AuthSettings {
  mode: "token" | "password" | "none";
  token?: string;
  password?: string;
}

/** Why a shared-secret check failed (protocol-v4.md §6 `authReason`). */
export type AuthFailureReason =
  | "token_missing" | "token_mismatch" | "token_missing_config"
  | "password_missing" | "password_mismatch" | "password_missing_config";

/** Outcome of {@link authorizeShared}. */
export type AuthResult = { ok: true; method: "token" | "password" | "none" } | { ok: false; reason: AuthFailureReason };

/** Checks the shared secret a client presented against the configured one. */
export function authorizeShared(settings: AuthSettings, auth: ConnectAuth | undefined): AuthResult {
  if (settings.mode === "none") return { ok: true, method: "none" };
  if (settings.mode === "password") {
    if (!settings.password) return { ok: false, reason: "password_missing_config" };
    if (!auth?.password) return { ok: false, reason: "password_missing" };
    return safeEqual(auth.password, settings.password) ? { ok: true, method: "password" } : { ok: false, reason: "password_mismatch" };
  }
  if (!settings.token) return { ok: false, reason: "token_missing_config" };
  if (!auth?.token) return { ok: false, reason: "token_missing" };
  return safeEqual(auth.token, settings.token) ? { ok: true, method: "token" } : { ok: false, reason: "token_mismatch" };
}

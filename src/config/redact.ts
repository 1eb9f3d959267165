/** @module Hiding secrets in a config for `config.get`, and putting them back when a client returns the redacted config. */
import { isJsonObject, setOwn, type JsonObject } from "./merge-patch.ts";

/** Placeholder that replaces a secret string in a redacted config. */
export const REDACTED = "__MAYROS_REDACTED__";

/** Keys whose string values are secrets. */
export const SECRET_KEY_PATTERN = /token|password|secret|apikey|api_key|signingsecret/i;

/**
 * Returns a deep copy of `value` with the string value of every secret-looking key
 * ({@link SECRET_KEY_PATTERN}, at any depth, inside arrays too) replaced by {@link REDACTED}.
 * @example redactSecrets({ gateway: { auth: { token: "t" } } }) // { gateway: { auth: { token: "__MAYROS_REDACTED__" } } }
 */
export function redactSecrets<T>(value: T): T {
  return redact(value) as T;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    setOwn(out, key, typeof child === "string" && SECRET_KEY_PATTERN.test(key) ? REDACTED : redact(child));
  }
  return out;
}

/**
 * Returns a copy of `next` where every {@link REDACTED} string is replaced by the value at the
 * same path in `current`, so a client can send back a redacted config without wiping secrets.
 * Where `current` has nothing at that path, the placeholder is dropped (the key is removed, or
 * the array item left out) rather than saved as a secret.
 * @example restoreRedacted({ token: REDACTED, port: 1 }, { token: "t", port: 2 }) // { token: "t", port: 1 }
 */
export function restoreRedacted<T>(next: T, current: unknown): T {
  return restore(next, current) as T;
}

function restore(next: unknown, current: unknown): unknown {
  if (Array.isArray(next)) {
    const prior = Array.isArray(current) ? current : [];
    const out: unknown[] = [];
    next.forEach((item, i) => {
      const value = restore(item, prior[i]);
      if (value !== undefined) out.push(value);
    });
    return out;
  }
  if (next === REDACTED) return current === undefined ? undefined : structuredClone(current);
  if (!isJsonObject(next)) return next;
  const prior = isJsonObject(current) ? current : {};
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(next)) {
    const value = restore(child, Object.hasOwn(prior, key) ? prior[key] : undefined);
    if (value !== undefined) setOwn(out, key, value);
  }
  return out;
}

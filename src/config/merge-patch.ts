/** @module JSON Merge Patch (RFC 7396), used by `config.patch`. */

/** A plain JSON object (not an array, not null). */
export type JsonObject = { [key: string]: unknown };

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Applies an RFC 7396 merge patch and returns a new value; neither argument is changed.
 * Objects merge key by key, `null` deletes a key, anything else (arrays included) replaces.
 * A patch that is not an object replaces the target entirely.
 * @example applyMergePatch({ a: { b: 1, c: 2 } }, { a: { c: null, d: [3] } }) // { a: { b: 1, d: [3] } }
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: JsonObject = isJsonObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, applyMergePatch(result[key], value));
  }
  return result;
}

/** Sets an own property, also for the key `__proto__` (plain assignment would change the prototype). */
export function setOwn(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

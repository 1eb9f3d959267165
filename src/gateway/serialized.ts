/**
 * @module JSON text remembered for values that never change once built (the health snapshot), so the responses and
 * events that carry such a value reuse one serialization instead of running `JSON.stringify` on every send.
 */

const remembered = new WeakMap<object, string>();

/**
 * Freezes `value` and remembers its JSON text for {@link toJson}.
 * The caller must not change anything `value` references afterwards: the remembered text would no longer match.
 * @returns `value`, frozen
 */
export function serializeOnce<T extends object>(value: T): Readonly<T> {
  remembered.set(Object.freeze(value), JSON.stringify(value));
  return value;
}

/** The JSON text of `value`: the one remembered by {@link serializeOnce}, else `JSON.stringify(value)`. */
export function toJson(value: unknown): string {
  return (typeof value === "object" && value !== null && remembered.get(value)) || JSON.stringify(value);
}

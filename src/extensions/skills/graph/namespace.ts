/**
 * @module Layer 4 (namespace isolation, extensions.md §10): every subject and predicate of the skills' graph starts
 * with `{ns}:` — whatever scope a caller asks for, "global" included. A value outside the namespace is not
 * rejected but moved into it (`other:x` → `{ns}:other:x`), so no caller can read or write outside its namespace.
 */

/** What a namespace must look like: a letter, then letters, digits, `_`, `-`, `.` or `:`. */
export const NAMESPACE_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]*$/;

/**
 * `value` forced into `ns`: unchanged when it already starts with `{ns}:`, else prefixed.
 * @throws {Error} for a namespace that does not match {@link NAMESPACE_PATTERN}
 */
export function enforceNamespace(ns: string, value: string): string {
  if (!NAMESPACE_PATTERN.test(ns)) throw new Error(`namespace "${ns}" must start with a letter (${NAMESPACE_PATTERN.source})`);
  return value.startsWith(`${ns}:`) ? value : `${ns}:${value}`;
}

/** True when `value` lies inside `ns`. */
export function insideNamespace(ns: string, value: string): boolean {
  return value.startsWith(`${ns}:`);
}

/** @module Operator scopes and the default-deny rule that decides whether a scope set satisfies a requirement (protocol.md §3, protocol-v4.md §7). */

/** Scopes an operator may hold. */
export const OPERATOR_SCOPES = [
  "operator.admin",
  "operator.read",
  "operator.write",
  "operator.approvals",
  "operator.pairing",
  "operator.questions",
  "operator.talk",
  "operator.talk.secrets",
  "operator.sessions.read",
  "operator.sessions.write",
] as const;
/** One of {@link OPERATOR_SCOPES}. */
export type Scope = (typeof OPERATOR_SCOPES)[number];

/** Scopes the CLI asks for by default (it is the owner's own tool). */
export const CLI_DEFAULT_SCOPES: Scope[] = [
  "operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing",
];

/** Scopes that `operator.write` also satisfies. */
const SATISFIED_BY_WRITE = new Set<string>(["operator.read", "operator.talk", "operator.sessions.read", "operator.sessions.write"]);

/**
 * Whether `held` satisfies `required`: admin satisfies everything, write satisfies read-like scopes.
 * @param required the scope a method or event needs; `null` means none.
 */
export function hasScope(held: ReadonlySet<string>, required: Scope | null): boolean {
  if (required === null) return true;
  if (held.has("operator.admin") || held.has(required)) return true;
  if (SATISFIED_BY_WRITE.has(required) && held.has("operator.write")) return true;
  return required === "operator.sessions.read" && held.has("operator.read");
}

/** Whether the scopes in `held` satisfy every scope in `requested` (with the admin and write rules of {@link hasScope}). */
export function scopesCover(held: readonly string[], requested: readonly string[]): boolean {
  const set = new Set(held);
  return requested.every((s) => hasScope(set, s as Scope));
}

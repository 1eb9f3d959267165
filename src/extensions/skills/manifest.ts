/**
 * @module Semantic skill manifests (extensions.md §9): the YAML frontmatter of a `SKILL.md` (parsed with Bun's
 * built-in `Bun.YAML`, no dependency) with `type: semantic` and a `semantic:` block — version, permissions,
 * assertions, queries, allowedTools, maxQueries, skillVersion, dependencies — checked with the rules of §9. Every
 * error names its field (`semantic.queries[1].predicate: …`). Unknown permission values are dropped, as in §9.
 */

/** The six semantic tools (§9). */
export const SEMANTIC_TOOLS = ["skill_graph_query", "skill_assert", "skill_verify_assertion", "skill_request_zk_proof", "skill_verify_zk_proof", "skill_memory_context"] as const;

/** Layer 5: the allowlist of a skill that declares none (or an empty one). */
export const DEFAULT_ALLOWED_TOOLS: readonly string[] = [...SEMANTIC_TOOLS, "hub_search", "hub_verify", "mesh_request_knowledge"];

const PERMISSION_VALUES = { graph: ["read", "write"], proofs: ["request", "verify", "publish"], memory: ["recall", "remember"] } as const;

/** A skill's permissions. */
export interface SkillPermissions {
  graph: Array<"read" | "write">;
  proofs: Array<"request" | "verify" | "publish">;
  memory: Array<"recall" | "remember">;
}

/** A query scope: the agent's subject, the namespace, or "global" (still inside the namespace, layer 4). */
export type QueryScope = "agent" | "namespace" | "global";

/** A validated semantic skill manifest. */
export interface SkillManifest {
  name: string;
  description: string;
  version: number;
  permissions: SkillPermissions;
  assertions: Array<{ predicate: string; requireProof: boolean }>;
  queries: Array<{ predicate: string; scope: QueryScope }>;
  /** The effective allowlist: the declared one, or {@link DEFAULT_ALLOWED_TOOLS}; `["*"]` is unrestricted. */
  allowedTools: string[];
  /** Whether allowedTools was declared (non-empty) rather than defaulted. */
  allowedToolsDeclared: boolean;
  maxQueries?: number;
  skillVersion?: string;
  dependencies: Array<{ slug: string; version: string }>;
}

/** A manifest that failed validation; `field` names the offending field. */
export class ManifestError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "ManifestError";
  }
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The frontmatter of a markdown file as an object. @throws {ManifestError} without one or with bad YAML */
export function parseFrontmatter(text: string): Record<string, unknown> {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?(?:\n|$)/.exec(text);
  if (!match) throw new ManifestError("frontmatter", "SKILL.md must start with a --- YAML frontmatter block ---");
  let parsed: unknown;
  try {
    parsed = Bun.YAML.parse(match[1]!);
  } catch (err) {
    throw new ManifestError("frontmatter", `invalid YAML: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw new ManifestError("frontmatter", "must be a mapping");
  return parsed;
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ManifestError(field, "must be a list");
  return value;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new ManifestError(field, "must be a non-empty string");
  return value;
}

function permissions(value: unknown): SkillPermissions {
  if (value !== undefined && value !== null && !isObject(value)) throw new ManifestError("semantic.permissions", "must be a mapping");
  const raw = (value ?? {}) as Record<string, unknown>;
  const pick = <K extends keyof SkillPermissions>(key: K): SkillPermissions[K] =>
    list(raw[key], `semantic.permissions.${key}`).filter((v): v is never => (PERMISSION_VALUES[key] as readonly unknown[]).includes(v)) as SkillPermissions[K];
  return { graph: pick("graph"), proofs: pick("proofs"), memory: pick("memory") };
}

/**
 * Parses and validates a `SKILL.md`.
 * @param text the file's content
 * @param fallbackName the name when the frontmatter has none (the skill's folder name)
 * @throws {ManifestError} naming the field, for anything §9 refuses
 */
export function parseSkillManifest(text: string, fallbackName: string): SkillManifest {
  const fm = parseFrontmatter(text);
  if (fm.type !== "semantic") throw new ManifestError("type", `must be "semantic" (got ${JSON.stringify(fm.type ?? null)})`);
  const name = fm.name === undefined ? fallbackName : nonEmptyString(fm.name, "name");
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(name)) throw new ManifestError("name", `"${name}" must be letters, digits, "_" or "-"`);
  if (!isObject(fm.semantic)) throw new ManifestError("semantic", "a semantic: block is required");
  const s = fm.semantic;
  const version = s.version ?? 1;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) throw new ManifestError("semantic.version", "must be an integer ≥ 1");
  const perms = permissions(s.permissions);
  const assertions = list(s.assertions, "semantic.assertions").map((a, i) => {
    const field = `semantic.assertions[${i}]`;
    if (!isObject(a)) throw new ManifestError(field, "must be a mapping");
    const requireProof = a.requireProof ?? false;
    if (typeof requireProof !== "boolean") throw new ManifestError(`${field}.requireProof`, "must be a boolean");
    if (requireProof && !perms.proofs.includes("request")) throw new ManifestError(`${field}.requireProof`, "needs the permission proofs: [request]");
    if (!perms.graph.includes("write")) throw new ManifestError(field, "assertions need the permission graph: [write]");
    return { predicate: nonEmptyString(a.predicate, `${field}.predicate`), requireProof };
  });
  const queries = list(s.queries, "semantic.queries").map((q, i) => {
    const field = `semantic.queries[${i}]`;
    if (!isObject(q)) throw new ManifestError(field, "must be a mapping");
    const scope = q.scope ?? "agent";
    if (scope !== "agent" && scope !== "namespace" && scope !== "global") throw new ManifestError(`${field}.scope`, "must be agent, namespace or global");
    if (!perms.graph.includes("read")) throw new ManifestError(field, "queries need the permission graph: [read]");
    return { predicate: nonEmptyString(q.predicate, `${field}.predicate`), scope: scope as QueryScope };
  });
  const declared = list(s.allowedTools, "semantic.allowedTools").map((t, i) => nonEmptyString(t, `semantic.allowedTools[${i}]`));
  if (declared.includes("*") && declared.length > 1) throw new ManifestError("semantic.allowedTools", `"*" must be the only entry`);
  if (s.maxQueries !== undefined && (typeof s.maxQueries !== "number" || !Number.isInteger(s.maxQueries) || s.maxQueries < 1)) throw new ManifestError("semantic.maxQueries", "must be an integer ≥ 1");
  if (s.skillVersion !== undefined && (typeof s.skillVersion !== "string" || !SEMVER.test(s.skillVersion))) throw new ManifestError("semantic.skillVersion", "must be a semver version like 1.2.3");
  const dependencies = list(s.dependencies, "semantic.dependencies").map((d, i) => {
    const field = `semantic.dependencies[${i}]`;
    if (!isObject(d)) throw new ManifestError(field, "must be a mapping");
    return { slug: nonEmptyString(d.slug, `${field}.slug`), version: nonEmptyString(d.version, `${field}.version`) };
  });
  return {
    name, description: typeof fm.description === "string" ? fm.description : "", version, permissions: perms, assertions, queries,
    allowedTools: declared.length ? declared : [...DEFAULT_ALLOWED_TOOLS], allowedToolsDeclared: declared.length > 0,
    ...(s.maxQueries !== undefined && { maxQueries: s.maxQueries as number }),
    ...(s.skillVersion !== undefined && { skillVersion: s.skillVersion as string }),
    dependencies,
  };
}

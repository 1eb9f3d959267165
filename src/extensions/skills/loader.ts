/**
 * @module Loading one skill folder (extensions.md §9 "Loading pipeline"): parse `SKILL.md`, record the integrity
 * hash (layer 18), and when the skill ships code (`skill.ts` or `skill.js`): refuse it with the sandbox off, scan it
 * and refuse any critical finding (layer 1), then evaluate it in the sandbox (layer 3) with a host bound to the
 * skill's namespace and audited (layers 4, 15), and run `onActivate`. Skill code never runs outside the sandbox.
 */
import type { Database } from "bun:sqlite";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { SandboxSettings } from "./config.ts";
import { AssertionEngine } from "./engine.ts";
import type { AuditLog } from "./graph/audit-log.ts";
import type { ProofLedger } from "./graph/proofs.ts";
import { TripleStore, type TripleObject } from "./graph/triple-store.ts";
import { parseSkillManifest, type SkillManifest } from "./manifest.ts";
import type { Finding, SkillCode, SkillHost, SkillPorts } from "./ports.ts";

/** A skill ready to act. */
export interface LoadedSkill {
  manifest: SkillManifest;
  dir: string;
  /** Layer 18: the folder's SHA-256 when it was loaded. */
  hash: string;
  /** Its store: the agent namespace, writes owned by this skill. */
  store: TripleStore;
  engine?: AssertionEngine;
  code?: SkillCode;
  findings: Finding[];
  loadedAt: number;
}

/** A skill folder that could not be loaded, with the layer that refused it. */
export class SkillLoadError extends Error {
  constructor(readonly dir: string, readonly layer: string, message: string) {
    super(message);
    this.name = "SkillLoadError";
  }
}

/** What loading needs. */
export interface LoaderContext {
  db: Database;
  ns: string;
  audit: AuditLog;
  ledger: ProofLedger;
  sandbox: SandboxSettings;
  ports: SkillPorts;
  log(level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
  now(): number;
}

/** The code file of a skill folder, if any. */
export function skillCodeFile(dir: string): string | undefined {
  return ["skill.ts", "skill.js"].map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** Reads and validates a folder's manifest. @throws {SkillLoadError} (layer "manifest") */
export function readManifest(dir: string): SkillManifest {
  const file = join(dir, "SKILL.md");
  if (!existsSync(file)) throw new SkillLoadError(dir, "manifest", `${file}: no SKILL.md`);
  try {
    return parseSkillManifest(readFileSync(file, "utf8"), basename(dir));
  } catch (err) {
    throw new SkillLoadError(dir, "manifest", `${file}: ${(err as Error).message}`);
  }
}

/** The host a skill's sandbox gets (answers shaped like Cortex's REST: `{triples, total}`, `{matches, total}`): every call inside its namespace, every write and delete audited. */
export function skillHost(skill: string, store: TripleStore, ctx: LoaderContext): SkillHost {
  return {
    createTriple: (t) => {
      const triple = store.create({ subject: String(t.subject), predicate: String(t.predicate), object: t.object as TripleObject });
      ctx.audit.record(skill, "createTriple", `${triple.subject} ${triple.predicate}`, JSON.stringify(triple.object));
      return triple;
    },
    listTriples: (q) => {
      const triples = store.query({ ...(q.subject !== undefined && { subject: String(q.subject) }), ...(q.predicate !== undefined && { predicate: String(q.predicate) }), limit: q.limit ?? 20 });
      return { triples, total: triples.length };
    },
    patternQuery: (q) => {
      const matches = store.query(q as Parameters<TripleStore["query"]>[0]);
      return { matches, total: matches.length };
    },
    deleteTriple: (id) => {
      const deleted = store.delete(String(id));
      ctx.audit.record(skill, deleted ? "deleteTriple" : "deleteTriple:refused", String(id));
      if (!deleted) throw new Error(`no triple ${id} of this skill in namespace ${store.ns}`);
      return { deleted };
    },
    log: (level, message) => ctx.log(level, `skill ${skill}: ${String(message).slice(0, 1000)}`),
  };
}

/**
 * Loads and activates the skill in `dir`.
 * @throws {SkillLoadError} naming the refusing layer: manifest, sandbox-disabled, scanner, sandbox
 */
export async function loadSkill(dir: string, ctx: LoaderContext): Promise<LoadedSkill> {
  const manifest = readManifest(dir);
  const hash = await ctx.ports.computeSkillDirHash(dir);
  const store = new TripleStore(ctx.db, ctx.ns, manifest.name, ctx.now);
  const skill: LoadedSkill = { manifest, dir, hash, store, findings: [], loadedAt: ctx.now() };
  const engine = AssertionEngine.for(manifest, store, ctx.ledger);
  if (engine) skill.engine = engine;
  const file = skillCodeFile(dir);
  if (!file) return skill;
  if (!ctx.sandbox.sandboxEnabled) throw new SkillLoadError(dir, "sandbox", `${manifest.name}: skill code is refused while skillSandbox.sandboxEnabled is off`);
  skill.findings = await ctx.ports.scanSkillDir(dir);
  const critical = skill.findings.filter((f) => f.severity === "critical");
  if (critical.length) throw new SkillLoadError(dir, "scanner", `${manifest.name}: static scan found ${critical.map((f) => `${f.ruleId} (${basename(f.file)}${f.line ? `:${f.line}` : ""})`).join(", ")}`);
  const { memoryLimitBytes, maxStackSizeBytes, executionTimeoutMs, maxCallsPerMinute, maxWritesPerSession } = ctx.sandbox;
  let code: SkillCode | undefined;
  try {
    code = await ctx.ports.loadSandbox(readFileSync(file, "utf8"), { filename: `skills/${basename(dir)}/${basename(file)}`, limits: { memoryLimitBytes, maxStackSizeBytes, executionTimeoutMs, maxCallsPerMinute, maxWritesPerSession }, host: skillHost(manifest.name, store, ctx) });
    await code.activate({ skill: manifest.name, namespace: ctx.ns });
  } catch (err) {
    code?.dispose();
    const kind = (err as { kind?: string }).kind;
    throw new SkillLoadError(dir, "sandbox", `${manifest.name}: ${kind ? `${kind}: ` : ""}${(err as Error).message}`);
  }
  skill.code = code;
  return skill;
}

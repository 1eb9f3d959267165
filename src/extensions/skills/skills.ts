/**
 * @module The semantic-skills service: the plugin database (triples, proofs, audit), the registry of active skills,
 * the per-skill limits, and what the hooks, tools and methods ask of them. Opening is lazy (registration does no I/O).
 */
import { Database } from "bun:sqlite";
import { existsSync, rmSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { SkillsConfig } from "./config.ts";
import { agentSubject, skillContext } from "./context.ts";
import { AuditLog } from "./graph/audit-log.ts";
import { ProofLedger } from "./graph/proofs.ts";
import { migrateTriples } from "./graph/triple-store.ts";
import { gateToolCall, isSemanticTool, type GateRefusal } from "./gate.ts";
import { SkillLimits } from "./limits.ts";
import { loadSkill, readManifest, type LoadedSkill, type LoaderContext } from "./loader.ts";
import type { SkillPorts } from "./ports.ts";
import { SkillRegistry, type LoadReport } from "./registry.ts";
import { resolveCallingSkill } from "./tracking.ts";

/** A log function (the plugin logger's shape). */
export type SkillsLog = (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;

/** What `skills.list` answers per skill. */
export interface SkillSummary {
  name: string;
  dir: string;
  hash: string;
  skillVersion: string | null;
  code: boolean;
  allowedTools: string[];
  permissions: LoadedSkill["manifest"]["permissions"];
  queriesThisRun: number;
}

/** The service. */
export class SemanticSkills {
  readonly audit: AuditLog;
  readonly ledger: ProofLedger;
  readonly registry: SkillRegistry;
  readonly limits: SkillLimits;
  private readonly loaderCtx: LoaderContext;

  constructor(readonly config: SkillsConfig, readonly db: Database, readonly ports: SkillPorts, log: SkillsLog, now: () => number = Date.now) {
    migrateTriples(db);
    this.audit = new AuditLog(db, now);
    this.ledger = new ProofLedger(db, now);
    this.loaderCtx = { db, ns: config.agentNamespace, audit: this.audit, ledger: this.ledger, sandbox: config.sandbox, ports, log, now };
    this.registry = new SkillRegistry(config.skillDirs, this.loaderCtx);
    this.limits = new SkillLimits(config.sandbox, ports.createLimiter(config.sandbox.maxCallsPerMinute, 60_000));
  }

  /** before_agent_start: loads the skills once, starts a new run's counters, answers the skills' context blocks. */
  async beforeAgentStart(agentId: string): Promise<string | undefined> {
    await this.registry.ensureLoaded();
    this.limits.resetRun();
    const blocks = [...this.registry.active.values()]
      .map((s) => skillContext(s, agentId, () => this.limits.countDeclared(s.manifest.name, s.manifest.maxQueries)))
      .filter(Boolean);
    return blocks.length ? blocks.join("\n") : undefined;
  }

  /** before_tool_call: the refusal (also audited for semantic tools), or undefined. */
  gate(tool: string, params: Record<string, unknown>): GateRefusal | undefined {
    const refusal = gateToolCall(this.registry.active, this.limits, tool, params);
    if (refusal && (isSemanticTool(tool) || refusal.layer === "allowlist")) {
      const who = resolveCallingSkill(params.skill, [...this.registry.active.keys()]);
      this.audit.record(who.ok ? who.skill : "-", `blocked:${tool}`, refusal.layer, refusal.reason);
    }
    return refusal;
  }

  /** after_tool_call: the audit row of `skill_assert` and `skill_request_zk_proof` (layer 15). */
  afterToolCall(tool: string, params: Record<string, unknown>, result: string | undefined, error: string | undefined): void {
    if (tool !== "skill_assert" && tool !== "skill_request_zk_proof") return;
    const who = resolveCallingSkill(params.skill, [...this.registry.active.keys()]);
    this.audit.record(who.ok ? who.skill : "-", `tool:${tool}`, `${params.subject ?? ""} ${params.predicate ?? ""}`.trim(), error ? `error: ${error}` : (result ?? "").slice(0, 200));
  }

  /** The skill a semantic tool acts for (the gate already admitted the call). @throws {Error} when there is none */
  callingSkill(params: Record<string, unknown>): LoadedSkill {
    const who = resolveCallingSkill(params.skill, [...this.registry.active.keys()]);
    if (!who.ok) throw new Error(who.reason);
    return this.registry.active.get(who.skill)!;
  }

  /** The subject a scope pins: `agent:{id}` for scope agent, else the given one. */
  scopedSubject(scope: unknown, subject: unknown, agentId: string): string | undefined {
    if (scope === undefined || scope === "agent") return subject === undefined ? agentSubject(agentId) : String(subject);
    return subject === undefined ? undefined : String(subject);
  }

  /** The active skills. */
  list(): SkillSummary[] {
    return [...this.registry.active.values()].map((s) => ({
      name: s.manifest.name, dir: s.dir, hash: s.hash, skillVersion: s.manifest.skillVersion ?? null, code: s.code !== undefined,
      allowedTools: s.manifest.allowedTools, permissions: s.manifest.permissions, queriesThisRun: this.limits.queryCount(s.manifest.name),
    }));
  }

  /** Validates a skill folder's manifest and scans its code, without loading it. */
  async validate(dir: string): Promise<{ manifest: LoadedSkill["manifest"]; findings: Awaited<ReturnType<SkillPorts["scanSkillDir"]>>; hash: string }> {
    const full = resolve(dir);
    return { manifest: readManifest(full), findings: await this.ports.scanSkillDir(full), hash: await this.ports.computeSkillDirHash(full) };
  }

  /**
   * Loads a skill folder in the sandbox, runs onActivate, onQuery and onDeactivate, and disposes it — against a
   * throwaway in-memory graph, so a test run leaves nothing in the real one.
   */
  async test(dir: string): Promise<{ name: string; code: boolean; enrichment: unknown }> {
    const scratch = new Database(":memory:");
    migrateTriples(scratch);
    const skill = await loadSkill(resolve(dir), { ...this.loaderCtx, db: scratch, audit: new AuditLog(scratch), ledger: new ProofLedger(scratch) });
    try {
      const enrichment = skill.code ? await skill.code.query({ test: true }) : null;
      await skill.code?.deactivate({ test: true });
      return { name: skill.manifest.name, code: skill.code !== undefined, enrichment };
    } finally {
      skill.code?.dispose();
      scratch.close();
    }
  }

  /** Installs a folder or .tar.gz through verify-then-promote into the install root, then reloads. */
  async install(source: string): Promise<{ installed: Awaited<ReturnType<SkillPorts["verifyThenPromote"]>>; report: LoadReport }> {
    const installed = await this.ports.verifyThenPromote(resolve(source), this.config.installRoot, this.config.verification);
    this.audit.record(installed.slug, "install", installed.dir, installed.hash);
    return { installed, report: await this.registry.reload(false) };
  }

  /** Removes an installed skill by slug (only a folder directly inside the install root), then reloads. */
  async remove(slug: string): Promise<LoadReport> {
    const dir = resolve(this.config.installRoot, slug);
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(slug) || !dir.startsWith(this.config.installRoot + sep) || !existsSync(join(dir, "SKILL.md"))) throw new Error(`no installed skill "${slug}" in ${this.config.installRoot}`);
    rmSync(dir, { recursive: true, force: true });
    this.audit.record(slug, "remove", dir);
    return this.registry.reload(false);
  }
}

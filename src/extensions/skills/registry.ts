/**
 * @module The active skills: every `<dir>/<skill>/SKILL.md` of the configured folders, loaded by `loader.ts`. A load
 * builds the whole new set first and then swaps it in at once (atomic for every reader); a hot reload keeps the
 * running version of a skill whose new manifest is invalid or widens/drops its allowlist (layer 13). Sandboxes of
 * replaced or removed skills are deactivated and disposed after the swap.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadSkill, SkillLoadError, type LoadedSkill, type LoaderContext } from "./loader.ts";
import { manifestDiff, reloadRefusal } from "./reload-policy.ts";

/** A skill folder that is not active, and why. */
export interface SkillFailure {
  dir: string;
  layer: string;
  error: string;
}

/** The outcome of a (re)load. */
export interface LoadReport {
  active: string[];
  failures: SkillFailure[];
  /** Hot reload: changes refused (the previous version kept). */
  refused: Array<{ skill: string; reason: string }>;
  /** Hot reload: the diffs of changed manifests swapped in. */
  changed: Array<{ skill: string; diff: string[] }>;
}

/** The set of active skills. */
export class SkillRegistry {
  private skills: ReadonlyMap<string, LoadedSkill> = new Map();
  private lastFailures: SkillFailure[] = [];
  private loading: Promise<LoadReport> | undefined;
  private loaded = false;

  constructor(private readonly dirs: readonly string[], private readonly ctx: LoaderContext) {}

  /** The active skills by name. */
  get active(): ReadonlyMap<string, LoadedSkill> {
    return this.skills;
  }

  /** The folders that failed at the last load. */
  get failures(): readonly SkillFailure[] {
    return this.lastFailures;
  }

  /** Loads once (later calls wait for or reuse the first load). */
  async ensureLoaded(): Promise<void> {
    if (!this.loaded && this.loading) await this.loading.catch(() => undefined);
    if (!this.loaded) await this.reload(false);
  }

  /**
   * Loads every skill folder again and swaps the new set in; loads never overlap.
   * @param hot apply the hot-reload policy against the running skills (layer 13)
   */
  async reload(hot: boolean): Promise<LoadReport> {
    while (this.loading) await this.loading.catch(() => undefined);
    this.loading = this.build(hot);
    try {
      return await this.loading;
    } finally {
      this.loading = undefined;
    }
  }

  /** Deactivates and disposes every sandbox; the set becomes empty. */
  async close(): Promise<void> {
    const old = this.skills;
    this.skills = new Map();
    await Promise.all([...old.values()].map((s) => this.release(s)));
  }

  private async build(hot: boolean): Promise<LoadReport> {
    const report: LoadReport = { active: [], failures: [], refused: [], changed: [] };
    const next = new Map<string, LoadedSkill>();
    for (const dir of this.skillFolders()) {
      let skill: LoadedSkill;
      try {
        skill = await loadSkill(dir, this.ctx);
      } catch (err) {
        const failure = err instanceof SkillLoadError ? { dir, layer: err.layer, error: err.message } : { dir, layer: "load", error: String(err) };
        const kept = hot ? [...this.skills.values()].find((s) => s.dir === dir) : undefined;
        if (kept) (next.set(kept.manifest.name, kept), report.refused.push({ skill: kept.manifest.name, reason: failure.error }));
        report.failures.push(failure);
        continue;
      }
      if (next.has(skill.manifest.name)) {
        await this.release(skill);
        report.failures.push({ dir, layer: "manifest", error: `duplicate skill name "${skill.manifest.name}" (first: ${next.get(skill.manifest.name)!.dir})` });
        continue;
      }
      const prev = hot ? this.skills.get(skill.manifest.name) : undefined;
      const refusal = prev && reloadRefusal(prev.manifest, skill.manifest);
      if (prev && refusal) {
        await this.release(skill);
        next.set(prev.manifest.name, prev);
        report.refused.push({ skill: prev.manifest.name, reason: refusal });
        continue;
      }
      const diff = prev ? manifestDiff(prev.manifest, skill.manifest) : [];
      if (diff.length) report.changed.push({ skill: skill.manifest.name, diff });
      next.set(skill.manifest.name, skill);
    }
    const old = this.skills;
    this.skills = next;
    this.loaded = true;
    this.lastFailures = report.failures;
    report.active = [...next.keys()];
    await Promise.all([...old.values()].filter((s) => next.get(s.manifest.name) !== s).map((s) => this.release(s)));
    return report;
  }

  private skillFolders(): string[] {
    return this.dirs.filter((d) => existsSync(d)).flatMap((root) =>
      readdirSync(root, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith(".") && existsSync(join(root, e.name, "SKILL.md")))
        .map((e) => join(root, e.name))
        .sort());
  }

  private async release(skill: LoadedSkill): Promise<void> {
    if (!skill.code) return;
    try {
      await skill.code.deactivate({ skill: skill.manifest.name });
    } catch (err) {
      this.ctx.log("warn", `skill ${skill.manifest.name}: onDeactivate failed: ${(err as Error).message}`);
    } finally {
      skill.code.dispose();
    }
  }
}

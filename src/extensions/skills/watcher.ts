/**
 * @module Hot reload (layer 13, when `hotReload` is on): a recursive watcher on each skill folder; changes are
 * debounced, then the registry reloads with the hot-reload policy (invalid manifests and allowlist widening or
 * dropping refused, the rest swapped in atomically) and the outcome is logged — refusals as warnings, manifest
 * diffs as info.
 */
import { existsSync, watch, type FSWatcher } from "node:fs";
import type { LoadReport, SkillRegistry } from "./registry.ts";
import type { SkillsLog } from "./skills.ts";

/** A running watcher. */
export interface SkillWatcher {
  /** Resolves with the next reload's report (for callers that await a change). */
  nextReload(): Promise<LoadReport>;
  close(): void;
}

/** Logs a reload's outcome. */
export function logReload(report: LoadReport, log: SkillsLog): void {
  for (const r of report.refused) log("warn", `hot reload refused for skill ${r.skill}: ${r.reason}`, { skill: r.skill });
  for (const c of report.changed) log("info", `hot reload: skill ${c.skill} changed`, { skill: c.skill, diff: c.diff });
  for (const f of report.failures) log("warn", `skill not loaded: ${f.error}`, { dir: f.dir, layer: f.layer });
}

/**
 * Watches `dirs` (those that exist) and reloads `registry` after `debounceMs` of quiet.
 */
export function watchSkills(dirs: readonly string[], registry: SkillRegistry, log: SkillsLog, debounceMs = 100): SkillWatcher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waiters: Array<(r: LoadReport) => void> = [];
  const run = async () => {
    const report = await registry.reload(true);
    logReload(report, log);
    const done = waiters;
    waiters = [];
    for (const w of done) w(report);
  };
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run().catch((err) => log("error", `hot reload failed: ${(err as Error).message}`)), debounceMs);
  };
  const watchers: FSWatcher[] = dirs.filter((d) => existsSync(d)).map((d) => watch(d, { recursive: true }, changed));
  return {
    nextReload: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}

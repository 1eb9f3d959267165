/**
 * @module Loading plugins (extensions.md §1.5): discovery, then for each plugin the enablement rules
 * (`plugins.enabled` master switch; `deny` wins; a non-empty `allow` admits only its ids; `entries.<id>.enabled`;
 * bundled plugins default to off, installed ones to on), then its config validated against the manifest's schema
 * **before** its code is imported, then `register(api)`. A plugin that fails anywhere is recorded with the reason
 * and skipped; the others load. Unknown ids in `allow`, `deny` or `entries` are reported as problems.
 */
import type { MayrosPluginModule } from "./api.ts";
import { discoverPlugins, type Discovery, type PluginCandidate } from "./discovery.ts";
import { validatePluginConfig } from "./manifest.ts";
import { PluginRegistry, type PluginHostDeps, type PluginRecord } from "./registry.ts";

/** The `plugins` config section (see src/config/schema-plugins.ts). */
export interface PluginsSection {
  enabled: boolean;
  allow: string[];
  deny: string[];
  load: { paths: string[] };
  entries: Record<string, { enabled?: boolean; config?: unknown }>;
}

/** The loaded plugins and what went wrong around them. */
export interface LoadedPlugins {
  registry: PluginRegistry;
  /** Folders that were not plugins, duplicate ids, unknown ids in the config. */
  problems: Discovery["problems"];
}

/** Whether a plugin loads, and why not. */
export function enablement(section: PluginsSection, candidate: Pick<PluginCandidate, "id" | "origin">): { enabled: boolean; reason?: string } {
  if (!section.enabled) return { enabled: false, reason: "plugins.enabled is false" };
  if (section.deny.includes(candidate.id)) return { enabled: false, reason: "listed in plugins.deny" };
  if (section.allow.length > 0 && !section.allow.includes(candidate.id)) return { enabled: false, reason: "not listed in plugins.allow" };
  const explicit = section.entries[candidate.id]?.enabled;
  if (explicit === false) return { enabled: false, reason: `plugins.entries.${candidate.id}.enabled is false` };
  if (explicit === undefined && candidate.origin === "bundled") return { enabled: false, reason: `bundled plugins are off until plugins.entries.${candidate.id}.enabled is true` };
  return { enabled: true };
}

function moduleRegister(mod: unknown): ((api: Parameters<Extract<MayrosPluginModule, Function>>[0]) => unknown) | undefined {
  const exported = (mod as { default?: unknown })?.default ?? mod;
  if (typeof exported === "function") return exported as never;
  const object = exported as { register?: unknown; activate?: unknown };
  const fn = object?.register ?? object?.activate;
  return typeof fn === "function" ? (fn.bind(object) as never) : undefined;
}

/** Discovers, checks and registers every enabled plugin. Never throws for one plugin's failure. */
export async function loadPlugins(section: PluginsSection, deps: PluginHostDeps): Promise<LoadedPlugins> {
  const registry = new PluginRegistry(deps);
  const log = deps.log.child("plugins");
  if (!section.enabled) return { registry, problems: [] };
  const discovery = await discoverPlugins({ paths: section.load.paths, workspaceDir: deps.workspaceDir, stateDir: deps.stateDir });
  const known = new Set(discovery.candidates.map((c) => c.id));
  for (const [key, ids] of [["plugins.allow", section.allow], ["plugins.deny", section.deny], ["plugins.entries", Object.keys(section.entries)]] as const) {
    for (const id of ids) if (!known.has(id)) discovery.problems.push({ source: key, error: `${key}: unknown plugin id ${id}` });
  }
  for (const problem of discovery.problems) log.warn("plugin problem", problem);
  registry.problems.push(...discovery.problems);

  for (const candidate of discovery.candidates) {
    const { manifest } = candidate;
    const record: PluginRecord = {
      id: candidate.id, name: manifest.name ?? candidate.id, origin: candidate.origin, source: candidate.source, status: "disabled",
      ...(manifest.version ? { version: manifest.version } : {}), ...(manifest.kind ? { kind: manifest.kind } : {}),
      ...(manifest.description ? { description: manifest.description } : {}),
      registered: { tools: [], hooks: [], methods: [], routes: [], cli: [], services: [], commands: [], channels: [], providers: [] },
    };
    registry.records.push(record);
    const on = enablement(section, candidate);
    if (!on.enabled) {
      record.reason = on.reason!;
      continue;
    }
    const fail = (reason: string) => {
      record.status = "error";
      record.reason = reason;
      log.warn("plugin not loaded", { plugin: candidate.id, error: reason });
    };
    const config = await validatePluginConfig(manifest, section.entries[candidate.id]?.config);
    if (!config.ok) {
      fail(config.error);
      continue;
    }
    try {
      const register = moduleRegister(await candidate.load());
      if (!register) throw new Error("its module exports no register function (default export function, or { register(api) })");
      await register(registry.apiFor(record, manifest, config.value));
      record.status = "loaded";
      log.info("plugin loaded", { plugin: candidate.id, origin: candidate.origin });
    } catch (e) {
      fail((e as Error).message ?? String(e));
    }
  }
  return { registry, problems: discovery.problems };
}

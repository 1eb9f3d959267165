/**
 * @module `mayros plugins list|info|enable|disable|doctor`: the plugins the local config finds, read from their
 * manifests without running plugin code; `enable` / `disable` write `plugins.entries.<id>.enabled` into the config
 * file (validated, atomic; the gateway picks it up on restart); `doctor` checks manifests, trust (entry inside the
 * root, nothing world-writable), configs against their schemas, and unknown ids in the config.
 */
import type { Command } from "commander";
import { ConfigError, createConfigService, loadConfig, type LoadedConfig } from "../config/index.ts";
import { discoverPlugins, trustedEntry, type Discovery, type PluginCandidate } from "../plugins/discovery.ts";
import { enablement, type PluginsSection } from "../plugins/loader.ts";
import { validatePluginConfig } from "../plugins/manifest.ts";
import { workspaceOf } from "../gateway/services.ts";
import { CliError, ExitCode } from "./errors.ts";
import { formatTable, printJson, printLines } from "./output.ts";

interface Found {
  loaded: LoadedConfig;
  section: PluginsSection;
  discovery: Discovery;
}

async function find(): Promise<Found> {
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ env: process.env });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, ExitCode.USAGE);
    throw err;
  }
  const section = loaded.config.plugins as PluginsSection;
  const discovery = await discoverPlugins({ paths: section.load.paths, workspaceDir: workspaceOf(loaded), stateDir: loaded.paths.stateDir });
  return { loaded, section, discovery };
}

function summary(section: PluginsSection, c: PluginCandidate) {
  const on = enablement(section, c);
  return {
    id: c.id, name: c.manifest.name ?? c.id, version: c.manifest.version, kind: c.manifest.kind, origin: c.origin, source: c.source,
    enabled: on.enabled, ...(on.reason && { reason: on.reason }),
  };
}

/** The problems `doctor` finds for one plugin (empty: healthy). */
async function checkPlugin(section: PluginsSection, c: PluginCandidate): Promise<string[]> {
  const problems: string[] = [];
  if (c.origin !== "bundled") {
    try {
      trustedEntry(c.source, c.manifest);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const config = await validatePluginConfig(c.manifest, section.entries[c.id]?.config);
  if (!config.ok) problems.push(config.error);
  return problems;
}

function setEnabled(loaded: LoadedConfig, discovery: Discovery, id: string, enabled: boolean): void {
  if (!discovery.candidates.some((c) => c.id === id)) throw new CliError(`unknown plugin: ${id} (see mayros plugins list)`, ExitCode.USAGE);
  const service = createConfigService(loaded);
  try {
    service.write("patch", JSON.stringify({ plugins: { entries: { [id]: { enabled } } } }), service.get().hash);
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.USAGE);
  }
}

/** Registers `plugins` and its subcommands. */
export function registerPluginsCommand(program: Command): void {
  const plugins = program.command("plugins").description("list, inspect, enable, disable and check plugins");

  plugins.command("list").description("every plugin found, and whether it loads").option("--json", "print JSON")
    .action(async (flags: { json?: boolean }) => {
      const { section, discovery } = await find();
      const rows = discovery.candidates.map((c) => summary(section, c));
      if (flags.json) return printJson({ plugins: rows, problems: discovery.problems });
      if (rows.length === 0) printLines("no plugins found");
      else printLines(...formatTable(["ID", "VERSION", "ORIGIN", "ENABLED", "NOTE"], rows.map((r) => [r.id, r.version ?? "-", r.origin, r.enabled ? "yes" : "no", r.reason ?? ""])));
      for (const p of discovery.problems) printLines(`problem: ${p.source}: ${p.error}`);
    });

  plugins.command("info").description("one plugin's manifest and state").argument("<id>").option("--json", "print JSON")
    .action(async (id: string, flags: { json?: boolean }) => {
      const { section, discovery } = await find();
      const c = discovery.candidates.find((x) => x.id === id);
      if (!c) throw new CliError(`unknown plugin: ${id} (see mayros plugins list)`, ExitCode.USAGE);
      const info = { ...summary(section, c), description: c.manifest.description, configSchema: c.manifest.configSchema };
      if (flags.json) return printJson(info);
      printLines(`${info.name} (${info.id}) ${info.version ?? ""}`.trimEnd(), info.description ?? "", `origin: ${info.origin} (${info.source})`,
        `enabled: ${info.enabled ? "yes" : `no — ${info.reason}`}`, `config keys: ${Object.keys((c.manifest.configSchema.properties as object | undefined) ?? {}).join(", ") || "none"}`);
    });

  for (const [name, enabled] of [["enable", true], ["disable", false]] as const) {
    plugins.command(name).description(`${name} a plugin (plugins.entries.<id>.enabled; restart the gateway to apply)`).argument("<id>")
      .action(async (id: string) => {
        const { loaded, discovery } = await find();
        setEnabled(loaded, discovery, id, enabled);
        printLines(`${id} ${enabled ? "enabled" : "disabled"}; restart the gateway to apply`);
      });
  }

  plugins.command("doctor").description("check manifests, trust, configs and config ids; exit 1 on any problem").option("--json", "print JSON")
    .action(async (flags: { json?: boolean }) => {
      const { section, discovery } = await find();
      const known = new Set(discovery.candidates.map((c) => c.id));
      const findings = [...discovery.problems];
      for (const id of [...section.allow, ...section.deny, ...Object.keys(section.entries)]) {
        if (!known.has(id)) findings.push({ source: "config", error: `plugins: unknown plugin id ${id}` });
      }
      for (const c of discovery.candidates.filter((x) => enablement(section, x).enabled)) {
        for (const error of await checkPlugin(section, c)) findings.push({ source: c.id, error });
      }
      if (flags.json) printJson({ ok: findings.length === 0, findings });
      else printLines(...(findings.length ? findings.map((f) => `✗ ${f.source}: ${f.error}`) : [`✓ ${discovery.candidates.length} plugin(s) checked, no problems`]));
      if (findings.length) throw new CliError(`${findings.length} plugin problem(s)`);
    });
}

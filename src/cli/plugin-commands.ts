/**
 * @module CLI commands that plugins add (`registerCli`): for a command line whose first word is not a built-in
 * command, the plugins of the local config are loaded (their code registers, nothing is started) and their
 * registrars add commands to the program. Each added command gets the client flags (`--url`, `--token`, …), and a
 * plugin's `runtime.call` from it talks to the running gateway with those flags — never to a private copy of state.
 */
import type { Command } from "commander";
import { loadConfig } from "../config/index.ts";
import { createLogger } from "../logging/logger.ts";
import type { PluginsSection } from "../plugins/loader.ts";
import { loadConfiguredPlugins } from "../gateway/plugin-host.ts";
import { workspaceOf } from "../gateway/services.ts";
import type { ClientFlags } from "./target.ts";
import { clientOptions, withClient } from "./with-client.ts";

function subtree(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(subtree)];
}

/** Adds the plugins' CLI commands to `program`; a config that does not load adds none (built-in commands report it). */
export async function registerPluginCommands(program: Command): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig({ env: process.env });
  } catch {
    return;
  }
  const section = loaded.config.plugins as PluginsSection;
  if (!section.enabled) return;
  const log = createLogger("plugins", { level: "warn" });
  let flags: ClientFlags = {};
  const { registry } = await loadConfiguredPlugins({
    loaded, workspace: workspaceOf(loaded), log,
    call: (method, params) => withClient(flags, (client) => client.request(method, params)),
  });
  for (const { pluginId, registrar } of registry.cli) {
    const before = new Set(program.commands);
    try {
      registrar({ program, logger: log.child(`plugin:${pluginId}`) });
    } catch (e) {
      log.warn("plugin CLI registration failed", { plugin: pluginId, error: (e as Error).message ?? String(e) });
    }
    for (const top of program.commands.filter((c) => !before.has(c))) {
      for (const cmd of subtree(top)) {
        if (cmd.commands.length === 0) clientOptions(cmd).hook("preAction", (_self, action) => { flags = action.opts() as ClientFlags; });
        cmd.exitOverride();
      }
    }
  }
}

/**
 * @module The `lsp-bridge` plugin (extensions.md §6, issue 11): language servers configured per language, spawned
 * lazily on first use of a file of their language and spoken to over stdio with `vscode-languageserver-protocol`;
 * the diagnostics they publish stored in the plugin's SQLite database; the `lsp_*` tools, `lsp.*` methods and
 * `mayros lsp` commands; shutdown/exit of every server when the gateway stops. Registration does no I/O (the CLI
 * loads plugins too).
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import { LspBridge } from "./bridge.ts";
import { lspCli } from "./cli.ts";
import { readLspConfig } from "./config.ts";
import { LspManager } from "./manager.ts";
import { registerLspMethods } from "./methods.ts";
import { DiagnosticsStore } from "./store.ts";
import { lspTools } from "./tools.ts";

/** Registers the plugin's tools, methods, CLI commands and service. */
export function register(api: MayrosPluginApi): void {
  const config = readLspConfig(api.pluginConfig);
  const store = new DiagnosticsStore(() => api.runtime.database());
  const manager = new LspManager(config, api.runtime.workspaceDir, store, api.logger);
  const bridge = new LspBridge(manager, store, config);
  for (const tool of lspTools(api, bridge)) api.registerTool(tool);
  registerLspMethods(api, bridge);
  api.registerCli(lspCli(api.runtime), { commands: ["lsp"] });
  api.registerService({ id: "lsp-bridge-lifecycle", start: () => {}, stop: async () => { await manager.stop(); } });
}

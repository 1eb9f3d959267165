/**
 * @module `mayros lsp start [--language <l>] | stop [--language <l>] | status | diagnostics [path]`: each asks the
 * running gateway through `runtime.call` and prints text, or the method's JSON with `--json` (added by the host with
 * `--url`/`--token`).
 */
import type { PluginCliRegistrar, PluginRuntime } from "../../plugins/api.ts";
import type { DiagnosticsAnswer } from "./bridge.ts";
import { renderDiagnostics, renderStatus, renderStored } from "./format.ts";
import type { ServerStatus } from "./manager.ts";
import { LSP_METHODS } from "./methods.ts";
import type { StoredDiagnostics } from "./store.ts";

type Opts = Record<string, unknown> & { json?: boolean; language?: string };

const print = (text: string) => process.stdout.write(`${text}\n`);

/** The `lsp` command group; `workspace` makes printed paths relative. */
export function lspCli(runtime: PluginRuntime): PluginCliRegistrar {
  const call = (method: string, params: Record<string, unknown> = {}) => runtime.call(method, params);
  const out = <T>(o: Opts, value: T, text: (v: T) => string) => print(o.json ? JSON.stringify(value, null, 2) : text(value));
  const servers = async (o: Opts, method: string, params: Record<string, unknown> = {}) => {
    out(o, (await call(method, params)) as { servers: ServerStatus[] }, (v) => renderStatus(v.servers));
  };
  const language = (o: Opts) => (typeof o.language === "string" ? { language: o.language } : {});
  return ({ program }) => {
    const lsp = program.command("lsp").description("language servers of the running gateway (lsp-bridge plugin)");
    lsp.command("start").description("start the language servers (one with --language)").option("--language <language>", "only this language")
      .action((o: Opts) => servers(o, LSP_METHODS.start, language(o)));
    lsp.command("stop").description("stop the language servers (shutdown/exit); stored diagnostics stay available")
      .option("--language <language>", "only this language").action((o: Opts) => servers(o, LSP_METHODS.stop, language(o)));
    lsp.command("status").description("each server's state, process and restarts").action((o: Opts) => servers(o, LSP_METHODS.status));
    lsp.command("diagnostics").description("one file's diagnostics (path relative to the workspace), or every stored file with problems")
      .argument("[path]").action(async (path: string | undefined, o: Opts) => {
        const workspace = runtime.workspaceDir;
        if (path === undefined) {
          const { files } = (await call(LSP_METHODS.diagnostics)) as { files: StoredDiagnostics[] };
          out(o, { files }, (v) => (v.files.length ? v.files.map((f) => renderStored(workspace, f)).join("\n\n") : "no stored diagnostics"));
          return;
        }
        out(o, (await call(LSP_METHODS.diagnostics, { path })) as { file: DiagnosticsAnswer }, (v) => renderDiagnostics(workspace, v.file));
      });
  };
}

/**
 * @module The `lsp.*` gateway methods, for `mayros lsp` and operators: `lsp.start` and `lsp.stop` ({language?}:
 * one server or all; scope `operator.admin`), `lsp.status` and `lsp.diagnostics` ({path?}: one file, synced with
 * its server when it runs, else every stored file with problems; scope `operator.read`).
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import type { LspBridge } from "./bridge.ts";

/** The method names, for the CLI and tests. */
export const LSP_METHODS = {
  start: "lsp.start",
  stop: "lsp.stop",
  status: "lsp.status",
  diagnostics: "lsp.diagnostics",
} as const;

/** Registers the methods. */
export function registerLspMethods(api: MayrosPluginApi, bridge: LspBridge): void {
  const T = api.Type;
  const { manager } = bridge;
  const byLanguage = T.Object({ language: T.Optional(T.String({ minLength: 1 })) }, { additionalProperties: false });
  const language = (p: Record<string, unknown>) => p.language as string | undefined;
  api.registerGatewayMethod(LSP_METHODS.start, { scope: "operator.admin", params: byLanguage, handler: async (p) => ({ servers: await manager.start(language(p)) }) });
  api.registerGatewayMethod(LSP_METHODS.stop, { scope: "operator.admin", params: byLanguage, handler: async (p) => ({ servers: await manager.stop(language(p)) }) });
  api.registerGatewayMethod(LSP_METHODS.status, { scope: "operator.read", params: T.Object({}, { additionalProperties: false }), handler: () => ({ servers: manager.status() }) });
  api.registerGatewayMethod(LSP_METHODS.diagnostics, {
    scope: "operator.read",
    params: T.Object({ path: T.Optional(T.String({ minLength: 1 })) }, { additionalProperties: false }),
    handler: async (p) => (typeof p.path === "string" ? { file: await bridge.diagnostics(p.path) } : { files: bridge.allDiagnostics() }),
  });
}

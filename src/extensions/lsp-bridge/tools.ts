/**
 * @module The agent's code-intelligence tools: `lsp_diagnostics {path}`, `lsp_hover`, `lsp_definition` and
 * `lsp_completions {path, line, character}` (0-based, as in LSP). Paths are relative to the workspace; one outside
 * it, or outside its server's root, is a tool error. Each answer says whether it came from the live server or the
 * fallback (stored diagnostics, text symbol lookup); `details` carries the JSON.
 */
import type { MayrosPluginApi, PluginTool, PluginToolResult } from "../../plugins/api.ts";
import type { LspBridge } from "./bridge.ts";
import { renderCompletions, renderDiagnostics, renderHover, renderLocations } from "./format.ts";
import { fileUri } from "./paths.ts";

const ok = (text: string, details: unknown): PluginToolResult => ({ content: [{ type: "text", text }], details });
const failed = (tool: string, e: unknown): PluginToolResult => ({ content: [{ type: "text", text: `${tool}: ${(e as Error).message}` }], isError: true });

/** The four lsp_* tools. */
export function lspTools(api: MayrosPluginApi, bridge: LspBridge): PluginTool[] {
  const T = api.Type;
  const workspace = bridge.manager.workspace;
  const path = T.String({ minLength: 1, description: "File path, relative to the workspace." });
  const position = T.Object({
    path,
    line: T.Integer({ minimum: 0, description: "0-based line." }),
    character: T.Integer({ minimum: 0, description: "0-based character in the line." }),
  }, { additionalProperties: false });
  /** A positional tool: runs `run` and renders its answer, a thrown error being the tool's error. */
  const positional = <A>(name: string, label: string, description: string, run: (p: string, pos: { line: number; character: number }) => Promise<A>, render: (p: string, a: A) => string): PluginTool => ({
    name, label, description, parameters: position,
    async execute(_id, params) {
      const p = params.path as string;
      try {
        const answer = await run(p, { line: params.line as number, character: params.character as number });
        return ok(render(p, answer), answer);
      } catch (e) {
        return failed(name, e);
      }
    },
  });
  return [
    {
      name: "lsp_diagnostics",
      label: "Diagnostics",
      description: "Errors and warnings of a source file from its language server (the file is opened or updated from disk first and the server's fresh diagnostics awaited); the last stored ones when no server runs. Locations are printed path:line:col, 1-based.",
      parameters: T.Object({ path }, { additionalProperties: false }),
      async execute(_id, params) {
        try {
          const answer = await bridge.diagnostics(params.path as string);
          return ok(renderDiagnostics(workspace, answer), answer);
        } catch (e) {
          return failed("lsp_diagnostics", e);
        }
      },
    },
    positional("lsp_hover", "Hover", "Type and documentation of the symbol at a 0-based line/character of a file, from its language server (fallback: the symbol's declaring line found by text).",
      (p, pos) => bridge.hover(p, pos), (p, a) => renderHover(workspace, fileUri(bridge.manager.target(p).path), a)),
    positional("lsp_definition", "Go to definition", "Where the symbol at a 0-based line/character of a file is defined (path:line:col, 1-based), from its language server (fallback: declarations found by text).",
      (p, pos) => bridge.definition(p, pos), (_p, a) => renderLocations(workspace, a)),
    positional("lsp_completions", "Completions", "Completions at a 0-based line/character of a file (at most 50), from its language server (fallback: the file's words with the same prefix).",
      (p, pos) => bridge.completions(p, pos), (_p, a) => renderCompletions(a)),
  ];
}

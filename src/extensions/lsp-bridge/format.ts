/**
 * @module Text for people and models: diagnostics as `path:line:col severity code: message (source)` and locations
 * as `path:line:col` — both 1-based, like compilers print them (tool parameters and JSON stay 0-based, as in LSP).
 */
import type { Diagnostic, Location } from "vscode-languageserver-protocol";
import type { Answer, CompletionEntry, DiagnosticsAnswer, HoverResult } from "./bridge.ts";
import { displayPath, uriPath } from "./paths.ts";
import type { ServerStatus } from "./manager.ts";
import type { StoredDiagnostics } from "./store.ts";

const SEVERITIES = ["", "error", "warning", "info", "hint"];

const at = (workspace: string, uri: string, pos: { line: number; character: number }) => `${displayPath(workspace, uriPath(uri))}:${pos.line + 1}:${pos.character + 1}`;

/** One diagnostic on one line. */
function diagnosticLine(workspace: string, uri: string, d: Diagnostic): string {
  const code = d.code === undefined ? "" : ` ${d.source === "typescript" ? "TS" : ""}${d.code}`;
  return `${at(workspace, uri, d.range.start)} ${SEVERITIES[d.severity ?? 1]}${code}: ${d.message}${d.source ? ` (${d.source})` : ""}`;
}

/** A file's stored diagnostics, one per line, after a header saying when they were received. */
export function renderStored(workspace: string, s: StoredDiagnostics): string {
  const head = `${displayPath(workspace, uriPath(s.uri))}: ${s.diagnostics.length} diagnostic${s.diagnostics.length === 1 ? "" : "s"} (${s.language}, version ${s.version ?? "?"}, received ${new Date(s.receivedAt).toISOString()})`;
  return [head, ...s.diagnostics.map((d) => diagnosticLine(workspace, s.uri, d))].join("\n");
}

/** The answer of `lsp_diagnostics` / `lsp.diagnostics` for one file. */
export function renderDiagnostics(workspace: string, a: DiagnosticsAnswer): string {
  const name = displayPath(workspace, a.path);
  const origin = a.source === "live"
    ? (a.fresh ? "live from the language server" : "the server published nothing new in time; last stored")
    : `stored (${a.reason})`;
  if (!a.stored) return `${name}: no diagnostics ${a.source === "live" ? "received" : "stored"} — ${origin}`;
  return `${renderStored(workspace, a.stored)}\nsource: ${origin}`;
}

/** Where a fallback answer came from, or nothing for a live one. */
function sourceNote(a: Answer<unknown>): string {
  return a.source === "live" ? "" : `\n(fallback text lookup: ${a.reason})`;
}

/** A hover answer. */
export function renderHover(workspace: string, uri: string, a: Answer<HoverResult | null>): string {
  if (!a.result) return `nothing to show there${sourceNote(a)}`;
  return `${a.result.contents}${a.result.range ? `\n— ${at(workspace, uri, a.result.range.start)}` : ""}${sourceNote(a)}`;
}

/** A definition answer. */
export function renderLocations(workspace: string, a: Answer<Location[]>): string {
  if (a.result.length === 0) return `no definition found${sourceNote(a)}`;
  return `${a.result.map((l) => at(workspace, l.uri, l.range.start)).join("\n")}${sourceNote(a)}`;
}

/** A completions answer. */
export function renderCompletions(a: Answer<CompletionEntry[]>): string {
  if (a.result.length === 0) return `no completions${sourceNote(a)}`;
  return `${a.result.map((c) => (c.detail ? `${c.label} — ${c.detail}` : c.label)).join("\n")}${sourceNote(a)}`;
}

/** `lsp.status` for people. */
export function renderStatus(servers: ServerStatus[]): string {
  if (servers.length === 0) return "no language servers configured (plugins.entries.lsp-bridge.config.servers)";
  return servers.map((s) => [
    `${s.language}: ${s.state}${s.pid ? ` (pid ${s.pid})` : ""} — ${s.command} in ${s.root}, ${s.extensions.join(" ")}`,
    ...(s.restarts ? [`  restarts after a crash: ${s.restarts}`] : []),
    ...(s.lastError ? [`  last error: ${s.lastError}`] : []),
  ].join("\n")).join("\n");
}

/**
 * @module What the tools and methods ask: diagnostics, hover, definition and completions of a workspace file, from
 * the server of the file's language when it runs (the file opened or brought up to date first), else from the
 * fallback — the stored diagnostics, and the text symbol lookup of `symbols.ts` — with the reason it was used.
 */
import { access, readFile } from "node:fs/promises";
import type { CompletionItem, CompletionList, Definition, DefinitionLink, Hover, Location, MarkedString, MarkupContent, Position } from "vscode-languageserver-protocol";
import type { LspBridgeConfig } from "./config.ts";
import type { LspManager, Target } from "./manager.ts";
import { extensionOf, fileUri, languageIdOf, PathError } from "./paths.ts";
import type { LspServer, SyncedDocument } from "./server.ts";
import type { DiagnosticsStore, StoredDiagnostics } from "./store.ts";
import { findDeclarations, wordAt, wordsStartingWith } from "./symbols.ts";

/** An answer and where it came from: the live server, or the fallback (with why). */
export type Answer<T> = { source: "live"; language: string; result: T } | { source: "fallback"; reason: string; result: T };

/** A file's diagnostics: fresh from the live server, or the stored ones. */
export interface DiagnosticsAnswer {
  path: string;
  uri: string;
  source: "live" | "stored";
  /** Live only: false when the server published nothing new within the wait (the stored ones are returned). */
  fresh?: boolean;
  /** Why the stored ones were used. */
  reason?: string;
  stored?: StoredDiagnostics;
}

/** Hover text and the range it is about. */
export interface HoverResult {
  contents: string;
  range?: Location["range"];
}

/** A completion, reduced to what the agent reads. */
export interface CompletionEntry {
  label: string;
  kind?: number;
  detail?: string;
}

/** Most completion items returned. */
const MAX_COMPLETIONS = 50;

const markedText = (m: MarkedString | MarkupContent): string => (typeof m === "string" ? m : m.value);

/** LSP hover contents as plain text. */
function hoverText(h: Hover): string {
  return (Array.isArray(h.contents) ? h.contents.map(markedText).join("\n\n") : markedText(h.contents)).trim();
}

/** Any definition answer as locations. */
function locations(d: Definition | DefinitionLink[] | null): Location[] {
  if (!d) return [];
  return (Array.isArray(d) ? d : [d]).map((l) => ("targetUri" in l ? { uri: l.targetUri, range: l.targetSelectionRange } : l));
}

/** Any completion answer as at most {@link MAX_COMPLETIONS} entries. */
function completionEntries(c: CompletionItem[] | CompletionList | null): CompletionEntry[] {
  const items = Array.isArray(c) ? c : (c?.items ?? []);
  return items.slice(0, MAX_COMPLETIONS).map((i) => ({ label: i.label, ...(i.kind !== undefined && { kind: i.kind }), ...(i.detail && { detail: i.detail }) }));
}

/** The bridge's operations on workspace files. */
export class LspBridge {
  constructor(readonly manager: LspManager, private readonly store: DiagnosticsStore, private readonly config: LspBridgeConfig) {}

  /** @throws {PathError} outside the workspace or the server root, or when the file does not exist */
  private async target(path: string): Promise<Target> {
    const t = this.manager.target(path);
    await access(t.path).catch(() => { throw new PathError(`${path}: no such file`); });
    return t;
  }

  /** The live server of the file's language with the file synced to it, or why there is none. */
  private async live(t: Target): Promise<{ server: LspServer; doc: SyncedDocument; language: string } | { reason: string }> {
    if (!t.slot) return { reason: `no language server is configured for ${extensionOf(t.path) || "extensionless"} files` };
    const language = t.slot.config.language;
    try {
      const server = await this.manager.server(t.slot);
      if (!server) return { reason: `the ${language} server is stopped` };
      return { server, doc: await server.sync(t.path, languageIdOf(t.path, language)), language };
    } catch (e) {
      return { reason: (e as Error).message };
    }
  }

  /** Runs a live request, or the fallback when there is no server or the request fails. */
  private async ask<T>(path: string, request: (server: LspServer, uri: string) => Promise<T>, fallback: (t: Target) => Promise<T>): Promise<Answer<T>> {
    const t = await this.target(path);
    const live = await this.live(t);
    if ("reason" in live) return { source: "fallback", reason: live.reason, result: await fallback(t) };
    try {
      return { source: "live", language: live.language, result: await request(live.server, live.doc.uri) };
    } catch (e) {
      return { source: "fallback", reason: (e as Error).message, result: await fallback(t) };
    }
  }

  /**
   * The file's diagnostics: opened or updated on its server, then asked for them (`textDocument/diagnostic`) when it
   * offers that, else given up to `diagnosticsTimeoutMs` to publish fresh ones; the stored ones when no server runs
   * (or the request failed, or it published nothing new in time).
   */
  async diagnostics(path: string): Promise<DiagnosticsAnswer> {
    const t = await this.target(path);
    const uri = fileUri(t.path);
    const live = await this.live(t);
    if ("reason" in live) return { path: t.path, uri, source: "stored", reason: live.reason, ...this.stored(uri) };
    if (live.server.pullsDiagnostics) {
      try {
        await live.server.pullDiagnostics(uri);
      } catch (e) {
        return { path: t.path, uri, source: "stored", reason: (e as Error).message, ...this.stored(uri) };
      }
      return { path: t.path, uri, source: "live", fresh: true, ...this.stored(uri) };
    }
    const { diagnosticsTimeoutMs, diagnosticsSettleMs } = this.config;
    const fresh = await live.server.waitForDiagnostics(uri, live.doc.since, diagnosticsTimeoutMs, live.doc.changed ? diagnosticsSettleMs : 0);
    return { path: t.path, uri, source: "live", fresh, ...this.stored(uri) };
  }

  private stored(uri: string): { stored?: StoredDiagnostics } {
    const stored = this.store.get(uri);
    return stored ? { stored } : {};
  }

  /** Stored diagnostics of every file that has any. */
  allDiagnostics(): StoredDiagnostics[] {
    return this.store.withProblems();
  }

  /** Hover at a 0-based position; the fallback shows the declaring line of the identifier there. */
  hover(path: string, position: Position): Promise<Answer<HoverResult | null>> {
    return this.ask(path, async (server, uri) => {
      const h = await server.hover(uri, position);
      return h ? { contents: hoverText(h), ...(h.range && { range: h.range }) } : null;
    }, async (t) => {
      const [first] = await this.declarations(t, position);
      return first ? { contents: first.line, range: first.location.range } : null;
    });
  }

  /** Definition locations at a 0-based position; the fallback lists declarations of the identifier there. */
  definition(path: string, position: Position): Promise<Answer<Location[]>> {
    return this.ask(path, async (server, uri) => locations(await server.definition(uri, position)),
      async (t) => (await this.declarations(t, position)).map((d) => d.location));
  }

  /** Completions at a 0-based position; the fallback offers the file's identifiers that start with the word there. */
  completions(path: string, position: Position): Promise<Answer<CompletionEntry[]>> {
    return this.ask(path, async (server, uri) => completionEntries(await server.completion(uri, position)), async (t) => {
      const text = await readFile(t.path, "utf8");
      const prefix = wordAt(text, position)?.prefix ?? "";
      return wordsStartingWith(text, prefix).map((label) => ({ label }));
    });
  }

  private async declarations(t: Target, position: Position) {
    const word = wordAt(await readFile(t.path, "utf8"), position)?.word;
    if (!word) return [];
    const extensions = t.slot?.config.extensions ?? [extensionOf(t.path)].filter(Boolean);
    return findDeclarations(word, t.path, t.slot?.root ?? this.manager.workspace, extensions);
  }
}

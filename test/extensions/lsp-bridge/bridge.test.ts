/**
 * The LSP bridge without a working language server: a server that never answers `initialize` (timeout), one whose
 * command does not exist, and a file type with no server — each answered from the fallback (stored diagnostics,
 * the text symbol lookup) with the reason; a file outside its server's root refused; requests never routed to the
 * server of another language.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LspBridge } from "../../../src/extensions/lsp-bridge/bridge.ts";
import { readLspConfig } from "../../../src/extensions/lsp-bridge/config.ts";
import { LspManager } from "../../../src/extensions/lsp-bridge/manager.ts";
import { fileUri } from "../../../src/extensions/lsp-bridge/paths.ts";
import { DiagnosticsStore } from "../../../src/extensions/lsp-bridge/store.ts";
import { GREET_USE, writeFixtureProject } from "./fixture.ts";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe("the LSP bridge's fallback", () => {
  let workspace: string;
  let manager: LspManager;
  let bridge: LspBridge;
  let store: DiagnosticsStore;

  beforeAll(() => {
    workspace = writeFixtureProject();
    mkdirSync(join(workspace, "scripts"));
    writeFileSync(join(workspace, "scripts/tool.py"), "def helper():\n    return 1\n\nhelper()\n");
    writeFileSync(join(workspace, "notes.md"), "# notes\n");
    const config = readLspConfig({
      servers: [
        // Never answers: `sleep` reads nothing and writes nothing.
        { language: "typescript", command: "sleep", args: ["600"], rootUri: "src" },
        { language: "python", command: join(workspace, "no-such-server") },
      ],
      timeoutMs: 200, diagnosticsTimeoutMs: 200, diagnosticsSettleMs: 0, shutdownTimeoutMs: 200,
    });
    store = new DiagnosticsStore(() => new Database(":memory:"));
    manager = new LspManager(config, workspace, store, quiet);
    bridge = new LspBridge(manager, store, config);
  });
  afterAll(async () => {
    await manager.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it("should time out initialize, answer from the stored diagnostics, and leave the other language's server alone", async () => {
    const uri = fileUri(join(workspace, "src/main.ts"));
    const stored = { uri, language: "typescript", version: 4, diagnostics: [{ range: { start: { line: 2, character: 6 }, end: { line: 2, character: 11 } }, message: "stored error" }], receivedAt: 1 };
    store.put(stored);
    const answer = await bridge.diagnostics("src/main.ts");
    expect(answer).toEqual({ path: join(workspace, "src/main.ts"), uri, source: "stored", reason: "typescript server could not start: typescript server: initialize got no answer within 200 ms", stored });
    expect(manager.status().map((s) => [s.language, s.state])).toEqual([["typescript", "failed"], ["python", "idle"]]);
    expect(bridge.allDiagnostics()).toEqual([stored]);
  });

  it("should find a definition and hover by text, in the file and then across the server's files", async () => {
    const def = await bridge.definition("src/main.ts", GREET_USE);
    expect(def).toMatchObject({ source: "fallback", result: [{ uri: fileUri(join(workspace, "src/greet.ts")), range: { start: { line: 1, character: 16 } } }] });
    const hover = await bridge.hover("src/main.ts", { line: 2, character: 8 });
    expect(hover).toMatchObject({ source: "fallback", result: { contents: 'const count: number = "three";', range: { start: { line: 2, character: 6 } } } });
  });

  it("should say why when the command does not exist, and complete from the file's words", async () => {
    const c = await bridge.completions("scripts/tool.py", { line: 3, character: 3 });
    expect(c).toMatchObject({ source: "fallback", result: [{ label: "helper" }] });
    expect(c.source === "fallback" && c.reason).toStartWith("python server could not start: ENOENT");
    expect((await bridge.definition("notes.md", { line: 0, character: 3 })).source === "fallback").toBe(true);
    const none = await bridge.diagnostics("notes.md");
    expect(none).toMatchObject({ source: "stored", reason: "no language server is configured for .md files" });
    expect(none.stored).toBeUndefined();
  });

  it("should refuse a file outside its server's root, a missing file and an unknown language", async () => {
    writeFileSync(join(workspace, "outside.ts"), "");
    await expect(bridge.diagnostics("outside.ts")).rejects.toThrow(`outside.ts is outside the root ${join(workspace, "src")} of the typescript server`);
    await expect(bridge.hover("src/missing.ts", { line: 0, character: 0 })).rejects.toThrow("src/missing.ts: no such file");
    await expect(manager.start("cobol")).rejects.toThrow("no server is configured for cobol (configured: typescript, python)");
  });
});

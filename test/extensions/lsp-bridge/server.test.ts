/**
 * The LSP bridge against a fake language server (test/fakes/lsp-fake-server.ts) that offers pull diagnostics:
 * diagnostics are asked for and stored with the version sent, at once after an edit (no waiting for a push); a
 * request that gets no answer fails after the timeout, is cancelled on the server, and the fallback answers;
 * stop ends the process with shutdown/exit, not a kill.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LspBridge } from "../../../src/extensions/lsp-bridge/bridge.ts";
import { readLspConfig } from "../../../src/extensions/lsp-bridge/config.ts";
import { LspManager } from "../../../src/extensions/lsp-bridge/manager.ts";
import { DiagnosticsStore } from "../../../src/extensions/lsp-bridge/store.ts";
import { repoRoot } from "../../cli/spawn.ts";

/** A logger that keeps every line and lets a test await one. */
function recordingLogger() {
  const lines: string[] = [];
  const waiters: Array<{ text: string; resolve(): void }> = [];
  const add = (line: string) => {
    lines.push(line);
    for (const w of waiters.filter((w) => line.includes(w.text))) w.resolve();
  };
  return {
    lines,
    logger: { debug: add, info: add, warn: add, error: add },
    /** Resolves once a line containing `text` was logged. */
    seen: (text: string) => (lines.some((l) => l.includes(text)) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ text, resolve }))),
  };
}

describe("the LSP bridge with a pull-diagnostics server", () => {
  const workspace = mkdtempSync(join(tmpdir(), "mayros-lsp-fake-"));
  const file = join(workspace, "notes.fk");
  const log = recordingLogger();
  let manager: LspManager;
  let bridge: LspBridge;

  beforeAll(() => {
    const config = readLspConfig({
      servers: [{ language: "fake", command: process.execPath, args: [join(repoRoot, "test/fakes/lsp-fake-server.ts")], extensions: [".fk"] }],
      timeoutMs: 3000, diagnosticsTimeoutMs: 60_000, diagnosticsSettleMs: 0, shutdownTimeoutMs: 5000,
    });
    const store = new DiagnosticsStore(() => new Database(":memory:"));
    manager = new LspManager(config, workspace, store, log.logger);
    bridge = new LspBridge(manager, store, config);
  });
  afterAll(async () => {
    await manager.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it("should pull the diagnostics of each version, without waiting for a push", async () => {
    writeFileSync(file, "first line\n  TODO: finish\n");
    const first = await bridge.diagnostics("notes.fk");
    expect(first).toMatchObject({ source: "live", fresh: true, stored: { language: "fake", version: 1 } });
    expect(first.stored!.diagnostics).toEqual([{ range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } }, severity: 2, code: "todo", source: "fake-lsp", message: "unfinished work" }]);

    writeFileSync(file, "first line\n  done\n");
    const started = performance.now();
    const second = await bridge.diagnostics("notes.fk");
    expect(second).toMatchObject({ source: "live", fresh: true, stored: { version: 2, diagnostics: [] } });
    expect(performance.now() - started).toBeLessThan(5000); // far below diagnosticsTimeoutMs: nothing was awaited
  });

  it("should time out a request, cancel it on the server, and answer from the fallback", async () => {
    const hover = await bridge.hover("notes.fk", { line: 0, character: 2 });
    expect(hover).toEqual({ source: "fallback", reason: "fake server: hover got no answer within 3000 ms", result: null });
    await log.seen("fake server: hover cancelled");
    expect(await bridge.definition("notes.fk", { line: 1, character: 3 })).toMatchObject({ source: "live", result: [{ range: { start: { line: 0, character: 0 } } }] });
  });

  it("should stop the server with shutdown and exit", async () => {
    expect(manager.status()[0]).toMatchObject({ state: "running", restarts: 0 });
    expect((await manager.stop())[0]).toMatchObject({ state: "stopped" });
    expect(log.lines.filter((l) => l.includes("killed") || l.includes("unexpectedly"))).toEqual([]);
  });
});

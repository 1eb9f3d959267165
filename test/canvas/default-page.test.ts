import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CANVAS_INDEX_HTML, ensureCanvasRoot } from "../../src/canvas/default-page.ts";

let stateDir: string;
beforeEach(() => {
  stateDir = join(mkdtempSync(join(tmpdir(), "mayros-state-")), "nested", "state");
});
afterEach(() => rmSync(join(stateDir, "..", ".."), { recursive: true, force: true }));

describe("ensureCanvasRoot", () => {
  it("should create <stateDir>/canvas with the default index.html", async () => {
    const root = await ensureCanvasRoot(stateDir);
    expect(root).toBe(join(stateDir, "canvas"));
    expect(readFileSync(join(root, "index.html"), "utf8")).toBe(DEFAULT_CANVAS_INDEX_HTML);
    expect(DEFAULT_CANVAS_INDEX_HTML).toContain("agent can edit");
  });

  it("should never overwrite an existing index.html", async () => {
    const root = await ensureCanvasRoot(stateDir);
    writeFileSync(join(root, "index.html"), "mine");
    expect(await ensureCanvasRoot(stateDir)).toBe(root);
    expect(readFileSync(join(root, "index.html"), "utf8")).toBe("mine");
  });

  it("should be safe to call concurrently", async () => {
    const roots = await Promise.all([ensureCanvasRoot(stateDir), ensureCanvasRoot(stateDir), ensureCanvasRoot(stateDir)]);
    expect(new Set(roots).size).toBe(1);
    expect(existsSync(join(roots[0]!, "index.html"))).toBe(true);
  });

  it("should fail with the file system error when a file is in the way", async () => {
    await ensureCanvasRoot(stateDir);
    const blocked = join(stateDir, "blocked");
    writeFileSync(blocked, "");
    await expect(ensureCanvasRoot(blocked)).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});

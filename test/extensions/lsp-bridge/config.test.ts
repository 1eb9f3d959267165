/** The LSP bridge config: default extensions for well-known languages, and what JSON Schema cannot refuse. */
import { describe, expect, it } from "bun:test";
import { readLspConfig } from "../../../src/extensions/lsp-bridge/config.ts";

const base = { timeoutMs: 10_000, diagnosticsTimeoutMs: 15_000, diagnosticsSettleMs: 250, shutdownTimeoutMs: 2000 };

describe("readLspConfig", () => {
  it("should fill the usual extensions of a well-known language and keep configured ones lower-cased", () => {
    const c = readLspConfig({ ...base, servers: [{ language: "typescript", command: "tsls" }, { language: "zig", command: "zls", extensions: [".ZIG"] }] });
    expect(c.servers.map((s) => [s.language, s.args, s.extensions])).toEqual([
      ["typescript", [], [".ts", ".tsx", ".mts", ".cts"]],
      ["zig", [], [".zig"]],
    ]);
  });

  it("should refuse a language twice, an unknown language without extensions, and an extension claimed twice", () => {
    const field = "plugins.entries.lsp-bridge.config.servers";
    expect(() => readLspConfig({ ...base, servers: [{ language: "go", command: "a" }, { language: "go", command: "b" }] }))
      .toThrow(`${field}[1].language: go is configured twice`);
    expect(() => readLspConfig({ ...base, servers: [{ language: "zig", command: "zls" }] }))
      .toThrow(`${field}[0].extensions: required for zig (no default extensions are known for it)`);
    expect(() => readLspConfig({ ...base, servers: [{ language: "typescript", command: "a" }, { language: "deno", command: "b", extensions: [".ts"] }] }))
      .toThrow(`${field}[1].extensions: .ts is already served by typescript`);
  });
});

/** @module Tests of shell-free command lines: splitting into argv and resolving the binary. */
import { afterAll, describe, expect, it } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { resolveBinary, splitCommand } from "../../../src/agent/approvals/command.ts";

describe("splitCommand", () => {
  it("should split on whitespace and honour quotes and backslashes", () => {
    expect(splitCommand("git  commit -m 'two words'")).toEqual({ argv: ["git", "commit", "-m", "two words"] });
    expect(splitCommand(`echo "a \\"b\\" c" d\\ e ''`)).toEqual({ argv: ["echo", 'a "b" c', "d e", ""] });
    expect(splitCommand(`grep -E 'a|b;c>d' "x*y?"`)).toEqual({ argv: ["grep", "-E", "a|b;c>d", "x*y?"] });
    expect(splitCommand("a\\|b")).toEqual({ argv: ["a|b"] });
  });

  it("should expand a leading ~ only", () => {
    expect(splitCommand("ls ~ ~/x a~b")).toEqual({ argv: ["ls", homedir(), `${homedir()}/x`, "a~b"] });
  });

  it("should refuse shell syntax outside quotes", () => {
    for (const line of ["ls | wc", "a && b", "a; b", "cat < x", "echo hi > f", "echo $HOME", "echo `id`", "ls *.ts", "(ls)", "a\nb", 'echo "$HOME"']) {
      const out = splitCommand(line);
      expect("error" in out && out.error).toContain("shell syntax is not supported");
    }
  });

  it("should refuse empty lines and unterminated quotes", () => {
    expect(splitCommand("   ")).toEqual({ error: "command is empty" });
    expect(splitCommand("echo 'oops")).toEqual({ error: "unterminated single quote" });
    expect(splitCommand('echo "oops')).toEqual({ error: "unterminated double quote" });
  });
});

describe("resolveBinary", () => {
  const dir = mkdtempSync(join(tmpdir(), "mayros-bin-"));
  const tool = join(dir, "tool");
  writeFileSync(tool, "#!/bin/sh\necho hi\n");
  chmodSync(tool, 0o755);
  writeFileSync(join(dir, "plain"), "not executable");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should find a bare name on PATH", () => {
    expect(resolveBinary("tool", { cwd: "/", PATH: dir })).toBe(tool);
    expect(resolveBinary("tool", { cwd: "/", PATH: "/nonexistent" })).toBeUndefined();
  });

  it("should take a name with a slash relative to cwd, executable files only", () => {
    expect(resolveBinary("./tool", { cwd: dir })).toBe(tool);
    expect(resolveBinary(tool, { cwd: "/" })).toBe(tool);
    expect(resolveBinary("./plain", { cwd: dir })).toBeUndefined();
    expect(resolveBinary("./missing", { cwd: dir })).toBeUndefined();
    expect(resolveBinary(".", { cwd: dir })).toBeUndefined();
    expect(resolveBinary("", { cwd: dir })).toBeUndefined();
  });
});

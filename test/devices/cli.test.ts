/** @module `mayros devices --help` and the usage errors caught before connecting (exit 2). */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../cli/spawn.ts";

let stateDir: string;
const cli = (...args: string[]) => runCli(args, { stateDir });

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), "mayros-devices-cli-"));
});
afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

describe("mayros devices", () => {
  it("should list its subcommands in --help", async () => {
    const r = await cli("devices", "--help");
    expect(r.code).toBe(0);
    for (const sub of ["list", "approve", "reject", "remove", "rotate", "revoke"]) expect(r.stdout).toContain(`  ${sub} `);
  });

  it("should document the client flags and its own options in each subcommand's --help", async () => {
    const subs = [["list"], ["approve", "--latest"], ["reject"], ["remove"], ["rotate", "--device", "--role", "--scope"], ["revoke", "--device", "--role"]];
    const results = await Promise.all(subs.map(([sub]) => cli("devices", sub!, "--help")));
    results.forEach((r, i) => {
      expect(r.code).toBe(0);
      for (const flag of ["--url", "--token", "--json", "--timeout", ...subs[i]!.slice(1)]) expect(r.stdout).toContain(flag);
    });
  });

  it("should exit 2 without contacting a gateway for usage errors", async () => {
    const [noId, both, badRole, noRole] = await Promise.all([
      cli("devices", "approve"),
      cli("devices", "approve", "req-1", "--latest"),
      cli("devices", "rotate", "--device", "d1", "--role", "admin"),
      cli("devices", "revoke", "--device", "d1"),
    ]);
    expect(noId).toMatchObject({ code: 2, stderr: "error: give a requestId, or --latest for the newest pending request\n" });
    expect(both).toMatchObject({ code: 2, stderr: "error: give either a requestId or --latest, not both\n" });
    expect(badRole).toMatchObject({ code: 2, stderr: 'error: --role: expected operator or node, got "admin"\n' });
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toContain("--role");
  });
});

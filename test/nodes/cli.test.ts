/** @module `mayros nodes --help` and the usage errors caught before connecting (exit 2). */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../cli/spawn.ts";

let stateDir: string;
const cli = (...args: string[]) => runCli(args, { stateDir });

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), "mayros-nodes-cli-"));
});
afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

describe("mayros nodes", () => {
  it("should list its subcommands in --help", async () => {
    const r = await cli("nodes", "--help");
    expect(r.code).toBe(0);
    for (const sub of ["list", "describe", "invoke", "pending", "approve", "reject", "rename"]) expect(r.stdout).toContain(`  ${sub} `);
  });

  it("should document the client flags and its own options in each subcommand's --help", async () => {
    const subs = [
      ["list"], ["describe", "<nodeId>"], ["invoke", "<nodeId> <command>", "--params", "--invoke-timeout"], ["pending"],
      ["approve", "<requestId>"], ["reject", "<requestId>"], ["rename", "--node", "--name"],
    ];
    const results = await Promise.all(subs.map(([sub]) => cli("nodes", sub!, "--help")));
    results.forEach((r, i) => {
      expect(r.code).toBe(0);
      for (const flag of ["--url", "--token", "--json", "--timeout", ...subs[i]!.slice(1)]) expect(r.stdout).toContain(flag);
    });
  });

  it("should exit 2 without contacting a gateway for usage errors", async () => {
    const [badJson, zero, tooLong, emptyName, noName] = await Promise.all([
      cli("nodes", "invoke", "n1", "system.run", "--params", "{oops"),
      cli("nodes", "invoke", "n1", "system.run", "--invoke-timeout", "0"),
      cli("nodes", "invoke", "n1", "system.run", "--invoke-timeout", "600001"),
      cli("nodes", "rename", "--node", "n1", "--name", " "),
      cli("nodes", "rename", "--node", "n1"),
    ]);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toStartWith("error: --params: not valid JSON");
    expect(zero).toMatchObject({ code: 2, stderr: 'error: --invoke-timeout: expected 1..600000 milliseconds, got "0"\n' });
    expect(tooLong.code).toBe(2);
    expect(emptyName).toMatchObject({ code: 2, stderr: "error: --name: must not be empty\n" });
    expect(noName.code).toBe(2);
  });
});

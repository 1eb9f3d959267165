/** @module `mayros plugins list|info|enable|disable|doctor` on a state dir whose config loads the fixture plugins (no plugin code runs). */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { cpSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSON5 from "json5";
import { runCli } from "./spawn.ts";

let stateDir: string;
let marker: string;
const run = (...args: string[]) => runCli(["plugins", ...args], { stateDir, env: { HELLO_PLUGIN_MARKER: marker } });

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), "mayros-plugins-cli-"));
  marker = join(stateDir, "marker.log");
  cpSync(join(import.meta.dir, "..", "fixtures", "plugins"), join(stateDir, "extensions"), { recursive: true });
  writeFileSync(join(stateDir, "mayros.json"), JSON.stringify({ plugins: { entries: { hello: { config: { greeting: "hi" } } } } }));
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe("mayros plugins", () => {
  it("should list the plugins of <state>/extensions without running their code", async () => {
    const r = await run("list", "--json");
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const { plugins } = JSON.parse(r.stdout);
    const installed = plugins.filter((p: { origin: string }) => p.origin !== "bundled"); // bundled ones are listed too, off by default
    expect(installed.map((p: { id: string; origin: string; enabled: boolean }) => [p.id, p.origin, p.enabled])).toEqual([["denied", "global", true], ["hello", "global", true]]);
    expect(plugins.filter((p: { origin: string; enabled: boolean }) => p.origin === "bundled" && p.enabled)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    const info = await run("info", "hello");
    expect(info.stdout).toContain("Hello (hello) 1.0.0");
    expect(info.stdout).toContain("config keys: greeting, marker");
  });

  it("should disable and enable a plugin in the config file, and refuse an unknown id", async () => {
    const off = await run("disable", "denied");
    expect({ code: off.code, out: off.stdout.trim() }).toEqual({ code: 0, out: "denied disabled; restart the gateway to apply" });
    expect(JSON5.parse(readFileSync(join(stateDir, "mayros.json"), "utf8")).plugins.entries.denied).toEqual({ enabled: false });
    const listed = JSON.parse((await run("list", "--json")).stdout).plugins.find((p: { id: string }) => p.id === "denied");
    expect(listed).toMatchObject({ enabled: false, reason: "plugins.entries.denied.enabled is false" });
    const unknown = await run("enable", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown plugin: nope");
  });

  it("should report a config that fails its schema and a world-writable plugin, and pass once both are fixed", async () => {
    chmodSync(join(stateDir, "extensions", "hello"), 0o777);
    const bad = await run("doctor", "--json");
    expect(bad.code).toBe(1);
    const { findings } = JSON.parse(bad.stdout);
    expect(findings.map((f: { error: string }) => f.error)).toEqual([
      expect.stringContaining("is writable by everyone"),
      "plugins.entries.hello.config: must have required property 'marker'",
    ]);
    chmodSync(join(stateDir, "extensions", "hello"), 0o755);
    writeFileSync(join(stateDir, "mayros.json"), JSON.stringify({ plugins: { entries: { hello: { config: { marker } }, denied: { enabled: false } } } }));
    const good = await run("doctor");
    expect(good.code).toBe(0);
    expect(good.stdout.trim()).toMatch(/^✓ \d+ plugin\(s\) checked, no problems$/);
    expect(existsSync(marker)).toBe(false);
  });
});

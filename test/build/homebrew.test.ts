/**
 * build/homebrew.ts: the generated Formula/mayros.rb passes `ruby -c`, and loaded with a stand-in for
 * Homebrew's DSL it picks the right binary and checksum per platform, runs `mayros gateway` as its
 * service, installs the download as `mayros`, and its `test do` block passes against the real CLI.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { TARGETS, sha256sums } from "../../build/compile.ts";
import { homebrewFormula, parseSha256Sums } from "../../build/homebrew.ts";
import { repoRoot } from "../cli/spawn.ts";

const STUB = join(import.meta.dir, "homebrew-dsl-stub.rb");
const work = mkdtempSync(join(tmpdir(), "mayros-brew-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fake release: each target a small file, and SHA256SUMS made by the build's own function. */
const release = join(work, "release");
mkdirSync(release);
const sumsText = sha256sums(TARGETS.map(({ name }) => {
  const path = join(release, `mayros-${name}`);
  writeFileSync(path, `binary for ${name}\n`);
  return path;
}));
writeFileSync(join(release, "SHA256SUMS"), sumsText);
const sums = parseSha256Sums(sumsText);

function run(cmd: string[], cwd = repoRoot): { code: number; stdout: string; stderr: string } {
  const r = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Runs the generator as `bun run` users do and returns the formula path. */
function generate(out: string, ...extra: string[]): { code: number; stderr: string; formula: string } {
  const r = run([process.execPath, "build/homebrew.ts", "--sums", join(release, "SHA256SUMS"), "--out", out, ...extra]);
  return { code: r.code, stderr: r.stderr, formula: join(out, "Formula", "mayros.rb") };
}

describe("build/homebrew.ts", () => {
  const { code, formula } = generate(join(work, "tap"));

  it("should write Formula/mayros.rb that ruby -c accepts", () => {
    expect(code).toBe(0);
    const check = run(["ruby", "-c", formula]);
    expect(check.stdout.trim()).toBe("Syntax OK");
    expect(check.code).toBe(0);
  });

  it("should pick each platform's binary and checksum, run `mayros gateway` as the service and install as mayros", () => {
    const cases = [["macos", "arm", "darwin-arm64"], ["macos", "intel", "darwin-x64"], ["linux", "arm", "linux-arm64"], ["linux", "intel", "linux-x64"]] as const;
    for (const [os, cpu, target] of cases) {
      const downloads = join(work, `dl-${target}`);
      mkdirSync(downloads);
      writeFileSync(join(downloads, `mayros-${target}`), "x");
      const r = run(["ruby", STUB, os, cpu, formula, downloads]);
      expect(r.stderr).toBe("");
      const loaded = JSON.parse(r.stdout);
      expect(loaded).toMatchObject({
        version: pkg.version,
        url: `https://github.com/mayros/mayros/releases/download/v${pkg.version}/mayros-${target}`,
        sha256: sums.get(`mayros-${target}`),
        service: { run: ["/opt/homebrew/opt/mayros/bin/mayros", "gateway"], keep_alive: true, log_path: "/opt/homebrew/var/log/mayros.log" },
        test: true,
        installed: [[`mayros-${target}`, "mayros"]],
      });
      expect(loaded.caveats).toContain("mayros onboard");
    }
  });

  it("should have a test do block that passes against the CLI", () => {
    const bin = join(work, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "mayros"), `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, "src", "main.ts")}" "$@"\n`);
    chmodSync(join(bin, "mayros"), 0o755);
    const testDir = mkdtempSync(join(work, "testpath-"));
    const r = run(["ruby", STUB, "linux", "intel", formula, work, bin, testDir]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).test_passed).toBe(true);
  });

  it("should take --version and --base-url, and refuse SHA256SUMS without every platform", () => {
    const custom = generate(join(work, "custom"), "--version", "1.2.3", "--base-url", "http://127.0.0.1:9/rel/");
    expect(custom.code).toBe(0);
    const text = readFileSync(custom.formula, "utf8");
    expect(text).toContain('version "1.2.3"');
    expect(text).toContain('url "http://127.0.0.1:9/rel/mayros-linux-arm64"');
    const partial = sumsText.split("\n").filter((l) => !l.endsWith("darwin-x64")).join("\n");
    expect(() => homebrewFormula({ sums: partial, version: "1.0.0" })).toThrow("SHA256SUMS has no checksum for mayros-darwin-x64");
    expect(() => homebrewFormula({ sums: "nonsense\n", version: "1.0.0" })).toThrow('SHA256SUMS line 1 is not "<sha256>  <file>"');
    expect(() => homebrewFormula({ sums: sumsText, version: "v1" })).toThrow("version must look like 1.2.3");
    // A "#" or quote in a value cannot break out of the Ruby string.
    expect(homebrewFormula({ sums: sumsText, version: "1.0.0", baseUrl: 'http://x/#{`id`}"' })).toContain('url "http://x/\\#{`id`}\\"/mayros-');
  });
});

/**
 * Raspberry Pi: the linux-arm64 binary (`dist/mayros-linux-arm64`, cross-compiled here when absent) runs
 * under `qemu-aarch64` (Debian qemu-user, with libc6-arm64-cross as its sysroot): it prints its version,
 * and its gateway starts and answers `health` to the CLI. Skipped only where qemu is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { compile, gitCommit, stageControlUi } from "../../build/compile.ts";
import { CliProcess, freePort, repoRoot, runCli } from "../cli/spawn.ts";

const BINARY = join(repoRoot, "dist", "mayros-linux-arm64");
/** Where Debian's libc6-arm64-cross puts the aarch64 loader and libc. */
const SYSROOT = "/usr/aarch64-linux-gnu";
const qemu = Bun.which("qemu-aarch64");
const skipReason = !qemu
  ? "qemu-aarch64 is not installed (Debian package qemu-user; .ci/run installs it)"
  : !existsSync(join(SYSROOT, "lib", "ld-linux-aarch64.so.1"))
    ? `no aarch64 sysroot at ${SYSROOT} (Debian package libc6-arm64-cross; .ci/run installs it)`
    : undefined;
if (skipReason) console.warn(`skipping the linux-arm64 qemu test: ${skipReason}`);

const work = mkdtempSync(join(tmpdir(), "mayros-arm64-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the arm64 binary under qemu with a clean environment (no node_modules on PATH, an empty HOME). */
function spawnArm64(args: string[]): CliProcess {
  const env = { PATH: "/usr/bin:/bin", HOME: join(work, "home"), MAYROS_STATE_DIR: join(work, "state"), QEMU_LD_PREFIX: SYSROOT };
  return new CliProcess(Bun.spawn([qemu!, BINARY, ...args], { cwd: work, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
}

describe.skipIf(skipReason !== undefined)("linux-arm64 binary under qemu-aarch64", () => {
  beforeAll(async () => {
    if (existsSync(BINARY)) return;
    // Cross-compiling fetches Bun's aarch64 runtime from the npm registry once (then it is cached).
    const stage = mkdtempSync(join(tmpdir(), "mayros-arm64-ui-"));
    try {
      await compile(BINARY, { commit: gitCommit(), uiDir: await stageControlUi(stage), target: "bun-linux-arm64" });
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }, 300_000);

  it("should be an aarch64 executable that prints its version", async () => {
    const header = readFileSync(BINARY).subarray(0, 20);
    expect(header.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(header.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
    const run = spawnArm64(["--version"]);
    expect(await run.exited).toBe(0);
    expect(run.stdout.trim()).toMatch(new RegExp(`^${pkg.version.replace(/\./g, "\\.")} \\(([0-9a-f]{7,12}|unknown)\\)$`));
  }, 60_000);

  it("should start the gateway and answer health", async () => {
    const port = freePort();
    const token = "arm64-qemu-test-token-0123456789";
    const gateway = spawnArm64(["gateway", "--port", String(port), "--token", token]);
    try {
      await gateway.waitFor(/listening on ws:\/\/127\.0\.0\.1:\d+/, "stdout", 90_000);
      const health = await runCli(["health", "--url", `ws://127.0.0.1:${port}`, "--token", token, "--json"], { stateDir: join(work, "cli") });
      expect(health.stderr).toBe("");
      expect(health.code).toBe(0);
      expect(JSON.parse(health.stdout).ok).toBe(true);
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${gateway.pid}/status`, "utf8"))?.[1];
      console.log(`arm64 gateway under qemu-aarch64: RSS ${(Number(rss) / 1024).toFixed(1)} MiB (qemu's translator and code cache included)`);
    } finally {
      await gateway.dispose();
    }
  }, 120_000);
});

/**
 * build/install.sh, run by POSIX `sh` against a loopback HTTP server that serves fake releases (small
 * shell scripts stand in for the binaries): OS/arch pick, checksum check, install into ~/.local/bin or
 * --prefix, refusal on a mismatch, and the shasum / wget fallbacks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "bun";
import { TARGETS, sha256sums } from "../../build/compile.ts";
import { repoRoot } from "../cli/spawn.ts";

const SCRIPT = join(repoRoot, "build", "install.sh");
/** POSIX sh (dash on Debian), by absolute path: some tests run with a PATH of a few tools only. */
const SH = Bun.which("sh") ?? "/bin/sh";
/** Release folders served under `/<name>/`, file name → bytes. */
const releases = new Map<string, Map<string, Uint8Array>>();
const requests: string[] = [];
let server: Server<undefined>;
let fixtures: string;
const dirs: string[] = [];

/** A fake binary: a script that names its target, so a test can run what was installed. */
const fakeBinary = (name: string) => `#!/bin/sh\necho "fake mayros-${name}"\n`;

/** Adds release `/<name>/` with every target and a SHA256SUMS made by the build's own function, then `edit`ed. */
function addRelease(name: string, editSums: (sums: string) => string = (s) => s): string {
  const dir = join(fixtures, name);
  mkdirSync(dir);
  const files = new Map<string, Uint8Array>();
  const paths = TARGETS.map(({ name: target }) => {
    const path = join(dir, `mayros-${target}`);
    writeFileSync(path, fakeBinary(target));
    files.set(`mayros-${target}`, readFileSync(path));
    return path;
  });
  files.set("SHA256SUMS", new TextEncoder().encode(editSums(sha256sums(paths))));
  releases.set(name, files);
  return `http://127.0.0.1:${server.port}/${name}`;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mayros-install-"));
  dirs.push(dir);
  return dir;
}

/** Runs `sh build/install.sh args` with only the given environment (plus PATH). */
async function install(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([SH, SCRIPT, ...args], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** A PATH of one folder holding links to `tools` only (so a test can take sha256sum or curl away). */
function pathWith(tools: string[], extra: Record<string, string> = {}): string {
  const bin = join(tempDir(), "bin");
  mkdirSync(bin);
  for (const tool of tools) {
    const found = Bun.which(tool);
    if (!found) throw new Error(`${tool} is not installed (.ci/run installs it)`);
    symlinkSync(found, join(bin, tool));
  }
  for (const [name, body] of Object.entries(extra)) {
    writeFileSync(join(bin, name), body);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

/** The tools install.sh uses besides the downloader and the checksum program. */
const BASE_TOOLS = ["uname", "mktemp", "rm", "mkdir", "cp", "chmod", "mv", "awk", "cat"];
const hostTarget = `${process.platform === "darwin" ? "darwin" : "linux"}-${process.arch === "arm64" ? "arm64" : "x64"}`;

beforeAll(() => {
  fixtures = mkdtempSync(join(tmpdir(), "mayros-release-"));
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const [, release = "", file = ""] = new URL(req.url).pathname.split("/");
      requests.push(`${release}/${file}`);
      const body = releases.get(release)?.get(file);
      return body ? new Response(body) : new Response("not found", { status: 404 });
    },
  });
});
afterAll(() => {
  server.stop(true);
  rmSync(fixtures, { recursive: true, force: true });
});
afterEach(() => {
  requests.length = 0;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("build/install.sh", () => {
  it("should install this machine's binary into ~/.local/bin after checking SHA256SUMS, without root", async () => {
    const base = addRelease("good");
    const home = tempDir();
    const r = await install([], { HOME: home, MAYROS_INSTALL_BASE_URL: base });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const installed = join(home, ".local", "bin", "mayros");
    expect(readFileSync(installed, "utf8")).toBe(fakeBinary(hostTarget));
    expect(statSync(installed).mode & 0o777).toBe(0o755);
    expect(requests).toEqual([`good/mayros-${hostTarget}`, "good/SHA256SUMS"]);
    expect(r.stdout).toContain(`Installed mayros-${hostTarget}`);
    expect(r.stdout).toContain(`${join(home, ".local", "bin")} is not on your PATH`);
    // What was installed runs.
    const run = Bun.spawnSync([installed], { stdout: "pipe" });
    expect(run.stdout.toString()).toBe(`fake mayros-${hostTarget}\n`);
  });

  it("should honour --prefix and the OS/arch overrides, and replace an existing binary", async () => {
    const base = addRelease("other");
    const prefix = tempDir();
    mkdirSync(join(prefix, "bin"));
    writeFileSync(join(prefix, "bin", "mayros"), "old");
    const r = await install(["--prefix", prefix], {
      HOME: tempDir(), PATH: `${join(prefix, "bin")}:${process.env.PATH}`, MAYROS_INSTALL_BASE_URL: base, MAYROS_INSTALL_OS: "darwin", MAYROS_INSTALL_ARCH: "arm64",
    });
    expect(r.code).toBe(0);
    expect(readFileSync(join(prefix, "bin", "mayros"), "utf8")).toBe(fakeBinary("darwin-arm64"));
    expect(r.stdout).not.toContain("is not on your PATH");
    expect(requests[0]).toBe("other/mayros-darwin-arm64");
  });

  it("should refuse to install when the checksum does not match, saying so, with a non-zero exit", async () => {
    const base = addRelease("tampered", (sums) => sums.replace(new RegExp(`^[0-9a-f]{64}(  mayros-${hostTarget})$`, "m"), `${"0".repeat(64)}$1`));
    const home = tempDir();
    const r = await install([], { HOME: home, MAYROS_INSTALL_BASE_URL: base });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^install\\.sh: error: checksum mismatch for mayros-${hostTarget}: SHA256SUMS says 0{64} but the download is [0-9a-f]{64}; nothing was installed`));
    expect(existsSync(join(home, ".local", "bin", "mayros"))).toBe(false);
  });

  it("should refuse when SHA256SUMS has no line for the binary, and when a file is missing", async () => {
    const base = addRelease("nosum", (sums) => sums.split("\n").filter((l) => !l.endsWith(`mayros-${hostTarget}`)).join("\n"));
    const home = tempDir();
    const noSum = await install([], { HOME: home, MAYROS_INSTALL_BASE_URL: base });
    expect(noSum.code).toBe(1);
    expect(noSum.stderr).toContain(`SHA256SUMS from ${base} lists no checksum for mayros-${hostTarget}; nothing was installed`);
    const missing = await install([], { HOME: home, MAYROS_INSTALL_BASE_URL: `http://127.0.0.1:${server.port}/absent` });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`download failed: http://127.0.0.1:${server.port}/absent/mayros-${hostTarget}`);
    expect(existsSync(join(home, ".local", "bin", "mayros"))).toBe(false);
  });

  it("should verify with `shasum -a 256` and download with wget when sha256sum and curl are missing", async () => {
    const base = addRelease("fallbacks");
    const sha256sum = Bun.which("sha256sum")!;
    // A stand-in shasum that accepts only the `-a 256` call install.sh must make.
    const bin = pathWith([...BASE_TOOLS, "wget"], { shasum: `#!/bin/sh\n[ "$1" = -a ] && [ "$2" = 256 ] || exit 9\nshift 2\nexec ${sha256sum} "$@"\n` });
    const prefix = tempDir();
    const r = await install(["--prefix", prefix], { PATH: bin, HOME: tempDir(), MAYROS_INSTALL_BASE_URL: base });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(prefix, "bin", "mayros"), "utf8")).toBe(fakeBinary(hostTarget));
    // And without any checksum program it refuses rather than installing unverified.
    const none = await install(["--prefix", prefix], { PATH: pathWith([...BASE_TOOLS, "curl"]), HOME: tempDir(), MAYROS_INSTALL_BASE_URL: base });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("cannot verify the download: neither sha256sum nor shasum is installed");
  });

  it("should print usage for --help and exit 2 on an unknown argument or OS", async () => {
    const help = await install(["--help"], { HOME: tempDir() });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: install.sh [--prefix DIR]");
    const bad = await install(["--frobnicate"], { HOME: tempDir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown argument: --frobnicate");
    const os = await install([], { HOME: tempDir(), MAYROS_INSTALL_OS: "windows", MAYROS_INSTALL_BASE_URL: "http://127.0.0.1:1" });
    expect(os.code).toBe(2);
    expect(os.stderr).toContain("no release for windows-");
  });
});

/**
 * The single-binary build: `build/compile.ts --host-only` writes the host executable and SHA256SUMS; a copy
 * of it in an empty directory, with an empty HOME and no node_modules on PATH, prints its version and
 * commit, runs the gateway, answers a connected `health` and serves its embedded pages (control UI,
 * WebChat, A2UI host) and `/metrics` (the bundled observability plugin).
 */
import { afterAll, describe, expect, it } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { CliProcess, freePort, repoRoot } from "../cli/spawn.ts";

const out = mkdtempSync(join(tmpdir(), "mayros-build-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const built = join(out, "mayros");

/** PATH without any node_modules folder, so nothing of the source tree can be found through it. */
const cleanPath = (process.env.PATH ?? "/usr/bin:/bin").split(delimiter).filter((p) => !p.includes("node_modules")).join(delimiter);

/** Runs `binary args` with only PATH, HOME and `env` set, from `cwd`. */
function spawnBinary(binary: string, args: string[], cwd: string, home: string, env: Record<string, string> = {}): CliProcess {
  return new CliProcess(Bun.spawn([binary, ...args], { cwd, env: { PATH: cleanPath, HOME: home, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
}

describe("bun run build --host-only", () => {
  it("should compile dist/mayros and list it in SHA256SUMS", async () => {
    const build = Bun.spawn([process.execPath, "build/compile.ts", "--host-only", "--out", out], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
    expect(await build.exited).toBe(0);
    expect(existsSync(built)).toBe(true);
    expect(readFileSync(join(out, "SHA256SUMS"), "utf8")).toMatch(/^[0-9a-f]{64} {2}mayros\n$/);
  }, 120_000);

  it("should run from a copy in an empty directory with an empty HOME: version, gateway, health, embedded pages, /metrics", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mayros-empty-"));
    try {
      const home = join(dir, "home");
      const cwd = join(dir, "run");
      mkdirSync(home);
      mkdirSync(cwd);
      const binary = join(cwd, "mayros");
      copyFileSync(built, binary);
      expect(binary).not.toContain("node_modules");

      // The commit is baked in at build time ("dev" only when run from source).
      const version = spawnBinary(binary, ["--version"], cwd, home);
      expect(await version.exited).toBe(0);
      expect(version.stdout.trim()).toMatch(new RegExp(`^${pkg.version.replace(/\./g, "\\.")} \\(([0-9a-f]{7,12}|unknown)\\)$`));

      // The config lives outside HOME (which stays empty) and turns on the bundled observability plugin for /metrics.
      const config = join(dir, "mayros.json");
      writeFileSync(config, JSON.stringify({ plugins: { entries: { observability: { enabled: true } } } }));
      const port = freePort();
      const token = "build-test-token-0123456789abcdef";
      const gateway = spawnBinary(binary, ["gateway", "--port", String(port), "--token", token], cwd, home, { MAYROS_CONFIG_PATH: config });
      try {
        await gateway.waitFor(/listening on ws:\/\/127\.0\.0\.1:/, "stdout", 15_000);
        // The state went to the default ~/.mayros of the empty HOME, private to the user.
        expect(statSync(join(home, ".mayros")).mode & 0o777).toBe(0o700);
        // A real client connect (handshake, device identity) through the same binary.
        const health = spawnBinary(binary, ["health", "--url", `ws://127.0.0.1:${port}`, "--token", token, "--json"], cwd, home);
        expect(await health.exited).toBe(0);
        expect(JSON.parse(health.stdout).ok).toBe(true);

        const page = await fetch(`http://127.0.0.1:${port}/__mayros__/a2ui/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain("<html");
        // The control UI and WebChat, bundled at build time and embedded, with their scripts and styles.
        for (const [path, title] of [["/", "Mayros control"], ["/chat", "Mayros chat"]]) {
          const ui = await fetch(`http://127.0.0.1:${port}${path}`);
          expect(ui.status).toBe(200);
          expect(ui.headers.get("content-type")).toBe("text/html; charset=utf-8");
          const html = await ui.text();
          expect(html).toContain(`<title>${title}</title>`);
          const assets = [...html.matchAll(/(?:src|href)="(\/ui\/[^"]+)"/g)].map((m) => m[1]!);
          expect(assets.length).toBe(2);
          for (const asset of assets) {
            const res = await fetch(`http://127.0.0.1:${port}${asset}`);
            expect(res.status).toBe(200);
            expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
            expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
          }
        }
        // Prometheus metrics from the bundled observability plugin, compiled into the binary.
        const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(metrics.status).toBe(200);
        expect(metrics.headers.get("content-type")).toContain("text/plain");
        expect(metrics.headers.get("content-type")).toContain("version=0.0.4");
        expect(await metrics.text()).toMatch(/^# (HELP|TYPE) /m);
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${gateway.pid}/status`, "utf8"))?.[1];
        console.log(`host binary gateway after one connect and the pages: RSS ${(Number(rss) / 1024).toFixed(1)} MiB`);
      } finally {
        await gateway.dispose();
      }
      // Nothing was written next to the binary.
      expect(existsSync(join(cwd, ".mayros"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

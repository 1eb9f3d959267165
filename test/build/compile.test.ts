/** The single-binary build: the host executable runs from an empty directory with its version, commit and embedded assets (A2UI host, control UI, WebChat). */
import { afterAll, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { freePort } from "../cli/spawn.ts";

/** Resolves once `stream` has printed a line containing `text`. */
async function waitForLine(stream: ReadableStream<Uint8Array>, text: string): Promise<void> {
  let seen = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    seen += decoder.decode(chunk, { stream: true });
    if (seen.includes(text)) return;
  }
  throw new Error(`stream ended without "${text}": ${seen}`);
}

const out = mkdtempSync(join(tmpdir(), "mayros-build-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("bun run build --host-only", () => {
  it("should compile dist/mayros that prints its version and commit and lists SHA256SUMS", async () => {
    const build = Bun.spawn([process.execPath, "build/compile.ts", "--host-only", "--out", out], { cwd: join(import.meta.dir, "../.."), stdout: "pipe", stderr: "pipe" });
    expect(await build.exited).toBe(0);
    const binary = join(out, "mayros");
    expect(existsSync(binary)).toBe(true);
    const sums = readFileSync(join(out, "SHA256SUMS"), "utf8");
    expect(sums).toMatch(/^[0-9a-f]{64} {2}mayros\n$/);
    // Run from an empty directory: nothing may be read from the source tree.
    const cwd = mkdtempSync(join(tmpdir(), "mayros-empty-"));
    const run = Bun.spawn([binary, "--version"], { cwd, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
    const stdout = await new Response(run.stdout).text();
    expect(await run.exited).toBe(0);
    // The gateway starts from the binary alone and serves the embedded A2UI host page.
    const port = freePort();
    const gateway = Bun.spawn([binary, "gateway", "--port", String(port), "--token", "build-test-token"], {
      cwd, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "", MAYROS_STATE_DIR: join(cwd, "state") },
    });
    try {
      await waitForLine(gateway.stdout, "listening on ws://127.0.0.1:");
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
    } finally {
      gateway.kill();
      await gateway.exited;
      rmSync(cwd, { recursive: true, force: true });
    }
    // The commit is baked in at build time ("dev" only when run from source).
    expect(stdout.trim()).toMatch(new RegExp(`^${pkg.version.replace(/\./g, "\\.")} \\(([0-9a-f]{7,12}|unknown)\\)$`));
  }, 120_000);
});

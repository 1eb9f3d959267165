/** Shared fixtures for the canvas tests: a temp canvas root with a secret just outside it. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Bytes of a tiny PNG header, served back byte-for-byte. */
export const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
/** Content of the file outside the root that no request may reach. */
export const SECRET = "TOP SECRET outside the canvas root";

/** A temp tree: `<base>/root` (the canvas root) and `<base>/outside/secret.txt`. */
export interface CanvasFixture {
  base: string;
  root: string;
  outside: string;
  cleanup(): void;
}

/** Builds the fixture tree, symlinks included. */
export function makeCanvasFixture(): CanvasFixture {
  const base = mkdtempSync(join(tmpdir(), "mayros-canvas-"));
  const root = join(base, "root");
  const outside = join(base, "outside");
  mkdirSync(join(root, "sub", "deeper"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), SECRET);
  writeFileSync(join(outside, "index.html"), `<html><body>${SECRET}</body></html>`);
  writeFileSync(join(root, "index.html"), "<!doctype html><html><body><h1>Home</h1></body></html>");
  writeFileSync(join(root, "nobody.html"), "<p>no body tag</p>");
  writeFileSync(join(root, "app.js"), "console.log('</body>');\n");
  writeFileSync(join(root, "style.css"), "body { color: red; }\n");
  writeFileSync(join(root, "data.json"), '{"a":1}');
  writeFileSync(join(root, "pic.png"), PNG_BYTES);
  writeFileSync(join(root, "with space.txt"), "spaced");
  writeFileSync(join(root, "sub", "index.html"), "<html><body>sub index</body></html>");
  writeFileSync(join(root, "sub", "page.html"), "<html><body>sub page</body></html>");
  symlinkSync(join(outside, "secret.txt"), join(root, "evil"));
  symlinkSync(join(outside, "secret.txt"), join(root, "evil.html"));
  symlinkSync(outside, join(root, "evildir"));
  symlinkSync(join(root, "app.js"), join(root, "inner-link.js"));
  return { base, root, outside, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** Rejects when `promise` has not settled within `ms` (a bound, not a sleep). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { realpathSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { contentTypeFor, resolveFile, resolveInRoot, safeSegments } from "../../src/canvas/files.ts";
import { makeCanvasFixture, type CanvasFixture } from "./fixtures.ts";

let fx: CanvasFixture;
let realRoot: string;
beforeAll(() => {
  fx = makeCanvasFixture();
  realRoot = realpathSync(fx.root);
});
afterAll(() => fx.cleanup());

describe("resolveInRoot", () => {
  it("should resolve a plain file to its real path", () => {
    expect(resolveInRoot(fx.root, "/app.js")).toBe(join(realRoot, "app.js"));
    expect(resolveInRoot(fx.root, "sub/page.html")).toBe(join(realRoot, "sub", "page.html"));
  });

  it("should resolve the root and directories to index.html", () => {
    expect(resolveInRoot(fx.root, "")).toBe(join(realRoot, "index.html"));
    expect(resolveInRoot(fx.root, "/")).toBe(join(realRoot, "index.html"));
    expect(resolveInRoot(fx.root, "/sub/")).toBe(join(realRoot, "sub", "index.html"));
  });

  it("should flag a directory named without a trailing slash", () => {
    expect(resolveFile(fx.root, "/sub")).toEqual({ path: join(realRoot, "sub", "index.html"), needsSlash: true });
    expect(resolveFile(fx.root, "/sub/")?.needsSlash).toBe(false);
    expect(resolveFile(fx.root, "")?.needsSlash).toBe(true);
    expect(resolveFile(fx.root, "/")?.needsSlash).toBe(false);
  });

  it("should return null for a directory without index.html and for missing files", () => {
    expect(resolveInRoot(fx.root, "/sub/deeper/")).toBeNull();
    expect(resolveInRoot(fx.root, "/missing.html")).toBeNull();
  });

  it("should decode percent-encoded names once", () => {
    expect(resolveInRoot(fx.root, "/with%20space.txt")).toBe(join(realRoot, "with space.txt"));
  });

  it("should follow a symlink that stays inside the root", () => {
    expect(resolveInRoot(fx.root, "/inner-link.js")).toBe(join(realRoot, "app.js"));
  });

  it("should work when the root itself is reached through a symlink", () => {
    const link = join(fx.base, "root-link");
    symlinkSync(fx.root, link);
    expect(resolveInRoot(link, "/app.js")).toBe(join(realRoot, "app.js"));
  });

  const refused: Array<[string, string]> = [
    ["plain ..", "../outside/secret.txt"],
    ["leading-slash ..", "/../outside/secret.txt"],
    ["nested ..", "/sub/../../outside/secret.txt"],
    ["a harmless .. (all .. segments are refused)", "/sub/../index.html"],
    ["..%2f", "/..%2foutside%2fsecret.txt"],
    ["..%2F uppercase", "/..%2Foutside%2Fsecret.txt"],
    ["%2e%2e/", "/%2e%2e/outside/secret.txt"],
    ["%2E%2E%2F", "/%2E%2E%2Foutside%2Fsecret.txt"],
    ["double-encoded %252e%252e", "/%252e%252e/outside/secret.txt"],
    ["double-encoded %252e%252e%252f", "/%252e%252e%252foutside%252fsecret.txt"],
    ["triple-encoded %25252e", "/%25252e%25252e/outside/secret.txt"],
    ["backslashes", "/..\\outside\\secret.txt"],
    ["encoded backslash %5c", "/..%5coutside%5csecret.txt"],
    ["absolute //etc/passwd", "//etc/passwd"],
    ["encoded absolute %2fetc%2fpasswd", "/%2fetc%2fpasswd"],
    ["drive letter", "/C:/Windows/win.ini"],
    ["encoded drive letter", "/C%3A%5CWindows%5Cwin.ini"],
    ["NUL byte", "/index.html\u0000.txt"],
    ["encoded NUL", "/index.html%00.txt"],
    ["bad percent-encoding", "/%E0%A4%A"],
    ["symlink to a file outside", "/evil"],
    ["symlink to a directory outside", "/evildir/secret.txt"],
    ["symlink to a directory outside, as a directory", "/evildir/"],
  ];
  for (const [name, path] of refused) {
    it(`should refuse ${name}`, () => {
      expect(resolveInRoot(fx.root, path)).toBeNull();
    });
  }

  it("should refuse the absolute path of an existing file outside, in every spelling", () => {
    const secret = join(fx.outside, "secret.txt");
    for (const path of [secret, `/${secret}`, encodeURIComponent(secret), `/${encodeURIComponent(secret)}`]) {
      expect(resolveInRoot(fx.root, path)).toBeNull();
    }
  });

  it("should treat /etc/passwd as a path inside the root", () => {
    expect(resolveInRoot(fx.root, "/etc/passwd")).toBeNull();
    expect(resolveInRoot("/", "/etc/passwd")).toBe(realpathSync("/etc/passwd"));
  });

  it("should return null when the root does not exist", () => {
    expect(resolveInRoot(join(fx.base, "nope"), "/index.html")).toBeNull();
  });
});

describe("safeSegments", () => {
  it("should drop empty and dot segments", () => {
    expect(safeSegments("/a/./b/")).toEqual(["a", "b"]);
  });
});

describe("contentTypeFor", () => {
  it("should map every served extension", () => {
    const expected: Record<string, string> = {
      "a.html": "text/html; charset=utf-8",
      "a.js": "text/javascript; charset=utf-8",
      "a.mjs": "text/javascript; charset=utf-8",
      "a.css": "text/css; charset=utf-8",
      "a.json": "application/json; charset=utf-8",
      "a.svg": "image/svg+xml",
      "a.png": "image/png",
      "a.jpg": "image/jpeg",
      "a.gif": "image/gif",
      "a.webp": "image/webp",
      "a.ico": "image/x-icon",
      "a.txt": "text/plain; charset=utf-8",
      "a.wasm": "application/wasm",
      "a.js.map": "application/json; charset=utf-8",
      "A.PNG": "image/png",
      "a.bin": "application/octet-stream",
      "noext": "application/octet-stream",
    };
    for (const [name, type] of Object.entries(expected)) expect(`${name}: ${contentTypeFor(name)}`).toBe(`${name}: ${type}`);
  });
});

/**
 * @module What `mayros gateway` evaluates before it serves: the static import graph from its fast path
 * (src/cli/gateway-fast.ts), read with Bun's transpiler. Heavy modules must stay behind a lazy `import()`:
 * `node:crypto` (≈ 5 MiB of idle RSS to initialise), the CLI framework, the channel SDKs and the extensions.
 */
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const transpiler = new Bun.Transpiler({ loader: "ts" });

/** Every module reached by static imports from `entry` (files by absolute path, builtins by specifier). */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.startsWith("node:") || file.startsWith("bun:") || !/\.(m?[jt]s)$/.test(file)) continue;
    const code = readFileSync(file, "utf8");
    const loader = file.endsWith(".ts") ? transpiler : new Bun.Transpiler({ loader: "js" });
    for (const { path, kind } of loader.scanImports(code)) {
      if (kind !== "import-statement" && kind !== "require-call") continue;
      pending.push(path.startsWith("node:") || path.startsWith("bun:") ? path : Bun.resolveSync(path, dirname(file)));
    }
  }
  return seen;
}

describe("the gateway's start path", () => {
  const graph = staticGraph(join(ROOT, "src", "cli", "gateway-fast.ts"));
  const relative = [...graph].map((m) => (m.startsWith(ROOT) ? m.slice(ROOT.length + 1) : m));

  it("should be read for real (the protocol, the config and the server are in it)", () => {
    for (const m of ["src/protocol/catalog.ts", "src/config/load.ts", "src/gateway/server.ts"]) expect(relative).toContain(m);
  });

  it("should not reach node:crypto, commander, a channel SDK or an extension", () => {
    const heavy = relative.filter((m) =>
      m === "node:crypto" || m === "crypto"
      || /node_modules\/(commander|grammy|discord\.js|@slack|@whiskeysockets|qrcode|quickjs-emscripten|vscode-languageserver)/.test(m)
      || m.startsWith("src/extensions/"));
    expect(heavy).toEqual([]);
  });
});

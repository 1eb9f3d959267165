/**
 * The gateway as shipped: the single binary from `bun run build` (build/compile.ts: same flags, UI embedded), and the
 * raw echo compiled the same way — the floor any compiled Bun program starts from — as extra bench targets.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { compile, compileHost, gitCommit, stageControlUi } from "../../build/compile.ts";
import { BUN_BIN, REPO_ROOT, tempDir } from "./proc.ts";
import { mayrosTarget, rawTarget, type FrameSizes, type Target } from "./targets.ts";

/** The compiled targets, or why they could not be built. */
export interface CompiledTargets {
  mayros: Target | null;
  raw: Target | null;
  error?: string;
  /** Size of the gateway's binary and of the Bun runtime inside it, MB. */
  sizeMB?: number;
  runtimeMB?: number;
}

/**
 * Compiles src/main.ts exactly as `bun run build` compiles the host binary (bytecode order included), and
 * bench/raw-echo.ts with the same flags.
 * @param sizes the frame sizes the raw echo imitates
 */
export async function compiledTargets(sizes: FrameSizes): Promise<CompiledTargets> {
  const dir = tempDir("mayros-bench-binary-");
  const gateway = join(dir, "mayros");
  const raw = join(dir, "raw-echo");
  const commit = gitCommit();
  try {
    await compileHost(gateway, { commit, uiDir: await stageControlUi(join(dir, "stage")) }, dir);
    await compile(raw, { commit, entry: join(REPO_ROOT, "bench", "raw-echo.ts") });
  } catch (err) {
    return { mayros: null, raw: null, error: (err as Error).message };
  }
  const mb = (path: string) => Math.round(statSync(path).size / 1e5) / 10;
  return {
    sizeMB: mb(gateway), runtimeMB: mb(BUN_BIN),
    mayros: { ...mayrosTarget, name: "mayros (binary)", argv: (port) => [gateway, "gateway", "--port", String(port), "--token", mayrosTarget.token] },
    raw: rawTarget(sizes, [raw], "raw echo (binary)"),
  };
}

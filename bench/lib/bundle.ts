/** The gateway as shipped: the single binary from `bun run build` (build/compile.ts: same flags, UI embedded), as an extra bench target. */
import { statSync } from "node:fs";
import { join } from "node:path";
import { compile, gitCommit, stageControlUi } from "../../build/compile.ts";
import { BUN_BIN, tempDir } from "./proc.ts";
import { mayrosTarget, type Target } from "./targets.ts";

/**
 * Compiles src/main.ts into a single executable in a temp dir, exactly as `bun run build` compiles the host binary,
 * and describes it as a target.
 * @returns null (with the reason) when the build fails
 */
export async function bundledTarget(): Promise<{ target: Target | null; error?: string; sizeMB?: number; runtimeMB?: number }> {
  const dir = tempDir("mayros-bench-binary-");
  const outfile = join(dir, "mayros");
  try {
    await compile(outfile, gitCommit(), await stageControlUi(join(dir, "stage")));
  } catch (err) {
    return { target: null, error: (err as Error).message };
  }
  const mb = (path: string) => Math.round(statSync(path).size / 1e5) / 10;
  return {
    sizeMB: mb(outfile), runtimeMB: mb(BUN_BIN),
    target: {
      ...mayrosTarget,
      name: "mayros (binary)",
      argv: (port) => [outfile, "gateway", "--port", String(port), "--token", mayrosTarget.token],
    },
  };
}

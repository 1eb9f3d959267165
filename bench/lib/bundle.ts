/** The gateway bundled into one file with `bun build` (what a build step would ship), as an extra bench target. */
import { join } from "node:path";
import { BUN_BIN, REPO_ROOT, tempDir } from "./proc.ts";
import { mayrosTarget, type Target } from "./targets.ts";

/**
 * Bundles src/main.ts for the Bun target into a temp dir and describes it as a target.
 * @returns null (with the reason) when the build fails
 */
export async function bundledTarget(): Promise<{ target: Target | null; error?: string }> {
  const outdir = tempDir("mayros-bench-bundle-");
  try {
    const result = await Bun.build({ entrypoints: [join(REPO_ROOT, "src", "main.ts")], target: "bun", outdir });
    const entry = result.outputs.find((o) => o.kind === "entry-point");
    if (!result.success || !entry) return { target: null, error: result.logs.map((l) => l.message).join("; ") || "no entry point" };
    return {
      target: {
        ...mayrosTarget,
        name: "mayros (bundled)",
        argv: (port) => [BUN_BIN, entry.path, "gateway", "--port", String(port), "--token", mayrosTarget.token],
      },
    };
  } catch (err) {
    return { target: null, error: (err as Error).message };
  }
}

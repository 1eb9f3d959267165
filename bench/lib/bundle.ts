/** The gateway as shipped: the single binary from `bun build --compile` (bytecode, assets embedded), as an extra bench target. */
import { statSync } from "node:fs";
import { join } from "node:path";
import { BUN_BIN, REPO_ROOT, tempDir } from "./proc.ts";
import { mayrosTarget, type Target } from "./targets.ts";

/**
 * Compiles src/main.ts into a single executable in a temp dir (the flags of bun.md §7) and describes it as a target.
 * @returns null (with the reason) when the build fails
 */
export async function bundledTarget(): Promise<{ target: Target | null; error?: string; sizeMB?: number; runtimeMB?: number }> {
  const outfile = join(tempDir("mayros-bench-binary-"), "mayros");
  const build = Bun.spawn([
    BUN_BIN, "build", "--compile", "--minify", "--bytecode", "--format=esm",
    "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", "--asset=assets",
    join(REPO_ROOT, "src", "main.ts"), "--outfile", outfile,
  ], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if ((await build.exited) !== 0) return { target: null, error: (await new Response(build.stderr).text()).trim() || "bun build failed" };
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

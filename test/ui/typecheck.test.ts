/** The browser sources (assets/ui) have their own tsconfig (DOM types); they must typecheck as strictly as src/. */
import { describe, expect, it } from "bun:test";
import { join } from "node:path";

describe("assets/ui", () => {
  it("should typecheck with tsc -p assets/ui", async () => {
    const root = join(import.meta.dir, "../..");
    const tsc = Bun.spawn([join(root, "node_modules/.bin/tsc"), "-p", "assets/ui"], { cwd: root, stdout: "pipe", stderr: "pipe" });
    const out = await new Response(tsc.stdout).text();
    expect(out).toBe("");
    expect(await tsc.exited).toBe(0);
  });
});

/**
 * @module The hostile-skill corpus entries aimed at the sandbox (those whose expected.json names a `kind`), straight
 * through {@link loadSkillSandbox} + activate with small limits: each must fail with that SandboxError kind and
 * message, the host must see no more calls than the limits admit, and nothing of the host may change.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SandboxError } from "../../../../src/extensions/skills/sandbox/errors.ts";
import { loadSkillSandbox } from "../../../../src/extensions/skills/sandbox/quickjs-sandbox.ts";
import { RecordingHost, testLimits } from "./host-fake.ts";

const CORPUS = join(import.meta.dir, "../../../fixtures/hostile-skills");
const entries = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => ({ name: e.name, expected: JSON.parse(readFileSync(join(CORPUS, e.name, "expected.json"), "utf8")) as { kind?: string; message?: string; attack: string } }))
  .filter((e) => e.expected.kind !== undefined);

describe("hostile skills against the sandbox alone", () => {
  test("the corpus holds at least 8 sandbox entries", () => {
    expect(entries.length).toBeGreaterThanOrEqual(8);
  });

  for (const { name, expected } of entries) {
    test(`${name}: ${expected.attack} → ${expected.kind}`, async () => {
      const host = new RecordingHost();
      // A short deadline where the deadline is the layer under test; elsewhere room for a loaded machine.
      const executionTimeoutMs = expected.kind === "timeout" ? 250 : 5000;
      const limits = testLimits({ executionTimeoutMs, maxCallsPerMinute: 5, maxWritesPerSession: 3 });
      const source = readFileSync(join(CORPUS, name, "skill.ts"), "utf8");
      const error = await loadSkillSandbox(source, { filename: `${name}/skill.ts`, limits, host }).then(
        async (sandbox) => {
          try {
            await sandbox.activate({ skill: name, namespace: "mayros" });
          } finally {
            sandbox.dispose();
          }
        },
      ).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SandboxError);
      expect([(error as SandboxError).kind, (error as SandboxError).message]).toEqual([expected.kind!, expect.stringContaining(expected.message!) as unknown as string]);
      expect(host.count("createTriple")).toBeLessThanOrEqual(3);
      expect(host.calls.length).toBeLessThanOrEqual(5);
      expect(existsSync("/tmp/pwned")).toBe(false);
    });
  }
});

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SkillInstallError } from "../../../../src/extensions/skills/security/install-error.ts";
import { verifyThenPromote } from "../../../../src/extensions/skills/security/install.ts";
import { foldConfusables } from "../../../../src/extensions/skills/security/confusables.ts";
import { REDACTED, sanitizeEnrichment } from "../../../../src/extensions/skills/security/sanitizer.ts";
import { scanSkillDir } from "../../../../src/extensions/skills/security/scanner.ts";

/** The fields of a corpus entry's expected.json that these layers use. */
interface Expected {
  layer: string;
  attack: string;
  ruleId?: string;
  output?: string;
  mustNotMatch?: string;
  install?: { source: string; requireSignature: boolean; trustedKeys: string[] };
  mustNotExist?: string[];
}

const CORPUS = join(import.meta.dir, "../../../fixtures/hostile-skills");
const MINE = new Set(["scanner", "sanitizer", "path-traversal", "signature", "integrity"]);
const entries = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => ({ name: e.name, dir: join(CORPUS, e.name), expected: JSON.parse(readFileSync(join(CORPUS, e.name, "expected.json"), "utf8")) as Expected }))
  .filter((e) => MINE.has(e.expected.layer));

const work = mkdtempSync(join(tmpdir(), "hostile-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("hostile corpus: the security layers stop their entries", () => {
  test("at least 16 entries for these layers, each self-describing", () => {
    expect(entries.length).toBeGreaterThanOrEqual(16);
    for (const { dir, expected } of entries) {
      expect(readFileSync(join(dir, "SKILL.md"), "utf8")).toMatch(/^---\nname: [a-z0-9-]+\ntype: semantic\n/);
      expect(expected.attack.length).toBeGreaterThan(0);
    }
  });

  for (const { name, dir, expected } of entries) {
    test(`${name} (${expected.attack}) → ${expected.layer}`, async () => {
      if (expected.layer === "scanner") {
        const critical = scanSkillDir(dir).filter((f) => f.severity === "critical").map((f) => f.ruleId);
        expect(critical).toContain(expected.ruleId!);
      } else if (expected.layer === "sanitizer") {
        const output = readFileSync(join(dir, expected.output!), "utf8");
        expect(foldConfusables(output)).toMatch(new RegExp(expected.mustNotMatch!, "is")); // the attack is real
        expect(scanSkillDir(dir).filter((f) => f.severity === "critical")).toEqual([]); // only layer 2 stops it
        const sanitized = sanitizeEnrichment(output);
        expect(sanitized).not.toMatch(new RegExp(expected.mustNotMatch!, "is"));
        expect(sanitized).toContain(REDACTED);
      } else {
        const root = join(work, name, "skills");
        const { source, ...opts } = expected.install!;
        const err = await verifyThenPromote(join(dir, source), root, opts).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SkillInstallError);
        expect((err as SkillInstallError).layer).toBe(expected.layer as SkillInstallError["layer"]);
        expect(readdirSync(join(work, name))).toEqual(["skills"]);
        expect(readdirSync(root)).toEqual([]);
        for (const path of expected.mustNotExist ?? []) expect(existsSync(path)).toBe(false);
      }
    });
  }
});

import { afterEach, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeSkillDirHash, hashedFiles } from "../../../../src/extensions/skills/security/integrity.ts";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function skill(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), "integrity-"));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

test("layer 18: SHA-256 over sorted code and .md files as name:length:content", () => {
  const d = skill({ "skill.ts": "export default {}", "SKILL.md": "---\ntype: semantic\n---\n", "lib/a.js": "1", "data.json": "{}", ".git/x.js": "no" });
  expect(hashedFiles(d)).toEqual(["SKILL.md", "lib/a.js", "skill.ts"]);
  const expected = createHash("sha256")
    .update("SKILL.md:23:---\ntype: semantic\n---\n")
    .update("lib/a.js:1:1")
    .update("skill.ts:17:export default {}")
    .digest("hex");
  expect(computeSkillDirHash(d)).toBe(expected);
});

test("layer 18: any change to a covered file changes the hash; other files do not", () => {
  const d = skill({ "skill.ts": "export default {}", "notes.txt": "x" });
  const before = computeSkillDirHash(d);
  writeFileSync(join(d, "notes.txt"), "changed");
  expect(computeSkillDirHash(d)).toBe(before);
  writeFileSync(join(d, "skill.ts"), "export default { }");
  expect(computeSkillDirHash(d)).not.toBe(before);
});

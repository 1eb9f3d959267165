import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SkillInstallError, type InstallLayer } from "../../../../src/extensions/skills/security/install-error.ts";
import { verifyThenPromote } from "../../../../src/extensions/skills/security/install.ts";
import { computeSkillDirHash } from "../../../../src/extensions/skills/security/integrity.ts";
import { generateSkillKeyPair, signSkillDir, SIGNATURE_FILE } from "../../../../src/extensions/skills/security/signature.ts";
import { tarGz, type FixtureEntry } from "./tar-fixture.ts";

const MANIFEST = "---\nname: good-skill\ntype: semantic\nsemantic:\n  version: 1\n---\nA well-behaved skill.\n";
const CODE = "export default { name: 'good-skill', onQuery: () => ({ results: [] }) };\n";

let work = "";
let root = "";
const keys = generateSkillKeyPair();
const signed = { trustedKeys: [keys.publicKey], requireSignature: true };

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "install-"));
  root = join(work, "skills");
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Writes a skill dir under the work dir. */
function skillDir(name: string, files: Record<string, string> = { "SKILL.md": MANIFEST, "skill.ts": CODE }): string {
  const dir = join(work, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

/** Every path under `dir`, relative. */
function tree(dir: string): string[] {
  return existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).sort() : [];
}

async function refusedBy(promise: Promise<unknown>): Promise<InstallLayer> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SkillInstallError) return err.layer;
    throw err;
  }
  throw new Error("the install was not refused");
}

describe("layer 12: verify-then-promote", () => {
  test("a signed good skill is promoted with its hash, the staging dir gone", async () => {
    const dir = skillDir("src-skill", { "SKILL.md": MANIFEST, "skill.ts": CODE, ".config/x.json": "{}" });
    signSkillDir(dir, keys.privateKeyPkcs8);
    const sig = JSON.parse(readFileSync(join(dir, SIGNATURE_FILE), "utf8")) as { publicKey: string; files: Record<string, string> };
    expect(sig.publicKey).toBe(keys.publicKey);
    expect(Object.keys(sig.files)).toEqual([".config/x.json", "SKILL.md", "skill.ts"]);
    const installed = await verifyThenPromote(dir, root, signed);
    expect(installed).toEqual({ slug: "good-skill", dir: join(root, "good-skill"), hash: computeSkillDirHash(dir), findings: [] });
    expect(readdirSync(root)).toEqual(["good-skill"]);
    expect(tree(join(root, "good-skill"))).toEqual([".config", ".config/x.json", "SKILL.md", SIGNATURE_FILE, "skill.ts"]);
  });

  test("a signed archive with a top-level dir installs too", async () => {
    const dir = skillDir("src-skill");
    signSkillDir(dir, keys.privateKeyPkcs8);
    const files = ["SKILL.md", "skill.ts", SIGNATURE_FILE].map((f) => ({ name: `pkg/${f}`, data: readFileSync(join(dir, f), "utf8") }));
    const archive = join(work, "good.tgz");
    writeFileSync(archive, tarGz([{ name: "pkg/", type: "5" }, ...files]));
    expect((await verifyThenPromote(archive, root, signed)).dir).toBe(join(root, "good-skill"));
  });

  test("an installed slug is not overwritten unless asked; with overwrite it is replaced", async () => {
    const dir = skillDir("src-skill");
    signSkillDir(dir, keys.privateKeyPkcs8);
    await verifyThenPromote(dir, root, signed);
    expect(await refusedBy(verifyThenPromote(dir, root, signed))).toBe("promote");
    await verifyThenPromote(dir, root, { ...signed, overwrite: true });
    expect(readdirSync(root)).toEqual(["good-skill"]);
  });

  test("unsigned with requireSignature → signature; accepted without it", async () => {
    const dir = skillDir("src-skill");
    expect(await refusedBy(verifyThenPromote(dir, root, signed))).toBe("signature");
    expect(readdirSync(root)).toEqual([]);
    expect((await verifyThenPromote(dir, root, { trustedKeys: [], requireSignature: false })).slug).toBe("good-skill");
  });

  test("a key that is not trusted → signature", async () => {
    const dir = skillDir("src-skill");
    signSkillDir(dir, generateSkillKeyPair().privateKeyPkcs8);
    expect(await refusedBy(verifyThenPromote(dir, root, signed))).toBe("signature");
  });

  test("a forged signature (files edited in SKILL.sig) → signature", async () => {
    const dir = skillDir("src-skill");
    signSkillDir(dir, keys.privateKeyPkcs8);
    const sig = JSON.parse(readFileSync(join(dir, SIGNATURE_FILE), "utf8")) as { files: Record<string, string> };
    writeFileSync(join(dir, "skill.ts"), "eval('x')");
    sig.files["skill.ts"] = new Bun.CryptoHasher("sha256").update("eval('x')").digest("hex");
    writeFileSync(join(dir, SIGNATURE_FILE), JSON.stringify(sig));
    expect(await refusedBy(verifyThenPromote(dir, root, signed))).toBe("signature");
  });

  test.each([
    ["a file changed after signing", (dir: string) => writeFileSync(join(dir, "skill.ts"), `${CODE}// changed\n`)],
    ["a file added after signing", (dir: string) => writeFileSync(join(dir, "extra.js"), "1")],
    ["a file removed after signing", (dir: string) => rmSync(join(dir, "skill.ts"))],
  ])("%s → integrity", async (_name, tamper) => {
    const dir = skillDir("src-skill");
    signSkillDir(dir, keys.privateKeyPkcs8);
    tamper(dir);
    expect(await refusedBy(verifyThenPromote(dir, root, signed))).toBe("integrity");
    expect(readdirSync(root)).toEqual([]);
  });

  test("a critical scanner finding → scanner", async () => {
    const dir = skillDir("src-skill", { "SKILL.md": MANIFEST, "skill.ts": "const f = globalThis['ev' + 'al'];\nf('1');\n" });
    signSkillDir(dir, keys.privateKeyPkcs8);
    expect(await refusedBy(verifyThenPromote(dir, root, signed))).toBe("scanner");
    expect(readdirSync(root)).toEqual([]);
  });

  test("a bad manifest or slug → manifest", async () => {
    const noType = skillDir("a", { "SKILL.md": "---\nname: x\n---\n" });
    expect(await refusedBy(verifyThenPromote(noType, root, { trustedKeys: [], requireSignature: false }))).toBe("manifest");
    const badSlug = skillDir("b", { "SKILL.md": MANIFEST.replace("good-skill", "Bad_Slug") });
    expect(await refusedBy(verifyThenPromote(badSlug, root, { trustedKeys: [], requireSignature: false }))).toBe("manifest");
  });

  test("a symlink in a skill dir → path-traversal", async () => {
    const dir = skillDir("src-skill");
    symlinkSync("/etc/passwd", join(dir, "passwd.md"));
    expect(await refusedBy(verifyThenPromote(dir, root, { trustedKeys: [], requireSignature: false }))).toBe("path-traversal");
  });
});

describe("layer 11: path traversal in archives", () => {
  const good: FixtureEntry[] = [{ name: "SKILL.md", data: MANIFEST }, { name: "skill.ts", data: CODE }];
  test.each<[string, FixtureEntry[]]>([
    ["../ escape", [{ name: "../escaped.txt", data: "pwned" }]],
    ["nested ../ escape", [{ name: "a/../../escaped.txt", data: "pwned" }]],
    ["absolute path", [{ name: `/tmp/escaped-${process.pid}.txt`, data: "pwned" }]],
    ["../ in a pax path header", [{ name: "PaxHeader", type: "x", data: "21 path=../escaped\n" }, { name: "innocent.txt", data: "pwned" }]],
    ["../ in a GNU long name", [{ name: "././@LongLink", type: "L", data: "../escaped.txt" }, { name: "innocent.txt", data: "pwned" }]],
    ["symlink", [{ name: "link", type: "2", linkname: "/etc/passwd" }]],
    ["symlink to a parent", [{ name: "up", type: "2", linkname: ".." }]],
    ["hard link", [{ name: "hard", type: "1", linkname: "/etc/passwd" }]],
    ["character device", [{ name: "dev", type: "3" }]],
  ])("%s → path-traversal, nothing written outside", async (_name, hostile) => {
    const archive = join(work, "hostile.tar.gz");
    writeFileSync(archive, tarGz([...good, ...hostile]));
    const before = tree(work);
    expect(await refusedBy(verifyThenPromote(archive, root, { trustedKeys: [], requireSignature: false }))).toBe("path-traversal");
    expect(tree(work)).toEqual([...before, "skills"].sort());
    expect(readdirSync(root)).toEqual([]);
    expect(existsSync(`/tmp/escaped-${process.pid}.txt`)).toBe(false);
  });

  test("a file where the archive later wants a dir → integrity, staging removed", async () => {
    const archive = join(work, "clash.tgz");
    writeFileSync(archive, tarGz([...good, { name: "x", data: "file" }, { name: "x/y", data: "under a file" }]));
    expect(await refusedBy(verifyThenPromote(archive, root, { trustedKeys: [], requireSignature: false }))).toBe("integrity");
    expect(readdirSync(root)).toEqual([]);
  });

  test("a source that does not exist → manifest", async () => {
    expect(await refusedBy(verifyThenPromote(join(work, "nope.tgz"), root, { trustedKeys: [], requireSignature: false }))).toBe("manifest");
  });

  test("a corrupt archive → integrity", async () => {
    const archive = join(work, "bad.tgz");
    const bytes = tarGz(good);
    writeFileSync(archive, bytes.subarray(0, bytes.length - 20));
    expect(await refusedBy(verifyThenPromote(archive, root, { trustedKeys: [], requireSignature: false }))).toBe("integrity");
  });
});

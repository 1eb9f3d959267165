/**
 * @module Verify-then-promote install (extensions.md §10, layers 11–12). A skill dir or archive is staged into a
 * fresh hidden dir inside `skillsRoot` (same file system, so the final rename is atomic), then checked in order —
 * path traversal (while staging), `SKILL.sig` signature and file hashes, the manifest and its slug, the static
 * scanner (any critical finding refuses) — and only then renamed into `skillsRoot/<slug>`. Whatever fails, the
 * staging dir is removed and nothing under `skillsRoot` has changed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { ManifestError, parseSkillManifest } from "../manifest.ts";
import { hasCritical, type ScanFinding } from "./findings.ts";
import { SkillInstallError } from "./install-error.ts";
import { computeSkillDirHash } from "./integrity.ts";
import { scanSkillDir } from "./scanner.ts";
import { verifySkillSignature } from "./signature.ts";
import { ARCHIVE, stageSkill } from "./stage.ts";

/** An installed skill's slug must match this. */
export const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** How to install. */
export interface InstallOptions {
  /** Base64 raw 32-byte Ed25519 public keys whose signatures are accepted. */
  trustedKeys: string[];
  /** Refuse skills without a valid `SKILL.sig` by a trusted key. */
  requireSignature: boolean;
  /** Replace an installed skill of the same slug (default: refuse). */
  overwrite?: boolean;
}

/** What an install answers. */
export interface InstalledSkill {
  slug: string;
  /** `skillsRoot/<slug>`. */
  dir: string;
  /** The integrity hash (layer 18) of the promoted dir. */
  hash: string;
  /** The scanner's findings (none critical). */
  findings: ScanFinding[];
}

/** The slug from the manifest's `name`, else `fallback`. @throws {SkillInstallError} manifest */
function skillSlug(skillDir: string, fallback: string): string {
  const manifestPath = join(skillDir, "SKILL.md");
  if (!existsSync(manifestPath)) throw new SkillInstallError("manifest", "no SKILL.md");
  let name: string;
  try {
    name = parseSkillManifest(readFileSync(manifestPath, "utf8"), fallback).name;
  } catch (err) {
    if (err instanceof ManifestError) throw new SkillInstallError("manifest", err.message);
    throw err;
  }
  if (!SLUG.test(name)) throw new SkillInstallError("manifest", `slug "${name}" must match ${SLUG.source}`);
  return name;
}

/** Renames `from` onto `target`; an existing target is moved aside into `aside` first and removed after. */
function promote(from: string, target: string, aside: string, overwrite: boolean): void {
  if (existsSync(target)) {
    if (!overwrite) throw new SkillInstallError("promote", `"${basename(target)}" is already installed`);
    renameSync(target, aside);
  }
  try {
    renameSync(from, target);
  } catch (err) {
    if (existsSync(aside)) renameSync(aside, target);
    throw new SkillInstallError("promote", `rename failed: ${(err as Error).message}`);
  }
}

/**
 * Installs a skill dir or `.tar.gz`/`.tgz` archive into `skillsRoot/<slug>` after verifying it.
 * @throws {SkillInstallError} naming the layer that refused it; nothing is promoted then
 */
export async function verifyThenPromote(source: string, skillsRoot: string, opts: InstallOptions): Promise<InstalledSkill> {
  mkdirSync(skillsRoot, { recursive: true });
  const staging = mkdtempSync(join(skillsRoot, ".install-"));
  try {
    const into = join(staging, ".staging");
    mkdirSync(into);
    const skillDir = stageSkill(source, into);
    verifySkillSignature(skillDir, opts);
    const slug = skillSlug(skillDir, skillDir === into ? basename(source).replace(ARCHIVE, "") : basename(skillDir));
    const findings = scanSkillDir(skillDir);
    if (hasCritical(findings)) {
      const list = findings.filter((f) => f.severity === "critical").map((f) => `${f.ruleId} in ${f.file}${f.line ? `:${f.line}` : ""}`);
      throw new SkillInstallError("scanner", `critical findings: ${list.join(", ")}`);
    }
    const hash = computeSkillDirHash(skillDir);
    const dir = join(skillsRoot, slug);
    promote(skillDir, dir, join(staging, "previous"), opts.overwrite ?? false);
    return { slug, dir, hash, findings };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * @module Staging a skill for install (extensions.md §10, layer 11): a skill dir is copied, an archive extracted,
 * into a fresh staging dir, and nothing can land outside it — symlinks, hard links, devices, absolute names and
 * `..` segments are refused (`path-traversal`) before anything is written, and every target path is checked to
 * be inside the staging dir again when written.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { SkillInstallError } from "./install-error.ts";
import { listSkillFiles } from "./skill-files.ts";
import { readTar } from "./tar.ts";

/** The archive file names accepted. */
export const ARCHIVE = /\.(?:tar\.gz|tgz|tar)$/;

/** True when `child` is `parent` or inside it (both resolved). */
export function isPathInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** The path of `rel` inside `root`. @throws {SkillInstallError} path-traversal when it would leave `root` */
function inside(root: string, rel: string): string {
  const target = resolve(root, rel);
  if (!isPathInside(root, target)) throw new SkillInstallError("path-traversal", `"${rel}" resolves outside the staging dir`);
  return target;
}

/** Copies a skill dir (every regular file, hidden ones too) into `into`; refuses any symlink or special file. */
function copySkillDir(source: string, into: string): void {
  const files = listSkillFiles(source, {
    everyDir: true,
    onOther: (rel) => {
      throw new SkillInstallError("path-traversal", `"${rel}" is a symlink or special file`);
    },
  });
  for (const rel of files) {
    const target = inside(into, rel);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(source, rel), target);
  }
}

/** Extracts a checked archive into `into`; every entry was validated before the first write. */
function extractArchive(archive: string, into: string): void {
  const entries = readTar(readFileSync(archive));
  for (const entry of entries) {
    const target = inside(into, entry.path);
    if (entry.type === "dir") mkdirSync(target, { recursive: true });
    else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, entry.data, { mode: 0o644 });
    }
  }
}

/**
 * Puts the skill at `source` (a dir, or a `.tar.gz`/`.tgz`/`.tar` archive) into the empty dir `into` and answers the
 * skill's root: `into` itself, or for an archive whose only entry is a dir (`my-skill/…`), that dir.
 */
export function stageSkill(source: string, into: string): string {
  if (!existsSync(source)) throw new SkillInstallError("manifest", `"${source}" does not exist`);
  if (lstatSync(source).isDirectory()) {
    copySkillDir(source, into);
    return into;
  }
  if (!ARCHIVE.test(source)) throw new SkillInstallError("manifest", `"${source}" is neither a skill dir nor a .tar.gz/.tgz archive`);
  try {
    extractArchive(source, into);
  } catch (err) {
    if (err instanceof SkillInstallError) throw err;
    throw new SkillInstallError("integrity", `the archive cannot be extracted: ${(err as Error).message}`);
  }
  const top = readdirSync(into, { withFileTypes: true });
  return top.length === 1 && top[0]!.isDirectory() ? join(into, top[0]!.name) : into;
}

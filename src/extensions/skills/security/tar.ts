/**
 * @module A small, strict tar reader for skill archives (extensions.md §10, layer 11). It parses a whole (optionally
 * gzipped) ustar/pax/GNU archive into entries before anything is written, and refuses — as `path-traversal` —
 * any entry that is a symlink, a hard link, a device or a FIFO, or whose name is absolute, has a drive letter or
 * a backslash, or has a `..` segment. A malformed archive (bad checksum, truncated, base-256 sizes, more than
 * 64 MiB unpacked) is refused as `integrity`. No tar package is installed; node:zlib does the gunzip.
 */
import { gunzipSync } from "node:zlib";
import { SkillInstallError } from "./install-error.ts";

/** One archive entry that passed the checks: a dir or a regular file at a safe relative path. */
export interface TarEntry {
  /** Relative path with `/` separators, no `.` or `..` segments. */
  path: string;
  type: "file" | "dir";
  data: Uint8Array;
}

/** The largest unpacked archive accepted. */
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;
const BLOCK = 512;

const malformed = (why: string): SkillInstallError => new SkillInstallError("integrity", `malformed archive: ${why}`);
const traversal = (why: string): SkillInstallError => new SkillInstallError("path-traversal", why);

function text(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

function octal(block: Uint8Array, offset: number, length: number): number {
  if ((block[offset]! & 0x80) !== 0) throw malformed("base-256 numeric fields are not supported");
  const digits = text(block, offset, length).trim();
  if (!/^[0-7]*$/.test(digits)) throw malformed("bad numeric field");
  return digits === "" ? 0 : parseInt(digits, 8);
}

function checksumOk(block: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return sum === octal(block, 148, 8);
}

/** The safe relative form of an entry name. @throws {SkillInstallError} path-traversal for an unsafe one */
export function safeEntryPath(name: string): string {
  if (name.includes("\0") || name.includes("\\")) throw traversal(`entry "${name}" has a NUL or backslash`);
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) throw traversal(`entry "${name}" is an absolute path`);
  const segments = name.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw traversal(`entry "${name}" has a ".." segment`);
  return segments.join("/");
}

/** Reads `key=value` records of a pax extended header. */
function paxPath(data: Uint8Array): string | undefined {
  const records = new TextDecoder().decode(data);
  for (const match of records.matchAll(/^\d+ ([^=\n]+)=([^\n]*)$/gm)) if (match[1] === "path") return match[2];
  return undefined;
}

const REFUSED_TYPES: Record<string, string> = { "1": "a hard link", "2": "a symlink", "3": "a character device", "4": "a block device", "6": "a FIFO" };

/** Parses a tar (gzipped or not) into checked entries. @throws {SkillInstallError} path-traversal or integrity */
export function readTar(archive: Uint8Array): TarEntry[] {
  let bytes: Uint8Array;
  try {
    bytes = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive, { maxOutputLength: MAX_ARCHIVE_BYTES }) : archive;
  } catch (err) {
    throw malformed(`gunzip failed (${(err as Error).message})`);
  }
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  let offset = 0;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return entries;
    if (!checksumOk(header)) throw malformed(`bad header checksum at byte ${offset}`);
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const start = offset + BLOCK;
    if (start + size > bytes.length) throw malformed("truncated entry");
    const data = bytes.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    const prefix = text(header, 257, 6) === "ustar" ? text(header, 345, 155) : "";
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type === "x") longName = paxPath(data);
    else if (type === "L") longName = text(data, 0, data.length);
    else if (type === "g") continue;
    else if (REFUSED_TYPES[type]) throw traversal(`entry "${name}" is ${REFUSED_TYPES[type]}`);
    else if (type !== "0" && type !== "\0" && type !== "5") throw traversal(`entry "${name}" has unsupported type "${type}"`);
    else {
      const path = safeEntryPath(name);
      if (path !== "") entries.push({ path, type: type === "5" ? "dir" : "file", data });
      else if (type !== "5") throw traversal(`file entry "${name}" has no name`);
    }
  }
  if (offset === bytes.length) return entries;
  throw malformed("trailing bytes after the last entry");
}

/**
 * A minimal ustar writer for building install archives in tests, including hostile ones (`../` names, absolute
 * paths, symlinks, hard links, devices) that a real tar tool would refuse to create.
 */
import { gzipSync } from "node:zlib";

/** One entry to write: a file (`data`), a dir, or a link/device with `type` and `linkname`. */
export interface FixtureEntry {
  name: string;
  data?: string;
  /** ustar type flag: "0" file (default), "5" dir, "1" hard link, "2" symlink, "3"/"4" devices, "6" FIFO. */
  type?: string;
  linkname?: string;
}

function field(header: Uint8Array, offset: number, length: number, value: string): void {
  header.set(new TextEncoder().encode(value).subarray(0, length), offset);
}

function octalField(header: Uint8Array, offset: number, length: number, value: number): void {
  field(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

/** A gzipped tar of `entries`, in order. */
export function tarGz(entries: FixtureEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const data = new TextEncoder().encode(entry.data ?? "");
    const header = new Uint8Array(512);
    field(header, 0, 100, entry.name);
    octalField(header, 100, 8, entry.type === "5" ? 0o755 : 0o644);
    octalField(header, 108, 8, 0);
    octalField(header, 116, 8, 0);
    octalField(header, 124, 12, data.length);
    octalField(header, 136, 12, 0);
    field(header, 148, 8, "        ");
    field(header, 156, 1, entry.type ?? "0");
    field(header, 157, 100, entry.linkname ?? "");
    field(header, 257, 8, "ustar\u000000");
    const sum = header.reduce((a, b) => a + b, 0);
    field(header, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    blocks.push(header);
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  return gzipSync(Buffer.concat(blocks));
}

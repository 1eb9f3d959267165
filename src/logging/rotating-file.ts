/** @module An append-only log file that rotates to `.1`, `.2`, … when it passes a size. */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** Options of {@link RotatingFile}. */
export interface RotatingFileOptions {
  /** Rotate when the file would pass this size. @default 10 MiB */
  maxBytes?: number;
  /** Rotated files kept besides the live one. @default 3 */
  maxFiles?: number;
}

/**
 * Appends lines to `path`, rotating by size. Writes are synchronous so `logs.tail` always sees them;
 * the file stays open between lines (opening it per line cost a fifth of a handshake's CPU).
 */
export class RotatingFile {
  private size: number;
  private fd: number | null = null;
  private readonly maxBytes: number;
  private readonly maxFiles: number;

  constructor(readonly path: string, { maxBytes = 10 * 1024 * 1024, maxFiles = 3 }: RotatingFileOptions = {}) {
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.size = existsSync(path) ? statSync(path).size : 0;
  }

  /** Appends one line (a newline is added). */
  append(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    this.fd ??= openSync(this.path, "a", 0o600);
    writeSync(this.fd, `${line}\n`);
    this.size += bytes;
  }

  /** Closes the file; a later append reopens it. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private rotate(): void {
    this.close();
    const oldest = `${this.path}.${this.maxFiles}`;
    if (existsSync(oldest)) unlinkSync(oldest);
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      const from = `${this.path}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.path}.${i + 1}`);
    }
    if (this.maxFiles > 0) renameSync(this.path, `${this.path}.1`);
    else unlinkSync(this.path);
    this.size = 0;
  }
}

import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLogTail } from "../../src/logging/tail.ts";

let dir: string;
let file: string;
const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `line ${from + i}`);
const write = (ls: string[]) => writeFileSync(file, ls.map((l) => `${l}\n`).join(""));
const append = (text: string) => appendFileSync(file, text);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mayros-tail-"));
  file = join(dir, "gateway.log");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("readLogTail", () => {
  it("should return the last limit lines without a cursor, with the cursor at the end", () => {
    write(lines(10));
    const page = readLogTail(file, { limit: 3 });
    expect(page.lines).toEqual(["line 8", "line 9", "line 10"]);
    expect(page.cursor).toBe(statSync(file).size);
    expect(page.size).toBe(statSync(file).size);
    expect(page.truncated).toBe(true);
    expect(page.file).toBe(file);
  });

  it("should return every line, not truncated, when they fit", () => {
    write(lines(4));
    const page = readLogTail(file);
    expect(page.lines).toEqual(lines(4));
    expect(page.truncated).toBeUndefined();
    expect(page.reset).toBeUndefined();
  });

  it("should return only the lines written after the cursor", () => {
    write(lines(3));
    const first = readLogTail(file);
    append("line 4\nline 5\n");
    const next = readLogTail(file, { cursor: first.cursor });
    expect(next.lines).toEqual(["line 4", "line 5"]);
    expect(next.cursor).toBe(statSync(file).size);
    const idle = readLogTail(file, { cursor: next.cursor });
    expect(idle.lines).toEqual([]);
    expect(idle.cursor).toBe(next.cursor);
  });

  it("should not return a partial trailing line until it is complete", () => {
    writeFileSync(file, "a\nb\npart");
    const page = readLogTail(file);
    expect(page.lines).toEqual(["a", "b"]);
    expect(page.cursor).toBe(4);
    const fromCursor = readLogTail(file, { cursor: 0 });
    expect(fromCursor.lines).toEqual(["a", "b"]);
    expect(fromCursor.cursor).toBe(4);
    append("ial done\n");
    expect(readLogTail(file, { cursor: page.cursor }).lines).toEqual(["partial done"]);
  });

  it("should stop at maxBytes on a whole line, set truncated, and continue from there", () => {
    write(lines(10)); // "line 1\n" … "line 9\n" are 7 bytes, "line 10\n" 8
    const first = readLogTail(file, { cursor: 0, maxBytes: 20 });
    expect(first.lines).toEqual(["line 1", "line 2"]);
    expect(first.cursor).toBe(14);
    expect(first.truncated).toBe(true);
    const seen = [...first.lines];
    let cursor = first.cursor;
    for (let guard = 0; guard < 10; guard++) {
      const page = readLogTail(file, { cursor, maxBytes: 20 });
      seen.push(...page.lines);
      cursor = page.cursor;
      if (!page.truncated) break;
    }
    expect(seen).toEqual(lines(10));
  });

  it("should drop the partial first line of a maxBytes window without a cursor", () => {
    write(lines(10));
    const page = readLogTail(file, { maxBytes: 12 }); // "ine 9\nline 10\n" minus the cut line
    expect(page.lines).toEqual(["line 10"]);
    expect(page.truncated).toBe(true);
    expect(page.cursor).toBe(statSync(file).size);
  });

  it("should stop at limit lines after a cursor and continue right after them", () => {
    write(lines(5));
    const page = readLogTail(file, { cursor: 0, limit: 2 });
    expect(page.lines).toEqual(["line 1", "line 2"]);
    expect(page.truncated).toBe(true);
    expect(readLogTail(file, { cursor: page.cursor }).lines).toEqual(["line 3", "line 4", "line 5"]);
  });

  it("should restart at the top with reset when the cursor is past the end (rotated file)", () => {
    write(lines(50));
    const old = readLogTail(file);
    write(["fresh 1", "fresh 2"]);
    const page = readLogTail(file, { cursor: old.cursor });
    expect(page.reset).toBe(true);
    expect(page.lines).toEqual(["fresh 1", "fresh 2"]);
    expect(page.cursor).toBe(statSync(file).size);
  });

  it("should make progress through a line longer than maxBytes, cutting between characters", () => {
    const long = "é".repeat(30); // 60 bytes
    writeFileSync(file, `short\n${long}\nend\n`);
    const pieces: string[] = [];
    let cursor = 0;
    for (let guard = 0; guard < 20; guard++) {
      const page = readLogTail(file, { cursor, maxBytes: 25 });
      expect(page.cursor).toBeGreaterThan(cursor);
      pieces.push(...page.lines);
      cursor = page.cursor;
      if (!page.truncated) break;
    }
    expect(cursor).toBe(statSync(file).size);
    expect(pieces[0]).toBe("short");
    expect(pieces.at(-1)).toBe("end");
    expect(pieces.slice(1, -1).join("")).toBe(long);
    expect(pieces.join("")).not.toContain("\uFFFD");
  });

  it("should answer an empty page for a missing file", () => {
    expect(readLogTail(join(dir, "missing.log"))).toEqual({ file: join(dir, "missing.log"), cursor: 0, size: 0, lines: [] });
    expect(readLogTail(join(dir, "missing.log"), { cursor: 10 }).reset).toBe(true);
  });
});

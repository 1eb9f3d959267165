import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../src/logging/logger.ts";
import { RotatingFile } from "../../src/logging/rotating-file.ts";

let dir: string;
let logPath: string;
let stderr: string[];
let restoreStderr: () => void;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mayros-logger-"));
  logPath = join(dir, "logs", "gateway.log");
  stderr = [];
  const original = console.error;
  console.error = (line: unknown) => void stderr.push(String(line));
  restoreStderr = () => { console.error = original; };
});
afterEach(() => {
  restoreStderr();
  rmSync(dir, { recursive: true, force: true });
});

const fileLines = (path = logPath) => (existsSync(path) ? readFileSync(path, "utf8").trim().split("\n").filter(Boolean) : []);
const records = () => fileLines().map((l) => JSON.parse(l) as Record<string, unknown>);

describe("createLogger", () => {
  it("should write only records at or above its level", () => {
    const log = createLogger("gw", { level: "warn", file: new RotatingFile(logPath) });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(records().map((r) => [r.level, r.msg])).toEqual([["warn", "w"], ["error", "e"]]);
    expect(stderr).toHaveLength(2);
    expect(log.enabled("info")).toBe(false);
    expect(log.enabled("warn")).toBe(true);
  });

  it("should write one JSON object per line with ts, level, sub, msg and the fields", () => {
    const log = createLogger("gateway", { file: new RotatingFile(logPath) });
    log.info("client connected", { conn: "c1", protocol: 4 });
    log.child("dispatch").warn("slow", { ms: 12 });
    const [first, second] = records();
    expect(first).toMatchObject({ level: "info", sub: "gateway", msg: "client connected", conn: "c1", protocol: 4 });
    expect(new Date(first!.ts as string).toISOString()).toBe(first!.ts as string);
    expect(second).toMatchObject({ level: "warn", sub: "dispatch", msg: "slow", ms: 12 });
    expect(fileLines()).toHaveLength(2);
  });

  it("should write a readable line to stderr, or none when stderr is off", () => {
    createLogger("gateway", { stderr: true }).info("gateway listening", { url: "ws://127.0.0.1:1", n: 2 });
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^\d\d:\d\d:\d\d\.\d\d\d INFO {2}gateway: gateway listening url=ws:\/\/127\.0\.0\.1:1 n=2$/);
    createLogger("quiet", { stderr: false, file: new RotatingFile(logPath) }).error("only in the file");
    expect(stderr).toHaveLength(1);
    expect(records()[0]!.msg).toBe("only in the file");
  });

  it("should not throw when the log file can no longer be written (its folder deleted after the gateway stopped)", () => {
    const file = new RotatingFile(logPath);
    const log = createLogger("late", { stderr: false, file });
    log.info("before");
    file.close();
    rmSync(join(dir, "logs"), { recursive: true, force: true });
    expect(() => log.warn("a late line from a child process exit")).not.toThrow();
    expect(existsSync(logPath)).toBe(false);
  });

  it("should scrub a registered secret from the file and stderr, also in children and nested fields", () => {
    const log = createLogger("gateway", { file: new RotatingFile(logPath) });
    const secret = "s3cret-token-value";
    log.addSecret(secret);
    log.info(`msg with ${secret}`, { token: secret, nested: { deep: [secret] } });
    log.child("auth").warn("child", { header: `Bearer ${secret}` });
    const text = readFileSync(logPath, "utf8") + stderr.join("");
    expect(text).not.toContain(secret);
    expect(text).toContain("***");
    expect(records()[1]).toMatchObject({ sub: "auth", header: "Bearer ***" });
  });

  it("should scrub a secret with quotes and backslashes in its JSON-escaped form too", () => {
    const log = createLogger("gateway", { file: new RotatingFile(logPath) });
    const secret = 'pa"ss\\word\tx';
    log.addSecret(secret);
    log.info("auth", { value: secret, nested: { s: secret } });
    const text = readFileSync(logPath, "utf8") + stderr.join("");
    expect(text).not.toContain(secret);
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(records()[0]).toMatchObject({ value: "***", nested: { s: "***" } });
  });

  it("should scrub a longer secret whole when a shorter one is a part of it", () => {
    const log = createLogger("gateway", { file: new RotatingFile(logPath) });
    log.addSecret("abcd");
    log.addSecret("abcd-efgh-ijkl");
    log.info("x", { a: "abcd-efgh-ijkl", b: "abcd" });
    expect(records()[0]).toMatchObject({ a: "***", b: "***" });
  });

  it("should ignore an undefined secret", () => {
    const log = createLogger("gateway", { file: new RotatingFile(logPath) });
    log.addSecret(undefined);
    log.info("plain", { v: "undefined" });
    expect(records()[0]).toMatchObject({ msg: "plain", v: "undefined" });
  });

  it("should rotate the file by size and keep at most maxFiles rotated files", () => {
    const log = createLogger("gateway", { stderr: false, file: new RotatingFile(logPath, { maxBytes: 400, maxFiles: 2 }) });
    for (let i = 0; i < 60; i++) log.info("record", { i });
    expect(existsSync(`${logPath}.1`)).toBe(true);
    expect(existsSync(`${logPath}.2`)).toBe(true);
    expect(existsSync(`${logPath}.3`)).toBe(false);
    for (const path of [logPath, `${logPath}.1`, `${logPath}.2`]) expect(statSync(path).size).toBeLessThanOrEqual(400);
    const index = (path: string) => fileLines(path).map((l) => (JSON.parse(l) as { i: number }).i);
    const [live, one, two] = [index(logPath), index(`${logPath}.1`), index(`${logPath}.2`)];
    expect(live.at(-1)).toBe(59);
    expect([...two, ...one, ...live]).toEqual(Array.from({ length: two.length + one.length + live.length }, (_, k) => two[0]! + k));
  });
});

describe("RotatingFile", () => {
  it("should continue counting from the size of an existing file", () => {
    new RotatingFile(logPath, { maxBytes: 20 }).append("0123456789"); // 11 bytes
    const reopened = new RotatingFile(logPath, { maxBytes: 20 });
    reopened.append("abcdefghij"); // would make 22 > 20
    expect(readFileSync(`${logPath}.1`, "utf8")).toBe("0123456789\n");
    expect(readFileSync(logPath, "utf8")).toBe("abcdefghij\n");
  });

  it("should create the log file owner-only", () => {
    new RotatingFile(logPath).append("x");
    expect(statSync(logPath).mode & 0o777).toBe(0o600);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LockHeldError, MIGRATIONS, acquireGatewayLock, openDatabase, schemaVersion, settingsRepo, type Migration,
} from "../../src/store/index.ts";
import { CliProcess, repoRoot } from "../cli/spawn.ts";

let dir: string;
let dbPath: string;
const children: CliProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mayros-store-"));
  dbPath = join(dir, "state.db");
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

const pragma = (db: ReturnType<typeof openDatabase>, name: string) => Object.values(db.query(`PRAGMA ${name}`).get() as object)[0];

describe("openDatabase", () => {
  it("should open the file in WAL mode with a busy timeout and foreign keys on", () => {
    const db = openDatabase(dbPath);
    try {
      expect(pragma(db, "journal_mode")).toBe("wal");
      expect(pragma(db, "busy_timeout")).toBe(5000);
      expect(pragma(db, "foreign_keys")).toBe(1);
    } finally {
      db.close();
    }
  });

  it("should apply every migration and record the last version in user_version", () => {
    const db = openDatabase(dbPath);
    try {
      expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
      expect(db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'settings'").get()).toEqual({ name: "settings" });
    } finally {
      db.close();
    }
  });

  it("should not re-run applied migrations when reopened", () => {
    openDatabase(dbPath).close();
    const db = openDatabase(dbPath); // CREATE TABLE settings would fail if it ran again
    try {
      expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    } finally {
      db.close();
    }
  });

  it("should apply only the migrations newer than the stored version", () => {
    const v1: Migration = { version: 1, sql: "CREATE TABLE t (x INTEGER)" };
    const v2: Migration = { version: 2, sql: "INSERT INTO t (x) VALUES (2)" };
    openDatabase(dbPath, { migrations: [v1] }).close();
    const db = openDatabase(dbPath, { migrations: [v1, v2] });
    try {
      expect(schemaVersion(db)).toBe(2);
      expect(db.query("SELECT x FROM t").all()).toEqual([{ x: 2 }]);
    } finally {
      db.close();
    }
  });

  it("should roll back a failing migration and keep the previous version", () => {
    const v1: Migration = { version: 1, sql: "CREATE TABLE t (x INTEGER)" };
    const bad: Migration = { version: 2, sql: "INSERT INTO t (x) VALUES (1); INSERT INTO nope VALUES (1)" };
    openDatabase(dbPath, { migrations: [v1] }).close();
    expect(() => openDatabase(dbPath, { migrations: [v1, bad] })).toThrow();
    const db = openDatabase(dbPath, { migrations: [v1] });
    try {
      expect(schemaVersion(db)).toBe(1);
      expect(db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it("should apply pending migrations all or nothing: a failing one undoes the ones before it", () => {
    const v1: Migration = { version: 1, sql: "CREATE TABLE t (x INTEGER)" };
    const bad: Migration = { version: 2, sql: "INSERT INTO nope VALUES (1)" };
    expect(() => openDatabase(dbPath, { migrations: [v1, bad] })).toThrow();
    const db = openDatabase(dbPath, { migrations: [] });
    try {
      expect(schemaVersion(db)).toBe(0);
      expect(db.query("SELECT name FROM sqlite_master WHERE name = 't'").get()).toBeNull();
    } finally {
      db.close();
    }
  });

  it("should open read-only without creating a missing database", () => {
    expect(() => openDatabase(dbPath, { readonly: true })).toThrow();
    expect(existsSync(dbPath)).toBe(false);
  });
});

describe("settingsRepo", () => {
  it("should get undefined for a missing key, then what was set, overwriting and persisting", () => {
    const db = openDatabase(dbPath);
    const settings = settingsRepo(db);
    expect(settings.get("k")).toBeUndefined();
    settings.set("k", "v1");
    expect(settings.get("k")).toBe("v1");
    settings.set("k", "v2");
    settings.set("other", "o");
    expect(settings.get("k")).toBe("v2");
    db.close();
    const again = openDatabase(dbPath, { readonly: true });
    try {
      expect(settingsRepo(again).get("k")).toBe("v2");
      expect(settingsRepo(again).get("other")).toBe("o");
    } finally {
      again.close();
    }
  });
});

describe("acquireGatewayLock", () => {
  /** Starts a separate process that takes the lock on `dir` and keeps running. */
  async function lockInAnotherProcess(): Promise<CliProcess> {
    const script = `import { acquireGatewayLock } from ${JSON.stringify(join(repoRoot, "src/store/lock.ts"))};
      acquireGatewayLock(${JSON.stringify(dir)}, 4242); console.log("locked"); setInterval(() => {}, 1 << 30);`;
    const child = new CliProcess(Bun.spawn([process.execPath, "-e", script], { stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
    children.push(child);
    await child.waitFor(/locked/);
    return child;
  }

  it("should write our pid and port into gateway.lock and remove it on release", () => {
    const lock = acquireGatewayLock(dir, 18789);
    expect(lock.path).toBe(join(dir, "gateway.lock"));
    expect(JSON.parse(readFileSync(lock.path, "utf8"))).toMatchObject({ pid: process.pid, port: 18789 });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    lock.release(); // idempotent
  });

  it("should throw LockHeldError naming the pid while another live process holds the lock", async () => {
    const holder = await lockInAnotherProcess();
    let error: unknown;
    try {
      acquireGatewayLock(dir, 1);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).pid).toBe(holder.pid);
    expect((error as LockHeldError).lockPath).toBe(join(dir, "gateway.lock"));
    expect((error as Error).message).toContain(`another gateway (pid ${holder.pid})`);
    expect(JSON.parse(readFileSync(join(dir, "gateway.lock"), "utf8")).pid).toBe(holder.pid);
  });

  it("should take over the lock of a process that died", async () => {
    const holder = await lockInAnotherProcess();
    holder.kill("SIGKILL");
    await holder.exited;
    const lock = acquireGatewayLock(dir, 2);
    expect(JSON.parse(readFileSync(lock.path, "utf8"))).toMatchObject({ pid: process.pid, port: 2 });
    lock.release();
  });

  it("should take over a lock file that is not valid JSON", () => {
    writeFileSync(join(dir, "gateway.lock"), "garbage");
    const lock = acquireGatewayLock(dir, 3);
    expect(JSON.parse(readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("should not remove a lock file that another process has taken since", () => {
    const lock = acquireGatewayLock(dir, 4);
    writeFileSync(lock.path, JSON.stringify({ pid: process.pid + 1_000_000, port: 5 }));
    lock.release();
    expect(existsSync(lock.path)).toBe(true);
  });
});

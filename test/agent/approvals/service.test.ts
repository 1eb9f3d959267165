/** @module Tests of the exec approvals service: requests and decisions, expiry, allow-always, the persisted policy file and the exec gate. */
import { afterEach, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_PENDING_APPROVALS } from "../../../src/agent/approvals/pending.ts";
import { ExecApprovals, type ApprovalEvent, type ExecAuthorizationRequest } from "../../../src/agent/approvals/service.ts";
import { GatewayError, matches } from "../../../src/protocol/index.ts";
import {
  ExecApprovalRequestedPayload, ExecApprovalResolvedPayload, type ExecApprovalsFile,
} from "../../../src/protocol/methods/exec-approvals.ts";
import { openDatabase, settingsRepo } from "../../../src/store/index.ts";

/** A service over an in-memory database whose broadcasts are recorded; `approvers` is how many receive them. */
function setup({ approvers = 1, timeoutMs = 5_000, db = openDatabase(":memory:") } = {}) {
  const events: Array<{ event: ApprovalEvent; payload: any }> = [];
  const state = { approvers };
  const waiters: Array<(p: any) => void> = [];
  const unread: any[] = [];
  const approvals = new ExecApprovals({
    settings: settingsRepo(db), defaultTimeoutMs: timeoutMs,
    broadcast: (event, payload) => {
      events.push({ event, payload });
      if (event === "exec.approval.requested") {
        const waiter = waiters.shift();
        if (waiter) waiter(payload);
        else unread.push(payload);
      }
      return state.approvers;
    },
  });
  /** Resolves with the next `exec.approval.requested` payload (one already sent counts). */
  const nextRequest = () => new Promise<any>((resolve) => (unread.length ? resolve(unread.shift()) : waiters.push(resolve)));
  const sent = (event: ApprovalEvent) => events.filter((e) => e.event === event).map((e) => e.payload);
  return { approvals, events, sent, state, nextRequest, db };
}

const GIT = "/usr/bin/git";
const gate = (over: Partial<ExecAuthorizationRequest> = {}): ExecAuthorizationRequest => ({
  command: "git status", argv: ["git", "status"], resolvedPath: GIT, cwd: "/tmp", agentId: "main", sessionKey: "agent:main:main", ...over,
});

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

describe("ExecApprovals: requests", () => {
  it("should broadcast exec.approval.requested with the request and settle on allow-once", async () => {
    const t = setup();
    const started = t.approvals.request({ command: "ls -la", cwd: "/w", agentId: "main", sessionKey: "agent:main:main", timeoutMs: 1_000 });
    expect(started.delivered).toBe(true);
    const [requested] = t.sent("exec.approval.requested");
    expect(matches(ExecApprovalRequestedPayload, requested)).toBe(true);
    expect(requested).toEqual({
      id: started.record.id, createdAtMs: started.record.createdAtMs, expiresAtMs: started.record.createdAtMs + 1_000,
      request: { command: "ls -la", cwd: "/w", host: null, security: null, ask: null, agentId: "main", sessionKey: "agent:main:main", resolvedPath: null, nodeId: null },
    });
    expect(t.approvals.resolve(started.record.id, "allow-once", "phone")).toMatchObject({ decision: "allow-once", resolvedBy: "phone" });
    expect(await started.outcome).toMatchObject({ id: started.record.id, decision: "allow-once" });
    const [resolved] = t.sent("exec.approval.resolved");
    expect(matches(ExecApprovalResolvedPayload, resolved)).toBe(true);
    expect(resolved).toMatchObject({ id: started.record.id, decision: "allow-once", resolvedBy: "phone" });
    expect(resolved.expired).toBeUndefined();
  });

  it("should settle on deny and refuse a second decision", async () => {
    const t = setup();
    const { record, outcome } = t.approvals.request({ command: "rm -rf /" });
    expect(t.approvals.resolve(record.id, "deny")).toBeDefined();
    expect(t.approvals.resolve(record.id, "allow-once")).toBeUndefined();
    expect(await outcome).toMatchObject({ decision: "deny" });
    expect((await outcome).expired).toBeUndefined();
    expect(t.sent("exec.approval.resolved")).toHaveLength(1);
  });

  it("should refuse an unknown id and a duplicate explicit id", () => {
    const t = setup();
    expect(t.approvals.resolve("nope", "deny")).toBeUndefined();
    expect(t.approvals.wait("nope")).toBeUndefined();
    t.approvals.request({ id: "fixed", command: "ls" });
    expect(() => t.approvals.request({ id: "fixed", command: "ls" })).toThrow(GatewayError);
  });

  it("should deny as expired when nobody answers in time and broadcast it", async () => {
    const t = setup();
    const { record, outcome } = t.approvals.request({ command: "ls", timeoutMs: 30 });
    const o = await outcome;
    expect(o).toMatchObject({ id: record.id, decision: "deny", expired: true });
    expect(t.sent("exec.approval.resolved")).toEqual([{ id: record.id, decision: "deny", expired: true, ts: expect.any(Number) }]);
    expect(t.approvals.resolve(record.id, "allow-once")).toBeUndefined();
  });

  it("should deny at once as expired when no approver receives the request", async () => {
    const t = setup({ approvers: 0 });
    const started = t.approvals.request({ command: "ls" });
    expect(started.delivered).toBe(false);
    expect(await started.outcome).toMatchObject({ decision: "deny", expired: true });
  });

  it("should let waitDecision give up with null, and answer a decided request from the retention", async () => {
    const t = setup();
    const { record } = t.approvals.request({ command: "ls" });
    expect(await t.approvals.wait(record.id, 10)).toBeNull();
    const waiting = t.approvals.wait(record.id);
    t.approvals.resolve(record.id, "allow-once");
    expect(await waiting).toMatchObject({ decision: "allow-once" });
    expect(await t.approvals.wait(record.id, 0)).toMatchObject({ decision: "allow-once" });
  });

  it("should deny every pending request on close", async () => {
    const t = setup();
    const a = t.approvals.request({ command: "ls" });
    t.approvals.close();
    expect(await a.outcome).toMatchObject({ decision: "deny", expired: true });
    expect(t.approvals.get(a.record.id)).toBeUndefined();
  });
});

describe("ExecApprovals: allow-always", () => {
  it("should add the resolved path to the requesting agent's allowlist and persist it", async () => {
    const t = setup();
    const { record } = t.approvals.request({ command: "git status", agentId: "ops", resolvedPath: GIT });
    t.approvals.resolve(record.id, "allow-always");
    const snap = t.approvals.snapshot();
    expect(snap.exists).toBe(true);
    expect(snap.file.agents?.ops?.allowlist).toEqual([
      { id: expect.any(String), pattern: GIT, lastUsedAt: expect.any(Number), lastUsedCommand: "git status", lastResolvedPath: GIT },
    ]);
    // The same binary again is not added twice.
    const again = t.approvals.request({ command: "git log", agentId: "ops", resolvedPath: GIT });
    t.approvals.resolve(again.record.id, "allow-always");
    expect(t.approvals.snapshot().file.agents?.ops?.allowlist).toHaveLength(1);
  });

  it("should resolve the binary from the command when no resolvedPath was given", () => {
    const t = setup();
    const { record } = t.approvals.request({ command: `${process.execPath} --version` });
    t.approvals.resolve(record.id, "allow-always");
    expect(t.approvals.snapshot().file.agents?.main?.allowlist?.[0]?.pattern).toBe(process.execPath);
  });

  it("should let an allowed-always binary run without asking next time", async () => {
    const t = setup();
    const first = t.approvals.authorize(gate());
    const req = await t.nextRequest();
    t.approvals.resolve(req.id, "allow-always");
    expect(await first).toEqual({ allowed: true, via: "approval" });
    expect(await t.approvals.authorize(gate({ command: "git log", argv: ["git", "log"] }))).toEqual({ allowed: true, via: "policy" });
    expect(t.sent("exec.approval.requested")).toHaveLength(1);
  });
});

describe("ExecApprovals: policy file", () => {
  const file: ExecApprovalsFile = { version: 1, defaults: { security: "allowlist", ask: "on-miss" }, agents: { main: { allowlist: [{ pattern: "/usr/bin/*" }] } } };

  it("should read as the built-in defaults before the first save", () => {
    const t = setup();
    const snap = t.approvals.snapshot();
    expect(snap.exists).toBe(false);
    expect(snap.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(snap.file).toEqual({ version: 1, defaults: { security: "allowlist", ask: "on-miss", askFallback: "deny", autoAllowSkills: false }, agents: {} });
  });

  it("should save without baseHash the first time, then require the current hash", () => {
    const t = setup();
    const first = t.approvals.replace(file);
    expect(first.exists).toBe(true);
    expect(first.hash).not.toBe(setup().approvals.snapshot().hash);
    const missing = (() => { try { t.approvals.replace(file); } catch (e) { return e as GatewayError; } })();
    expect(missing).toBeInstanceOf(GatewayError);
    expect(missing!.code).toBe("INVALID_REQUEST");
    expect(missing!.message).toContain("baseHash is required");
    expect(missing!.options.details).toEqual({ reason: "approvals_hash_mismatch", hash: first.hash });
    expect(() => t.approvals.replace(file, "0".repeat(64))).toThrow("baseHash does not match");
    const second = t.approvals.replace({ ...file, defaults: { security: "full", ask: "off" } }, first.hash);
    expect(second.hash).not.toBe(first.hash);
    expect(() => t.approvals.replace(file, first.hash)).toThrow("baseHash does not match");
  });

  it("should change the hash when allow-always edits the file, so a stale editor gets a conflict", () => {
    const t = setup();
    const saved = t.approvals.replace(file);
    const { record } = t.approvals.request({ command: "git", resolvedPath: GIT });
    t.approvals.resolve(record.id, "allow-always");
    expect(t.approvals.snapshot().hash).not.toBe(saved.hash);
    expect(() => t.approvals.replace(file, saved.hash)).toThrow("baseHash does not match");
  });

  it("should refuse an invalid file", () => {
    const t = setup();
    expect(() => t.approvals.replace({ version: 1, agents: { main: { allowlist: [{ pattern: "" }] } } })).toThrow("invalid approvals file");
  });

  it("should survive a new instance over the same database", () => {
    const dir = mkdtempSync(join(tmpdir(), "mayros-approvals-"));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "state.db");
    const db1 = openDatabase(path);
    const saved = setup({ db: db1 }).approvals.replace(file);
    db1.close();
    const db2 = openDatabase(path);
    closers.unshift(() => db2.close());
    const snap = setup({ db: db2 }).approvals.snapshot();
    expect(snap).toEqual({ ...saved, file: { ...saved.file } });
    expect(snap.file.agents?.main?.allowlist).toEqual([{ pattern: "/usr/bin/*" }]);
  });

  it("should fail closed when the stored document is damaged", async () => {
    const db = openDatabase(":memory:");
    settingsRepo(db).set("exec.approvals", "{not json");
    const t = setup({ db });
    expect(await t.approvals.authorize(gate())).toMatchObject({ allowed: false, reason: "policy" });
  });
});

describe("ExecApprovals.authorize", () => {
  it("should run an allowlisted binary without asking", async () => {
    const t = setup();
    t.approvals.replace({ version: 1, agents: { main: { allowlist: [{ pattern: "git" }] } } });
    expect(await t.approvals.authorize(gate())).toEqual({ allowed: true, via: "policy" });
    expect(t.sent("exec.approval.requested")).toHaveLength(0);
  });

  it("should ask on a miss and report a user denial", async () => {
    const t = setup();
    const pending = t.approvals.authorize(gate());
    const req = await t.nextRequest();
    expect(req.request).toMatchObject({ command: "git status", commandArgv: ["git", "status"], host: "gateway", security: "allowlist", ask: "on-miss", resolvedPath: GIT });
    t.approvals.resolve(req.id, "deny");
    expect(await pending).toEqual({ allowed: false, reason: "denied", message: "denied by the user" });
  });

  it("should refuse without asking under security deny or ask off", async () => {
    const t = setup();
    t.approvals.replace({ version: 1, defaults: { security: "deny", ask: "always" } });
    expect(await t.approvals.authorize(gate())).toMatchObject({ allowed: false, reason: "policy", message: expect.stringContaining("security: deny") });
    const s = t.approvals.snapshot();
    t.approvals.replace({ version: 1, defaults: { security: "allowlist", ask: "off" } }, s.hash);
    expect(await t.approvals.authorize(gate())).toMatchObject({ allowed: false, reason: "policy", message: expect.stringContaining("not in the allowlist") });
    expect(t.sent("exec.approval.requested")).toHaveLength(0);
  });

  it("should ask even for allowlisted binaries with ask always, and run anything with security full", async () => {
    const t = setup();
    t.approvals.replace({ version: 1, defaults: { security: "full", ask: "off" } });
    expect(await t.approvals.authorize(gate())).toEqual({ allowed: true, via: "policy" });
    t.approvals.replace({ version: 1, defaults: { security: "full", ask: "always" }, agents: { main: { allowlist: [{ pattern: "**" }] } } }, t.approvals.snapshot().hash);
    const pending = t.approvals.authorize(gate());
    t.approvals.resolve((await t.nextRequest()).id, "allow-once");
    expect(await pending).toEqual({ allowed: true, via: "approval" });
  });

  it("should deny on expiry, or apply askFallback full", async () => {
    const t = setup();
    expect(await t.approvals.authorize(gate({ timeoutMs: 20 }))).toEqual({ allowed: false, reason: "expired", message: "approval not granted: no approver answered within 20 ms" });
    t.approvals.replace({ version: 1, defaults: { security: "allowlist", ask: "on-miss", askFallback: "full" } });
    expect(await t.approvals.authorize(gate({ timeoutMs: 20 }))).toEqual({ allowed: true, via: "fallback" });
  });

  it("should say so when no approver is connected", async () => {
    const t = setup({ approvers: 0 });
    const result = await t.approvals.authorize(gate());
    expect(result).toMatchObject({ allowed: false, reason: "expired", message: expect.stringContaining("no approver is connected") });
  });

  it("should deny a pending request when the run is aborted", async () => {
    const t = setup();
    const ac = new AbortController();
    const pending = t.approvals.authorize(gate({ signal: ac.signal }));
    const req = await t.nextRequest();
    ac.abort();
    expect(await pending).toMatchObject({ allowed: false, reason: "expired", message: expect.stringContaining("aborted") });
    expect(t.sent("exec.approval.resolved")).toEqual([{ id: req.id, decision: "deny", expired: true, resolvedBy: "run aborted", ts: expect.any(Number) }]);
  });
});

describe("ExecApprovals: limits", () => {
  it("should refuse new requests while too many are pending, and deny the exec gate then", async () => {
    const t = setup();
    for (let i = 0; i < MAX_PENDING_APPROVALS; i++) t.approvals.request({ command: `c${i}` });
    expect(() => t.approvals.request({ command: "one more" })).toThrow("too many pending approval requests");
    expect(await t.approvals.authorize(gate())).toMatchObject({ allowed: false, reason: "expired", message: expect.stringContaining("too many pending") });
    t.approvals.close();
  });
});

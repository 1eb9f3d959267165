/**
 * Exec approvals over the WebSocket API against a real gateway: approvers with `operator.approvals`
 * get `exec.approval.requested`/`resolved` (others never do), allow/deny/expiry, `twoPhase` and
 * `waitDecision`, the `baseHash`-checked policy file, and an agent run whose `exec` tool call waits
 * for an approver (loopback Anthropic fake).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { EVENTS, METHODS, firstError, type EventName } from "../../src/protocol/index.ts";
import { startAnthropicFake } from "../fakes/anthropic-fake.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket, type Frame, type HandshakeOptions } from "../helpers/ws-client.ts";

const APPROVAL_EVENTS = ["exec.approval.requested", "exec.approval.resolved"];
const isApprovalEvent = (f: Frame) => f.type === "event" && APPROVAL_EVENTS.includes(f.event);
const resultProblem = (method: string, payload: unknown) => firstError((METHODS as Record<string, { result: any }>)[method]!.result, payload);
const eventProblem = (event: EventName, payload: unknown) => firstError(EVENTS[event].payload, payload);

/** Opens sockets on `gw` and closes them all at the end. */
function clients(gw: () => TestGateway) {
  const socks: TestSocket[] = [];
  return {
    async open(scopes: string[], extra: Partial<HandshakeOptions> = {}): Promise<TestSocket> {
      const { sock, res } = await TestSocket.handshake(gw().url, { token: gw().token, scopes, client: { displayName: "approver-ui" }, ...extra });
      expect(res.ok).toBe(true);
      socks.push(sock);
      return sock;
    },
    closeAll: () => Promise.all(socks.splice(0).map((s) => s.close())),
  };
}

/** Round-trips a request on `sock`, so every event broadcast before it has been read. */
async function drain(sock: TestSocket): Promise<void> {
  expect((await sock.request("health")).ok).toBe(true);
}

describe("exec approvals in the catalog", () => {
  it("should need operator.approvals for exec.approval.* and admin for exec.approvals.*", () => {
    for (const m of ["exec.approval.request", "exec.approval.waitDecision", "exec.approval.resolve"] as const) {
      expect(METHODS[m]).toMatchObject({ role: "operator", scope: "operator.approvals" });
    }
    for (const m of ["exec.approvals.get", "exec.approvals.set"] as const) expect(METHODS[m]).toMatchObject({ role: "operator", scope: "operator.admin" });
  });

  it("should guard both events with operator.approvals and never drop them", () => {
    for (const e of ["exec.approval.requested", "exec.approval.resolved"] as const) {
      expect(EVENTS[e]).toMatchObject({ guard: { kind: "scope", scope: "operator.approvals" }, droppable: false });
    }
  });
});

describe("exec approvals over WebSocket", () => {
  let gw: TestGateway;
  const c = clients(() => gw);
  let approver: TestSocket;
  let requester: TestSocket;
  let observer: TestSocket;
  beforeAll(async () => {
    gw = await startTestGateway({});
    approver = await c.open(["operator.approvals"]);
    requester = await c.open(["operator.approvals", "operator.write"]);
    observer = await c.open(["operator.read", "operator.write", "operator.pairing"]);
  });
  afterAll(async () => {
    await c.closeAll();
    await gw.stop();
  });

  it("should show the request to approvers, resolve allow-once and answer the requester", async () => {
    const answer = requester.request("exec.approval.request", { command: "git status", cwd: "/w", agentId: "main", sessionKey: "agent:main:main" });
    const requested = await approver.nextEvent("exec.approval.requested");
    expect(eventProblem("exec.approval.requested", requested.payload)).toBeNull();
    const { id, createdAtMs, expiresAtMs, request } = requested.payload;
    expect(request).toEqual({
      command: "git status", cwd: "/w", host: null, security: null, ask: null, agentId: "main", sessionKey: "agent:main:main", resolvedPath: null, nodeId: null,
    });
    expect(expiresAtMs - createdAtMs).toBe(120_000);

    const resolved = await approver.request("exec.approval.resolve", { id, decision: "allow-once" });
    expect(resolved).toMatchObject({ ok: true, payload: { ok: true, id, decision: "allow-once" } });
    const res = await answer;
    expect(res.ok).toBe(true);
    expect(res.payload).toEqual({ id, decision: "allow-once", createdAtMs, expiresAtMs, resolvedBy: "approver-ui" });
    expect(resultProblem("exec.approval.request", res.payload)).toBeNull();

    const done = await approver.nextEvent("exec.approval.resolved");
    expect(done.payload).toEqual({ id, decision: "allow-once", resolvedBy: "approver-ui", ts: expect.any(Number) });
    expect(eventProblem("exec.approval.resolved", done.payload)).toBeNull();
    // The requester holds operator.approvals too, so it saw both events.
    expect((await requester.nextEvent("exec.approval.requested")).payload.id).toBe(id);
    expect((await requester.nextEvent("exec.approval.resolved")).payload.id).toBe(id);
  });

  it("should answer deny to the requester", async () => {
    const answer = requester.request("exec.approval.request", { command: "rm -rf /tmp/x" });
    const { id } = (await approver.nextEvent("exec.approval.requested")).payload;
    await approver.request("exec.approval.resolve", { id, decision: "deny" });
    const res = await answer;
    expect(res.payload).toMatchObject({ id, decision: "deny" });
    expect(res.payload.expired).toBeUndefined();
    expect((await approver.nextEvent("exec.approval.resolved")).payload).toMatchObject({ id, decision: "deny" });
  });

  it("should deny as expired when nobody answers, and refuse a late resolve", async () => {
    const res = await requester.request("exec.approval.request", { command: "ls", timeoutMs: 100 });
    expect(res.payload).toMatchObject({ decision: "deny", expired: true });
    const { id } = res.payload;
    expect((await approver.nextEvent("exec.approval.requested")).payload.id).toBe(id);
    expect((await approver.nextEvent("exec.approval.resolved")).payload).toEqual({ id, decision: "deny", expired: true, ts: expect.any(Number) });
    const late = await approver.request("exec.approval.resolve", { id, decision: "allow-once" });
    expect(late).toMatchObject({ ok: false, error: { code: "APPROVAL_NOT_FOUND", details: { code: "APPROVAL_NOT_FOUND", id } } });
    expect((await approver.request("exec.approval.waitDecision", { id: "unknown" })).error.code).toBe("APPROVAL_NOT_FOUND");
  });

  it("should ack a twoPhase request at once, let waitDecision wait, and answer again on the same id", async () => {
    const finalRes = requester.next((f) => f.type === "res" && f.id === "two" && f.payload?.decision !== undefined);
    const ack = await requester.request("exec.approval.request", { id: "fixed-id", command: "make", twoPhase: true }, "two");
    expect(ack.payload).toEqual({ id: "fixed-id", status: "accepted", createdAtMs: expect.any(Number), expiresAtMs: expect.any(Number) });
    expect(resultProblem("exec.approval.request", ack.payload)).toBeNull();
    const dup = await requester.request("exec.approval.request", { id: "fixed-id", command: "make" });
    expect(dup.error).toMatchObject({ code: "INVALID_REQUEST", message: "approval id already in use: fixed-id" });

    expect((await requester.request("exec.approval.waitDecision", { id: "fixed-id", timeoutMs: 10 })).payload).toEqual({
      id: "fixed-id", decision: null, createdAtMs: ack.payload.createdAtMs, expiresAtMs: ack.payload.expiresAtMs,
    });
    const waiting = requester.request("exec.approval.waitDecision", { id: "fixed-id" });
    await approver.nextEvent("exec.approval.requested");
    await approver.request("exec.approval.resolve", { id: "fixed-id", decision: "allow-once" });
    expect((await waiting).payload).toMatchObject({ id: "fixed-id", decision: "allow-once" });
    expect((await finalRes).payload).toMatchObject({ id: "fixed-id", decision: "allow-once", resolvedBy: "approver-ui" });
    // Decided requests stay readable for a while.
    const after = await requester.request("exec.approval.waitDecision", { id: "fixed-id", timeoutMs: 0 });
    expect(after.payload).toMatchObject({ decision: "allow-once" });
    expect(resultProblem("exec.approval.waitDecision", after.payload)).toBeNull();
    await approver.nextEvent("exec.approval.resolved");
  });

  it("should never send approval events to a client without operator.approvals, nor let it call the methods", async () => {
    await drain(approver);
    await drain(observer);
    expect(observer.received.filter(isApprovalEvent)).toEqual([]);
    const denied = await observer.request("exec.approval.resolve", { id: "x", decision: "deny" });
    expect(denied.error).toMatchObject({ code: "FORBIDDEN", details: { code: "MISSING_SCOPE", missingScope: "operator.approvals" } });
    expect((await observer.request("exec.approval.request", { command: "ls" })).error.code).toBe("FORBIDDEN");
    expect((await approver.request("exec.approvals.get")).error).toMatchObject({ code: "FORBIDDEN", details: { missingScope: "operator.admin" } });
  });

  it("should answer INVALID_REQUEST for an unknown id to a v3 client", async () => {
    const v3 = await c.open(["operator.approvals"], { minProtocol: 3, maxProtocol: 3 });
    const res = await v3.request("exec.approval.resolve", { id: "nope", decision: "deny" });
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "unknown or expired approval id: nope" });
  });

  it("should keep the policy file with baseHash checks, and grow the allowlist on allow-always", async () => {
    const admin = await c.open(["operator.admin"]);
    const initial = await admin.request("exec.approvals.get");
    expect(initial.payload).toEqual({
      exists: false, hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      file: { version: 1, defaults: { security: "allowlist", ask: "on-miss", askFallback: "deny", autoAllowSkills: false }, agents: {} },
    });
    const file = { version: 1, defaults: { security: "allowlist", ask: "on-miss" }, agents: { main: { allowlist: [{ pattern: "/usr/bin/*" }] } } };
    const saved = await admin.request("exec.approvals.set", { file });
    expect(saved.ok).toBe(true);
    expect(saved.payload.exists).toBe(true);
    expect(resultProblem("exec.approvals.set", saved.payload)).toBeNull();
    const stale = await admin.request("exec.approvals.set", { file, baseHash: initial.payload.hash });
    expect(stale.error).toMatchObject({ code: "INVALID_REQUEST", details: { reason: "approvals_hash_mismatch", hash: saved.payload.hash } });
    expect((await admin.request("exec.approvals.set", { file })).error.message).toContain("baseHash is required");
    const bad = await admin.request("exec.approvals.set", { file: { version: 2 }, baseHash: saved.payload.hash });
    expect(bad.error.code).toBe("INVALID_REQUEST");

    // The admin also holds every scope, so it sees the request too: answer as the approver.
    const answer = requester.request("exec.approval.request", { command: "tool --x", agentId: "ops", resolvedPath: "/opt/tools/tool" });
    const { id } = (await approver.nextEvent("exec.approval.requested")).payload;
    await approver.request("exec.approval.resolve", { id, decision: "allow-always" });
    expect((await answer).payload.decision).toBe("allow-always");
    const after = await admin.request("exec.approvals.get");
    expect(after.payload.hash).not.toBe(saved.payload.hash);
    expect(after.payload.file.agents).toEqual({
      main: { allowlist: [{ pattern: "/usr/bin/*" }] },
      ops: { allowlist: [{ id: expect.any(String), pattern: "/opt/tools/tool", lastUsedAt: expect.any(Number), lastUsedCommand: "tool --x", lastResolvedPath: "/opt/tools/tool" }] },
    });
    await approver.nextEvent("exec.approval.resolved");
  });
});

describe("agent exec tool with approvals", () => {
  let gw: TestGateway;
  let fake: SseFake;
  const c = clients(() => gw);
  let runner: TestSocket;
  let approver: TestSocket;
  const BUN = `'${process.execPath}'`;
  beforeAll(async () => {
    fake = startAnthropicFake();
    gw = await startTestGateway({
      models: { providers: { anthropic: { baseUrl: fake.url, apiKey: "k", models: [] } } },
      agents: { defaults: { model: { primary: "anthropic/m" }, tools: { exec: { enabled: true } } } },
    });
    runner = await c.open(["operator.read", "operator.write"]);
    approver = await c.open(["operator.approvals"]);
  });
  afterAll(async () => {
    await c.closeAll();
    await gw.stop();
    await fake.stop();
  });

  /** Scripts one exec tool call then a text reply, starts a run and returns its final response. */
  async function runExec(command: string, runId: string): Promise<Frame> {
    fake.script(
      { toolCalls: [{ id: `call-${runId}`, name: "exec", args: [JSON.stringify({ command })] }] },
      { text: ["done"] },
    );
    const final = runner.next((f) => f.type === "res" && f.id === runId && f.payload?.status !== "accepted", 15_000);
    const ack = await runner.request("agent", { message: "run it", sessionKey: "agent:main:exec", idempotencyKey: runId }, runId);
    expect(ack.ok).toBe(true);
    return final;
  }

  /** The tool_result block the model got back for `runId`'s call. */
  function toolResult(runId: string): any {
    const body = fake.requests.at(-1)!.body;
    return (body.messages as any[]).flatMap((m) => (Array.isArray(m.content) ? m.content : [])).find((b) => b.type === "tool_result" && b.tool_use_id === `call-${runId}`);
  }

  it("should offer the tools to the model, ask the approver before running, and run after allow-once", async () => {
    const running = runExec(`${BUN} -e "console.log('from exec')"`, "allow");
    const requested = (await approver.nextEvent("exec.approval.requested")).payload;
    expect(requested.request).toMatchObject({
      command: `${BUN} -e "console.log('from exec')"`, host: "gateway", security: "allowlist", ask: "on-miss",
      agentId: "main", sessionKey: "agent:main:exec", resolvedPath: process.execPath,
    });
    await approver.request("exec.approval.resolve", { id: requested.id, decision: "allow-once" });
    expect((await running).ok).toBe(true);
    const result = toolResult("allow");
    expect(result.is_error).toBeUndefined();
    expect(result.content).toBe("exit code: 0\nstdout:\nfrom exec\n\nstderr: (empty)");
    const offered = fake.requests.at(-1)!.body.tools.map((t: any) => t.name);
    expect(offered).toEqual(expect.arrayContaining(["exec", "web_fetch", "sessions_list", "sessions_history", "message", "read"]));
  });

  it("should not run a denied command and tell the model it was denied by the user", async () => {
    const running = runExec(`${BUN} -e "console.log('never')"`, "deny");
    const requested = (await approver.nextEvent("exec.approval.requested")).payload;
    await approver.request("exec.approval.resolve", { id: requested.id, decision: "deny" });
    expect((await running).ok).toBe(true);
    expect(toolResult("deny")).toEqual({ type: "tool_result", tool_use_id: "call-deny", content: "denied by the user", is_error: true });
  });

  it("should run without asking once the binary was allowed always", async () => {
    const first = runExec(`${BUN} -e "console.log(1)"`, "always-1");
    const requested = (await approver.nextEvent("exec.approval.requested")).payload;
    await approver.request("exec.approval.resolve", { id: requested.id, decision: "allow-always" });
    expect((await first).ok).toBe(true);
    await approver.next((f) => f.event === "exec.approval.resolved" && f.payload.id === requested.id);
    const asked = approver.received.filter((f) => f.event === "exec.approval.requested").length;
    expect((await runExec(`${BUN} -e "console.log(2)"`, "always-2")).ok).toBe(true);
    expect(toolResult("always-2").content).toStartWith("exit code: 0\nstdout:\n2\n");
    await drain(approver);
    expect(approver.received.filter((f) => f.event === "exec.approval.requested")).toHaveLength(asked);
  });

  it("should refuse at once when no approver is connected", async () => {
    await approver.close();
    const final = await runExec("sh -c 'echo hi'", "nobody");
    expect(final.ok).toBe(true);
    expect(toolResult("nobody")).toMatchObject({
      content: "exec refused: approval not granted: no approver is connected (an operator with operator.approvals must be online)", is_error: true,
    });
  });
});

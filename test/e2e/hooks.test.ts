/**
 * The webhook endpoints against a real gateway and the loopback model fake: token in headers only,
 * 401 / 400 / 405 / 404 / 413, 200 wake and 202 agent with the run reaching the model, its summary
 * waking the main session, and the hooks limiter's 429 + Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { UNTRUSTED_START } from "../../src/cron/hook-actions.ts";
import { HookAgentAccepted } from "../../src/protocol/methods/hooks.ts";
import { matches } from "../../src/protocol/index.ts";
import { fakeBodies, nextHeartbeat, restartableGateway, startAutomationHarness, type AutomationHarness } from "../cron/gateway-harness.ts";
import { httpUrl } from "../helpers/e2e.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

const HOOK_TOKEN = "hook-secret-0123456789";
let h: AutomationHarness;
let reader: TestSocket;

beforeAll(async () => {
  h = await startAutomationHarness({ hooks: { enabled: true, token: HOOK_TOKEN } });
  reader = await h.connect(["operator.read"]);
});
afterAll(async () => {
  await h.stop();
});

/** POSTs `body` (JSON unless a string) to `<gateway>/hooks/<path>` with `headers` (the bearer token by default). */
function post(path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${HOOK_TOKEN}` }, base = httpUrl(h.gw)): Promise<Response> {
  return fetch(`${base}/hooks/${path}`, {
    method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("hooks: authentication", () => {
  it("should answer 401 without a token or with a wrong one", async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: "Bearer nope" }, { "x-mayros-token": "nope" }, { authorization: `Basic ${HOOK_TOKEN}` }];
    for (const headers of attempts) {
      const res = await post("wake", { text: "x" }, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ ok: false, error: "unauthorized" });
    }
  });

  it("should refuse a token in the query string with 400, even a right one", async () => {
    const res = await fetch(`${httpUrl(h.gw)}/hooks/wake?token=${HOOK_TOKEN}`, { method: "POST", body: JSON.stringify({ text: "x" }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("never in the query string");
  });

  it("should not take the gateway token for the hook token", async () => {
    expect((await post("wake", { text: "x" }, { authorization: `Bearer ${h.gw.token}` })).status).toBe(401);
  });
});

describe("hooks: wake", () => {
  it("should queue a system event with 200, by Bearer or x-mayros-token", async () => {
    const res = await post("wake", { text: "Inbox: 3 new", mode: "next-heartbeat" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, mode: "next-heartbeat" });
    const again = await post("wake", { text: "Inbox: 4 new", mode: "next-heartbeat" }, { "x-mayros-token": HOOK_TOKEN });
    expect(again.status).toBe(200);
    expect(h.gw.gateway.services.systemEvents).toEqual(["Inbox: 3 new", "Inbox: 4 new"]);
    h.gw.gateway.services.systemEvents.splice(0);
  });

  it("should run a heartbeat at once for mode now (the default)", async () => {
    h.fake.script({ text: ["HEARTBEAT_OK"] });
    const beat = nextHeartbeat(reader, "ok-token", Date.now());
    const res = await post("wake", { text: "Door bell" });
    expect(await res.json()).toEqual({ ok: true, mode: "now" });
    await beat;
    expect(fakeBodies(h.fake).at(-1)).toContain("System: Door bell");
  });

  it("should answer 400 naming the field for a bad body", async () => {
    const cases: Array<[unknown, string]> = [
      [{}, "text: is required"],
      [{ text: "" }, "text: must be at least 1 characters"],
      [{ text: "x", mode: "later" }, 'mode: must be one of "now", "next-heartbeat"'],
      [{ text: "x", extra: 1 }, "extra: is not an allowed property"],
      ["{not json", "body: not valid JSON"],
      [[1, 2], "body: must be a JSON object"],
      ["", "body: must be a JSON object"],
    ];
    for (const [body, error] of cases) {
      const res = await post("wake", body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ ok: false, error });
    }
  });

  it("should answer 413 for a body over 256 KiB", async () => {
    const res = await post("wake", { text: "x".repeat(256 * 1024) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe("body larger than 262144 bytes");
  });

  it("should answer 405 for other methods and 404 for unknown hooks", async () => {
    const get = await fetch(`${httpUrl(h.gw)}/hooks/wake`, { headers: { authorization: `Bearer ${HOOK_TOKEN}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const unknown = await post("gmail", { text: "x" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error: "unknown hook: gmail" });
  });
});

describe("hooks: agent", () => {
  it("should accept with 202, run in hook:<uuid> on the model, post the summary to main and wake it", async () => {
    h.fake.script({ text: ["Deploy ", "finished."] }, { text: ["HEARTBEAT_OK"] });
    const before = h.fake.requests.length;
    const beat = nextHeartbeat(reader, "ok-token", Date.now());
    const res = await post("agent", { message: "Deploy status of web-1?", name: "CI", timeoutSeconds: 60 });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { runId: string; sessionKey: string };
    expect(matches(HookAgentAccepted, body)).toBe(true);
    expect(body.sessionKey).toMatch(/^hook:[0-9a-f-]{36}$/);
    const end = await reader.next((f) => f.event === "agent" && f.payload.runId === body.runId && f.payload.data?.phase === "end");
    expect(end.payload.sessionKey).toBe(body.sessionKey);
    await beat;
    const [run, heartbeat] = fakeBodies(h.fake).slice(before);
    expect(run).toContain("[hook:CI] A webhook delivered the message below.");
    expect(run).toContain(`${UNTRUSTED_START}\\nDeploy status of web-1?`);
    expect(heartbeat).toContain("System: Hook CI: Deploy finished.");
  });

  it("should refuse a caller-chosen sessionKey and an unknown agent with 400", async () => {
    const key = await post("agent", { message: "m", sessionKey: "agent:main:main" });
    expect(key.status).toBe(400);
    expect(await key.json()).toEqual({ ok: false, error: "sessionKey: not allowed (hooks.allowRequestSessionKey is off)" });
    const agent = await post("agent", { message: "m", agentId: "other" });
    expect(agent.status).toBe(400);
    expect(((await agent.json()) as { error: string }).error).toContain("agent");
    const missing = await post("agent", { name: "x" });
    expect(await missing.json()).toEqual({ ok: false, error: "message: is required" });
  });
});

describe("hooks: rate limit and mounting", () => {
  it("should lock an address out with 429 and Retry-After after 20 failures, even for the right token", async () => {
    const gw = await startTestGateway({ hooks: { enabled: true, token: HOOK_TOKEN } });
    try {
      const base = httpUrl(gw);
      for (let i = 0; i < 20; i++) expect((await post("wake", { text: "x" }, { authorization: "Bearer wrong" }, base)).status).toBe(401);
      for (const headers of [{ authorization: "Bearer wrong" }, { authorization: `Bearer ${HOOK_TOKEN}` }]) {
        const res = await post("wake", { text: "x" }, headers, base);
        expect(res.status).toBe(429);
        expect(res.headers.get("retry-after")).toBe("60");
        expect(await res.json()).toMatchObject({ ok: false, retryAfterMs: expect.any(Number) });
      }
      expect(gw.gateway.services.systemEvents).toEqual([]);
    } finally {
      await gw.stop();
    }
  });

  it("should not serve hooks unless enabled", async () => {
    const gw = await startTestGateway();
    try {
      expect((await post("wake", { text: "x" }, undefined, httpUrl(gw))).status).toBe(404);
    } finally {
      await gw.stop();
    }
  });

  it("should refuse to start with hooks enabled and no token", async () => {
    const state = restartableGateway({ hooks: { enabled: true } });
    try {
      await expect(state.start()).rejects.toThrow("hooks.token: required when hooks.enabled is true");
    } finally {
      await state.dispose();
    }
  });
});

/**
 * Heartbeats over the WebSocket API against a real gateway and the loopback model fake: `wake`
 * runs a main-session turn with the queued system events, a `HEARTBEAT_OK` reply is an ack
 * (ok-token), `last-heartbeat` returns the last event, `set-heartbeats` toggles the runner, and the
 * periodic beat skips an empty HEARTBEAT.md without calling the model.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_HEARTBEAT_PROMPT } from "../../src/cron/heartbeat-reply.ts";
import { HeartbeatEvent } from "../../src/protocol/methods/heartbeat.ts";
import { matches } from "../../src/protocol/index.ts";
import { fakeBodies, nextHeartbeat, startAutomationHarness, type AutomationHarness } from "../cron/gateway-harness.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

let h: AutomationHarness;
let admin: TestSocket;
let writer: TestSocket;
/** A client with no scopes at all: heartbeat events go to everyone. */
let nobody: TestSocket;

beforeAll(async () => {
  h = await startAutomationHarness();
  admin = await h.connect();
  writer = await h.connect(["operator.write"]);
  nobody = await h.connect([]);
});
afterAll(async () => {
  await h.stop();
});

describe("heartbeat: wake and last-heartbeat", () => {
  it("should answer null before the first heartbeat", async () => {
    expect(await admin.request("last-heartbeat")).toMatchObject({ ok: true, payload: null });
  });

  it("should run the system event and the heartbeat prompt on wake now, and treat HEARTBEAT_OK as an ack", async () => {
    h.fake.script({ text: ["HEARTBEAT_OK"] });
    const before = h.fake.requests.length;
    const chatFinal = admin.next((f) => f.event === "chat" && f.payload.state === "final");
    expect(await writer.request("wake", { mode: "now", text: "New mail from Ana" })).toMatchObject({ ok: true, payload: { ok: true } });
    const event = await nextHeartbeat(nobody);
    // The acknowledgement reaches nobody: the chat final carries no message.
    expect((await chatFinal).payload.message).toBeUndefined();
    expect(matches(HeartbeatEvent, event.payload)).toBe(true);
    expect(event.payload).toEqual({ ts: expect.any(Number), status: "ok-token", durationMs: expect.any(Number), indicatorType: "ok", silent: true });
    const bodies = fakeBodies(h.fake).slice(before);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain(JSON.stringify(`System: New mail from Ana\n\n${DEFAULT_HEARTBEAT_PROMPT}`).slice(1, -1));
    expect((await writer.request("last-heartbeat")).payload).toEqual(event.payload);
    expect(h.gw.gateway.services.systemEvents).toEqual([]);
  });

  it("should report an alert as sent with a preview, and hold next-heartbeat wakes for the next beat", async () => {
    h.fake.script({ text: ["Ana needs an answer by noon."] });
    const before = h.fake.requests.length;
    const since = Date.now();
    await writer.request("wake", { mode: "next-heartbeat", text: "first" });
    expect((await admin.request("status")).payload.queuedSystemEvents).toEqual(["first"]);
    expect(h.fake.requests.length).toBe(before);
    await writer.request("wake", { mode: "now", text: "second" });
    const event = await nextHeartbeat(admin, "sent", since);
    expect(event.payload).toMatchObject({ status: "sent", preview: "Ana needs an answer by noon.", indicatorType: "alert" });
    expect(fakeBodies(h.fake).slice(before)[0]).toContain("System: first\\nSystem: second\\n\\n");
  });

  it("should validate wake params and keep set-heartbeats to operator.admin", async () => {
    expect((await writer.request("wake", { text: "x" })).error).toMatchObject({ code: "INVALID_REQUEST", message: "invalid wake params: at /mode: is required" });
    expect((await writer.request("wake", { mode: "soon", text: "x" })).error.message).toBe('invalid wake params: at /mode: must be one of "now", "next-heartbeat"');
    expect((await nobody.request("wake", { mode: "now", text: "x" })).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.write" });
    expect((await writer.request("set-heartbeats", { enabled: false })).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
  });

  it("should skip beats while heartbeats are off, without a model call", async () => {
    expect((await admin.request("set-heartbeats", { enabled: false })).payload).toEqual({ ok: true, enabled: false });
    const before = h.fake.requests.length;
    const since = Date.now();
    await writer.request("wake", { mode: "now", text: "while off" });
    expect((await nextHeartbeat(admin, "skipped", since)).payload).toMatchObject({ status: "skipped", reason: "disabled" });
    expect(h.fake.requests.length).toBe(before);
    expect((await admin.request("set-heartbeats", { enabled: true })).payload).toEqual({ ok: true, enabled: true });
    h.gw.gateway.services.systemEvents.splice(0);
  });
});

describe("heartbeat: the periodic beat", () => {
  it("should skip an empty HEARTBEAT.md without a model call, then run once it has a task", async () => {
    const fast = await startAutomationHarness({ agents: { defaults: { heartbeat: { every: "200ms" } } } });
    try {
      const sock = await fast.connect(["operator.read"]);
      expect((await nextHeartbeat(sock)).payload).toMatchObject({ status: "skipped", reason: "empty-heartbeat-file" });
      expect(fast.fake.requests).toHaveLength(0);
      fast.fake.script({ text: ["HEARTBEAT_OK"] });
      writeFileSync(join(fast.gw.gateway.services.workspace, "HEARTBEAT.md"), "# Checklist\n- look at the calendar\n");
      expect((await nextHeartbeat(sock, "ok-token")).payload).toMatchObject({ status: "ok-token" });
      expect(fakeBodies(fast.fake)[0]).toContain(DEFAULT_HEARTBEAT_PROMPT);
      expect(fakeBodies(fast.fake)[0]).toContain("look at the calendar"); // HEARTBEAT.md is in the system prompt
      fast.gw.gateway.services.heartbeat.setEnabled(false);
    } finally {
      await fast.stop();
    }
  });
});

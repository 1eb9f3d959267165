/**
 * The automation surface in the catalog and on the wire: scopes of the cron, heartbeat and `send`
 * methods, the `cron` and `heartbeat` event guards, hello-ok advertising them, and `send` refusing
 * every target until channels exist.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { cronMethods } from "../../src/gateway/methods/cron.ts";
import { heartbeatMethods } from "../../src/gateway/methods/heartbeat.ts";
import { sendMethods } from "../../src/gateway/methods/send.ts";
import { EVENTS, METHODS } from "../../src/protocol/index.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket } from "../helpers/ws-client.ts";

const SPECS: Record<string, { role: string; scope: string | null; idempotency?: string }> = METHODS;

describe("automation methods and events in the catalog", () => {
  it("should have a catalog entry for every handler", () => {
    for (const name of Object.keys({ ...cronMethods, ...heartbeatMethods, ...sendMethods })) expect(SPECS[name]).toBeDefined();
  });

  it("should need read to look, admin to change cron and toggle heartbeats, write to wake and send", () => {
    for (const name of ["cron.list", "cron.status", "cron.runs", "last-heartbeat"]) expect(SPECS[name]).toMatchObject({ role: "operator", scope: "operator.read" });
    for (const name of ["cron.add", "cron.update", "cron.remove", "cron.run", "set-heartbeats"]) expect(SPECS[name]).toMatchObject({ role: "operator", scope: "operator.admin" });
    expect(SPECS.wake).toMatchObject({ role: "operator", scope: "operator.write" });
    expect(SPECS.send).toMatchObject({ role: "operator", scope: "operator.write", idempotency: "required" });
  });

  it("should guard cron with operator.read and send heartbeat to everyone", () => {
    expect(EVENTS.cron).toMatchObject({ guard: { kind: "scope", scope: "operator.read" }, droppable: false });
    expect(EVENTS.heartbeat).toMatchObject({ guard: { kind: "everyone" } });
  });
});

describe("automation on the wire", () => {
  let gw: TestGateway;
  let admin: TestSocket;
  let hello: Record<string, any>;
  beforeAll(async () => {
    gw = await startTestGateway();
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token });
    admin = sock;
    hello = res.payload;
  });
  afterAll(async () => {
    await admin.close();
    await gw.stop();
  });

  it("should advertise the methods and events in hello-ok", () => {
    for (const m of ["cron.list", "cron.status", "cron.add", "cron.update", "cron.remove", "cron.run", "cron.runs", "wake", "last-heartbeat", "set-heartbeats", "send"]) {
      expect(hello.features.methods).toContain(m);
    }
    expect(hello.features.events).toEqual(expect.arrayContaining(["cron", "heartbeat"]));
  });

  it("should refuse send with UNAVAILABLE naming the channel and require an idempotencyKey", async () => {
    const res = await admin.request("send", { to: "+34600000000", message: "hi", idempotencyKey: "s1" });
    expect(res).toMatchObject({ ok: false, error: { code: "UNAVAILABLE", message: "channel not configured: default", details: { code: "CHANNEL_NOT_CONFIGURED", channel: "default" }, retryable: false } });
    const named = await admin.request("send", { to: "@ana", message: "hi", channel: "telegram", idempotencyKey: "s2" });
    expect(named.error.message).toBe("channel not configured: telegram");
    expect((await admin.request("send", { to: "@ana", message: "hi" })).error).toMatchObject({ code: "INVALID_REQUEST", message: "invalid send params: at /idempotencyKey: is required" });
  });

  it("should keep send to operator.write", async () => {
    const { sock } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.read"] });
    try {
      expect((await sock.request("send", { to: "x", idempotencyKey: "k" })).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.write" });
    } finally {
      await sock.close();
    }
  });
});

/** Protocol version negotiation and the hello-ok shape of each version, against a real gateway. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { HelloOkV3, HelloOkV4, matches } from "../../src/protocol/index.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket, type HandshakeOptions } from "../helpers/ws-client.ts";

let gw: TestGateway;
beforeAll(async () => { gw = await startTestGateway({ gateway: { tickIntervalMs: 60_000, maxBufferedBytes: 1_048_576 } }); });
afterAll(async () => { await gw.stop(); });

/** Handshakes with `opts`, expects success, closes, and returns the hello-ok payload. */
async function hello(opts: HandshakeOptions): Promise<Record<string, any>> {
  const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, ...opts });
  expect(res).toMatchObject({ type: "res", ok: true });
  await sock.close();
  return res.payload;
}

describe("negotiation: protocol 3", () => {
  it("should answer a v3-only client (min=max=3) with protocol 3 in the v3 shape", async () => {
    const h = await hello({ minProtocol: 3, maxProtocol: 3, scopes: ["operator.read"] });
    expect(h.protocol).toBe(3);
    expect(matches(HelloOkV3, h)).toBe(true);
    expect(h).not.toHaveProperty("auth");
    expect(h.features).not.toHaveProperty("capabilities");
    expect(h.snapshot).not.toHaveProperty("suspension");
    expect(h.server).not.toHaveProperty("bootId");
    expect(h.policy).not.toHaveProperty("attachments");
  });

  it("should keep the v3 shape for an admin (admin-only snapshot fields, still no auth block)", async () => {
    const h = await hello({ minProtocol: 3, maxProtocol: 3, scopes: ["operator.admin"] });
    expect(matches(HelloOkV3, h)).toBe(true);
    expect(h).not.toHaveProperty("auth");
    expect(h.snapshot.authMode).toBe("token");
  });
});

describe("negotiation: protocol 4", () => {
  for (const [min, max] of [[3, 4], [4, 4], [3, 9], [4, 100]] as const) {
    it(`should answer min=${min} max=${max} with protocol 4 and an auth block`, async () => {
      const h = await hello({ minProtocol: min, maxProtocol: max, scopes: ["operator.read", "operator.write"] });
      expect(h.protocol).toBe(4);
      expect(matches(HelloOkV4, h)).toBe(true);
      expect(h.auth).toEqual({ method: "token", role: "operator", scopes: ["operator.read", "operator.write"] });
      expect(h.features.capabilities).toBeArray();
      expect(h.snapshot.suspension).toEqual({ phase: "accepting" });
      expect(h.server.bootId).toBeString();
    });
  }

  it("should report the live (empty) scopes of a client that asked for none", async () => {
    const h = await hello({ scopes: [] });
    expect(h.auth).toEqual({ method: "token", role: "operator", scopes: [] });
  });

  it("should advertise the implemented methods (without connect) and events", async () => {
    const h = await hello({});
    expect(h.features.methods).toEqual(expect.arrayContaining(["health", "status", "config.get", "config.patch", "logs.tail", "system-event"]));
    expect(h.features.methods).not.toContain("connect");
    expect(h.features.events).toEqual(expect.arrayContaining(["tick", "presence", "shutdown", "health", "connect.challenge"]));
  });

  it("should carry the configured policy and the attachment limits (decoded bytes, agent.md §1.1)", async () => {
    const h = await hello({});
    expect(h.policy).toEqual({
      maxPayload: 25 * 1024 * 1024, maxBufferedBytes: 1_048_576, tickIntervalMs: 60_000,
      attachments: { maxBytes: 5_000_000, maxImageBytes: 5_000_000 },
    });
  });
});

describe("negotiation: client identity", () => {
  for (const id of ["my-own-app", "mayros-macos", "openclaw-tui", "openclaw-control-ui"]) {
    it(`should accept client.id ${JSON.stringify(id)} and show it in presence`, async () => {
      const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.read"], client: { id, instanceId: `inst-${id}` } });
      expect(res.ok).toBe(true);
      const rows = await sock.request("system-presence");
      expect(rows.payload).toContainEqual(expect.objectContaining({ clientId: id, instanceId: `inst-${id}`, mode: "test" }));
      await sock.close();
    });
  }

  it("should accept the v4 optional fields client.buildId, client.timeZone and modelCatalog", async () => {
    const h = await hello({
      client: { id: "openclaw-control-ui", mode: "ui", buildId: "build-2026.9.6", timeZone: "Europe/Madrid" },
      extra: { modelCatalog: { agentId: "main", sessionKey: "agent:main:main" }, locale: "es-ES", userAgent: "test/1.0", caps: ["tool-events", "unknown-cap"] },
    });
    expect(h.protocol).toBe(4);
  });

  it("should refuse an over-long client.buildId (1-96 chars)", async () => {
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, client: { buildId: "b".repeat(97) } });
    const message = "invalid connect params: at /client/buildId: must be at most 96 characters";
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message });
    expect(await sock.closed).toEqual({ code: 1008, reason: message });
  });
});

describe("negotiation: snapshot", () => {
  it("should carry presence, health, stateVersion and uptimeMs", async () => {
    const h = await hello({ scopes: ["operator.read"], client: { instanceId: "snap-1" } });
    const s = h.snapshot;
    expect(s.presence).toBeArray();
    expect(s.presence[0]).toMatchObject({ mode: "gateway", reason: "self" });
    expect(s.health).toMatchObject({ ok: true });
    expect(s.stateVersion).toEqual({ presence: expect.any(Number), health: expect.any(Number) });
    expect(Number.isInteger(s.uptimeMs) && s.uptimeMs >= 0).toBe(true);
  });

  it("should give configPath, stateDir and authMode to operator.admin only", async () => {
    const admin = await hello({ scopes: ["operator.admin"] });
    expect(admin.snapshot).toMatchObject({ configPath: expect.stringContaining(gw.stateDir), stateDir: gw.stateDir, authMode: "token" });
    for (const scopes of [["operator.read"], ["operator.read", "operator.write", "operator.pairing"], []]) {
      const h = await hello({ scopes });
      expect(h.snapshot).not.toHaveProperty("configPath");
      expect(h.snapshot).not.toHaveProperty("stateDir");
      expect(h.snapshot).not.toHaveProperty("authMode");
    }
  });
});

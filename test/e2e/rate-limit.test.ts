/** Failed-auth rate limiting per address at the handshake, against real gateways. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { connectFrame, firstFrameOutcome } from "../helpers/e2e.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket, connectParams } from "../helpers/ws-client.ts";

const LOCKED = "unauthorized: too many failed authentication attempts (retry later)";
const LOCKOUT_MS = 60_000;

describe("rate limit: loopback not exempt", () => {
  let gw: TestGateway;
  let before: TestSocket;
  beforeAll(async () => {
    gw = await startTestGateway({
      gateway: { tickIntervalMs: 60_000, auth: { rateLimit: { exemptLoopback: false, maxAttempts: 3, windowMs: 60_000, lockoutMs: LOCKOUT_MS } } },
    });
    before = (await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.read"] })).sock;
  });
  afterAll(async () => {
    await before.close();
    await gw.stop();
  });

  it("should lock the address out after maxAttempts wrong tokens, refusing even the right one", async () => {
    for (let i = 0; i < 3; i++) {
      const { res, close } = await firstFrameOutcome(gw.url, connectFrame(connectParams({ token: `wrong-${i}` })));
      expect(res?.error.details.code).toBe("AUTH_TOKEN_MISMATCH");
      expect(close.code).toBe(1008);
    }
    const startedAt = Date.now();
    const { res, close } = await firstFrameOutcome(gw.url, connectFrame(connectParams({ token: gw.token })));
    expect(res?.error).toEqual({
      code: "INVALID_REQUEST", message: LOCKED,
      details: { code: "AUTH_RATE_LIMITED", authReason: "rate_limited", canRetryWithDeviceToken: false, recommendedNextStep: "wait_then_retry" },
      retryable: true, retryAfterMs: expect.any(Number),
    });
    expect(res!.error.retryAfterMs).toBeGreaterThan(0);
    expect(res!.error.retryAfterMs).toBeLessThanOrEqual(LOCKOUT_MS);
    expect(res!.error.retryAfterMs).toBeGreaterThan(LOCKOUT_MS - (Date.now() - startedAt) - 5_000);
    expect(close).toEqual({ code: 1008, reason: LOCKED });
  });

  it("should keep refusing while locked out, whatever the credentials", async () => {
    for (const auth of [{}, { token: "still-wrong" }, { token: gw.token }]) {
      const { res } = await firstFrameOutcome(gw.url, connectFrame(connectParams(auth)));
      expect(res?.error.details.code).toBe("AUTH_RATE_LIMITED");
    }
  });

  it("should still reject malformed connects on their own merits before the limiter", async () => {
    const { res, close } = await firstFrameOutcome(gw.url, connectFrame(connectParams({ token: gw.token, minProtocol: 9, maxProtocol: 9 })));
    expect(res?.error.message).toBe("protocol mismatch");
    expect(close.code).toBe(1002);
  });

  it("should not disturb a socket that authenticated before the lockout", async () => {
    const res = await before.request("status");
    expect(res.ok).toBe(true);
  });
});

describe("rate limit: default config (loopback exempt)", () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ gateway: { tickIntervalMs: 60_000 } }); });
  afterAll(async () => { await gw.stop(); });

  it("should accept the right token after 20 wrong ones from loopback", async () => {
    for (let i = 0; i < 20; i++) {
      const { res } = await firstFrameOutcome(gw.url, connectFrame(connectParams({ token: `wrong-${i}` })));
      expect(res?.error.details.code).toBe("AUTH_TOKEN_MISMATCH");
    }
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token });
    expect(res.ok).toBe(true);
    expect(res.payload.auth.method).toBe("token");
    await sock.close();
  });
});

describe("rate limit: success resets the count", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ gateway: { tickIntervalMs: 60_000, auth: { rateLimit: { exemptLoopback: false, maxAttempts: 3 } } } });
  });
  afterAll(async () => { await gw.stop(); });

  it("should forget earlier failures after a successful connect", async () => {
    const fail = async () => (await firstFrameOutcome(gw.url, connectFrame(connectParams({ token: "nope" })))).res?.error.details.code;
    expect(await fail()).toBe("AUTH_TOKEN_MISMATCH");
    expect(await fail()).toBe("AUTH_TOKEN_MISMATCH");
    const ok = await TestSocket.handshake(gw.url, { token: gw.token });
    expect(ok.res.ok).toBe(true);
    await ok.sock.close();
    expect(await fail()).toBe("AUTH_TOKEN_MISMATCH");
    expect(await fail()).toBe("AUTH_TOKEN_MISMATCH");
    const again = await TestSocket.handshake(gw.url, { token: gw.token });
    expect(again.res.ok).toBe(true);
    await again.sock.close();
  });
});

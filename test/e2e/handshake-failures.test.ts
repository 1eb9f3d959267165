/** Every way the first frame can fail, against a real gateway: error response (when the frame had an id) and close code. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { connectFrame, firstFrameOutcome } from "../helpers/e2e.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket, connectParams } from "../helpers/ws-client.ts";

const POLICY = 1008;
const TOKEN_MISSING = "unauthorized: gateway token missing (set auth.token to this gateway's token; see `mayros token`)";
const TOKEN_MISMATCH = "unauthorized: gateway token mismatch (use this gateway's token; see `mayros token`)";

let gw: TestGateway;
beforeAll(async () => { gw = await startTestGateway({ gateway: { tickIntervalMs: 60_000 } }); });
afterAll(async () => { await gw.stop(); });

/** Sends `params` as the first connect and expects an INVALID_REQUEST answer plus a close with the message as reason. */
async function expectRejectedConnect(params: unknown, message: string, closeCode = POLICY) {
  const { res, close } = await firstFrameOutcome(gw.url, connectFrame(params));
  expect(res).toMatchObject({ type: "res", id: "c1", ok: false, error: { code: "INVALID_REQUEST", message } });
  expect(close).toEqual({ code: closeCode, reason: message });
  return res!;
}

describe("handshake: malformed first frames", () => {
  it("should close 1008 without a response when the first frame is not JSON", async () => {
    const { frames, close } = await firstFrameOutcome(gw.url, '{"type":"req","id":"x",');
    expect(frames).toEqual([]);
    expect(close).toEqual({ code: POLICY, reason: "invalid frame: not JSON" });
  });

  it("should close 1008 'invalid request frame' without a response for JSON that is not an object", async () => {
    for (const text of ["[1,2]", "42", "null", '"connect"', "true"]) {
      const { frames, close } = await firstFrameOutcome(gw.url, text);
      expect(frames).toEqual([]);
      expect(close).toEqual({ code: POLICY, reason: "invalid request frame" });
    }
  });

  it("should close 1008 naming the problem, without a response, for an object that is not a request and has no id", async () => {
    const { frames, close } = await firstFrameOutcome(gw.url, { hello: "world" });
    expect(frames).toEqual([]);
    expect(close).toEqual({ code: POLICY, reason: "invalid request frame: at /type: is required" });
  });

  it("should answer INVALID_REQUEST and close 1008 for a request frame missing its method", async () => {
    const { res, close } = await firstFrameOutcome(gw.url, { type: "req", id: "a1" });
    const message = "invalid request frame: at /method: is required";
    expect(res).toEqual({ type: "res", id: "a1", ok: false, error: { code: "INVALID_REQUEST", message } });
    expect(close).toEqual({ code: POLICY, reason: message });
  });

  it("should answer 'first request must be connect' and close 1008 for any other method", async () => {
    const { res, close } = await firstFrameOutcome(gw.url, { type: "req", id: "h1", method: "health" });
    const message = "invalid handshake: first request must be connect";
    expect(res).toEqual({ type: "res", id: "h1", ok: false, error: { code: "INVALID_REQUEST", message } });
    expect(close).toEqual({ code: POLICY, reason: message });
  });

  it("should close 1008 for a binary first frame without a response", async () => {
    const { frames, close } = await firstFrameOutcome(gw.url, new Uint8Array([0x7b, 0x7d]));
    expect(frames).toEqual([]);
    expect(close).toEqual({ code: POLICY, reason: "invalid frame: binary frames are not supported" });
  });

  it("should close 1009 'preauth payload too large' without a response for a first frame over 64 KiB", async () => {
    const padded = connectFrame(connectParams({ token: gw.token, extra: { modelCatalog: { pad: "" } } }));
    const base = JSON.stringify(padded).length;
    (padded.params as any).modelCatalog.pad = "x".repeat(65_536 - base + 1);
    const text = JSON.stringify(padded);
    expect(Buffer.byteLength(text)).toBe(65_537);
    const { frames, close } = await firstFrameOutcome(gw.url, text);
    expect(frames).toEqual([]);
    expect(close).toEqual({ code: 1009, reason: "preauth payload too large" });
  });

  it("should accept a valid connect of exactly 64 KiB", async () => {
    const padded = connectFrame(connectParams({ token: gw.token, extra: { modelCatalog: { pad: "" } } }));
    (padded.params as any).modelCatalog.pad = "x".repeat(65_536 - JSON.stringify(padded).length);
    const text = JSON.stringify(padded);
    expect(Buffer.byteLength(text)).toBe(65_536);
    const sock = await TestSocket.open(gw.url);
    await sock.nextEvent("connect.challenge");
    sock.send(text);
    const res = await sock.next((f) => f.type === "res" && f.id === "c1");
    expect(res.ok).toBe(true);
    await sock.close();
  });
});

describe("handshake: connect params", () => {
  it("should name a missing client.version", async () => {
    const params = connectParams({ token: gw.token });
    delete (params.client as Record<string, unknown>).version;
    await expectRejectedConnect(params, "invalid connect params: at /client/version: is required");
  });

  it("should name an unknown extra property, top level or nested", async () => {
    await expectRejectedConnect(connectParams({ token: gw.token, extra: { transports: ["json-ws"] } }), "invalid connect params: at /transports: is not an allowed property");
    await expectRejectedConnect(connectParams({ token: gw.token, client: { color: "red" } }), "invalid connect params: at /client/color: is not an allowed property");
  });

  it("should reject omitted params and wrongly typed protocol bounds", async () => {
    const { res, close } = await firstFrameOutcome(gw.url, { type: "req", id: "c1", method: "connect" });
    expect(res?.error).toEqual({ code: "INVALID_REQUEST", message: "invalid connect params: at /: must be an object" });
    expect(close.code).toBe(POLICY);
    await expectRejectedConnect(connectParams({ token: gw.token, minProtocol: "4" as unknown as number }), "invalid connect params: at /minProtocol: must be an integer");
  });

  it("should refuse an unknown role with 'invalid role'", async () => {
    await expectRejectedConnect(connectParams({ token: gw.token, role: "superuser" }), "invalid role");
  });

  it("should refuse workers by mode, client id or role (they have their own endpoint)", async () => {
    const message = "invalid-handshake: workers do not connect on this socket";
    for (const opts of [{ client: { mode: "worker" } }, { client: { id: "openclaw-worker" } }, { role: "worker" }]) {
      const { res, close } = await firstFrameOutcome(gw.url, connectFrame(connectParams({ token: gw.token, ...opts })));
      expect(res?.error).toEqual({ code: "INVALID_REQUEST", message });
      expect(close).toEqual({ code: POLICY, reason: "invalid-handshake" });
    }
  });
});

describe("handshake: protocol mismatch", () => {
  for (const [min, max] of [[5, 5], [2, 2], [1, 2], [4, 3]] as const) {
    it(`should refuse min=${min} max=${max} with PROTOCOL_MISMATCH and close 1002`, async () => {
      const res = await expectRejectedConnect(connectParams({ token: gw.token, minProtocol: min, maxProtocol: max }), "protocol mismatch", 1002);
      expect(res.error.details).toEqual({
        code: "PROTOCOL_MISMATCH", clientMinProtocol: min, clientMaxProtocol: max, expectedProtocol: 4, minimumProbeProtocol: 3,
      });
    });
  }
});

describe("handshake: shared token", () => {
  it("should refuse a connect without a token (AUTH_TOKEN_MISSING)", async () => {
    const res = await expectRejectedConnect(connectParams({}), TOKEN_MISSING);
    expect(res.error.details).toEqual({
      code: "AUTH_TOKEN_MISSING", authReason: "token_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials",
    });
  });

  it("should refuse a wrong token (AUTH_TOKEN_MISMATCH) and a password in token mode", async () => {
    const res = await expectRejectedConnect(connectParams({ token: `${gw.token}x` }), TOKEN_MISMATCH);
    expect(res.error.details).toMatchObject({ code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch" });
    const pw = await expectRejectedConnect(connectParams({ password: gw.token }), TOKEN_MISSING);
    expect(pw.error.details.code).toBe("AUTH_TOKEN_MISSING");
  });
});

describe("handshake: password mode", () => {
  let pw: TestGateway;
  beforeAll(async () => { pw = await startTestGateway({ gateway: { tickIntervalMs: 60_000, auth: { mode: "password", password: "correct horse" } } }); });
  afterAll(async () => { await pw.stop(); });

  it("should refuse a wrong or missing password with the password detail codes", async () => {
    const wrong = await firstFrameOutcome(pw.url, connectFrame(connectParams({ password: "battery staple" })));
    expect(wrong.res?.error).toMatchObject({ code: "INVALID_REQUEST", message: "unauthorized: gateway password mismatch", details: { code: "AUTH_PASSWORD_MISMATCH", authReason: "password_mismatch" } });
    expect(wrong.close).toEqual({ code: POLICY, reason: "unauthorized: gateway password mismatch" });
    const tokenOnly = await firstFrameOutcome(pw.url, connectFrame(connectParams({ token: "correct horse" })));
    expect(tokenOnly.res?.error).toMatchObject({ message: "unauthorized: gateway password missing", details: { code: "AUTH_PASSWORD_MISSING" } });
    expect(tokenOnly.close.code).toBe(POLICY);
  });

  it("should accept the right password and report auth.method 'password'", async () => {
    const { sock, res } = await TestSocket.handshake(pw.url, { password: "correct horse", scopes: ["operator.read"] });
    expect(res.ok).toBe(true);
    expect(res.payload.auth).toEqual({ method: "password", role: "operator", scopes: ["operator.read"] });
    expect((await sock.request("health")).ok).toBe(true);
    await sock.close();
  });
});

describe("handshake: timeout", () => {
  let slow: TestGateway;
  beforeAll(async () => { slow = await startTestGateway({ gateway: { handshakeTimeoutMs: 150, tickIntervalMs: 40 } }); });
  afterAll(async () => { await slow.stop(); });

  it("should close 1008 'handshake timeout' when no connect arrives in time", async () => {
    const opened = Date.now(); // before the connect, so the server's timer starts later than this
    const sock = await TestSocket.open(slow.url);
    await sock.nextEvent("connect.challenge");
    expect(await sock.closed).toEqual({ code: POLICY, reason: "handshake timeout" });
    expect(Date.now() - opened).toBeGreaterThanOrEqual(145);
  });

  it("should not close a socket that completed its handshake in time", async () => {
    const { sock, res } = await TestSocket.handshake(slow.url, { token: slow.token });
    expect(res.ok).toBe(true);
    const first = await sock.nextEvent("tick");
    let last = first;
    while (last.payload.ts - first.payload.ts < 300) last = await sock.nextEvent("tick");
    expect((await sock.request("health")).ok).toBe(true);
    await sock.close();
  });
});

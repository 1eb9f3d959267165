import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket } from "../helpers/ws-client.ts";

let gw: TestGateway;
beforeAll(async () => { gw = await startTestGateway(); });
afterAll(async () => { await gw.stop(); });

describe("handshake", () => {
  it("should answer a v4 client with a v4 hello-ok", async () => {
    const { sock, res, challenge } = await TestSocket.handshake(gw.url, { token: gw.token });
    expect(challenge.payload.nonce).toBeString();
    expect(res.ok).toBe(true);
    expect(res.payload.protocol).toBe(4);
    expect(res.payload.auth).toEqual({ method: "token", role: "operator", scopes: ["operator.admin"] });
    expect(res.payload.features.methods).toContain("health");
    await sock.close();
  });
});

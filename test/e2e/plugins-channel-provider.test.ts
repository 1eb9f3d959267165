/**
 * @module A plugin's channel, model provider and chat command in a running gateway (fixture
 * test/fixtures/plugins-extra/relay): its channel starts with the gateway behind DM pairing, `/ping` is answered by
 * its command without a model call, and other messages are answered by the agent through its provider.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket } from "../helpers/ws-client.ts";

describe("a plugin's channel, provider and chat command", () => {
  let gw: TestGateway;
  let sock: TestSocket;
  const sent = async () => (await sock.request("relay.sent", {})).payload.sent as Array<{ chatId: string; text: string; replyTo?: string }>;
  const until = async (pred: (s: Awaited<ReturnType<typeof sent>>) => boolean) => {
    for (let i = 0; i < 2000; i++) {
      const s = await sent();
      if (pred(s)) return s;
    }
    throw new Error(`relay never sent what was expected: ${JSON.stringify(await sent())}`);
  };

  beforeAll(async () => {
    gw = await startTestGateway({
      plugins: { load: { paths: [join(import.meta.dir, "..", "fixtures", "plugins-extra")] } },
      agents: { defaults: { model: { primary: "relay/echo-1" } } },
      messages: { queue: { debounceMs: 0 } },
    });
    ({ sock } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.admin", "operator.pairing"] }));
  });
  afterAll(async () => {
    await sock.close();
    await gw.stop();
  });

  it("should start the plugin's channel, gate an unknown DM with a pairing code, then answer /ping and model replies", async () => {
    const status = (await sock.request("channels.status", {})).payload.channels;
    expect(status).toContainEqual(expect.objectContaining({ channel: "relay-chat", accountId: "default", state: "connected", dmPolicy: "pairing" }));

    await sock.request("relay.inject", { senderId: "u1", text: "hello" });
    const [pairing] = await until((s) => s.length >= 1);
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(pairing!.text)?.[1];
    expect(code).toBeDefined();
    expect((await sock.request("pairing.approve", { channel: "relay-chat", code })).ok).toBe(true);
    const afterApproval = (await until((s) => s.length >= 2)).length;

    const ping = (await sock.request("relay.inject", { senderId: "u1", text: "/ping" })).payload.messageId;
    expect((await until((s) => s.length > afterApproval)).at(-1)).toEqual({ chatId: "u1", text: "pong", replyTo: ping });

    const asked = (await sock.request("relay.inject", { senderId: "u1", text: "how are you" })).payload.messageId;
    const reply = (await until((s) => s.length > afterApproval + 1)).at(-1)!;
    expect(reply).toMatchObject({ chatId: "u1", replyTo: asked });
    expect(reply.text).toStartWith("relayed (echo-1): ");
    expect(reply.text).toEndWith("how are you");
  });
});

/**
 * @module The channel layer with the real Telegram adapter (grammY) against the loopback Bot API fake,
 * in polling and webhook mode: pairing code, approval, agent reply through `sendMessage`.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { agentConfig, startFake } from "../helpers/agent.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram-fake.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

describe("telegram through the channel layer (polling)", () => {
  let model: SseFake;
  let tg: TelegramFake;
  let h: ChannelHarness;

  beforeAll(async () => {
    model = startFake("anthropic");
    tg = await startTelegramFake();
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } },
    }));
  });
  afterAll(async () => {
    await h.stop();
    await tg.stop();
    await model.stop();
  });

  it("should pair an unknown sender and then answer through sendMessage", async () => {
    expect((await h.admin.request("channels.status", {})).payload.channels[0]).toMatchObject({ channel: "telegram", state: "connected" });
    const pairingReply = tg.nextCall("sendMessage");
    tg.enqueue({ message: tg.privateMessage({ text: "hi", from: tg.user(111, "Ana") }) });
    const call = await pairingReply;
    expect(String(call.params.chat_id)).toBe("111");
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(call.params.text)?.[1];
    expect(code).toBeDefined();
    expect(model.requests).toHaveLength(0);

    const notice = tg.nextCall("sendMessage");
    expect((await h.admin.request("pairing.approve", { channel: "telegram", code })).payload).toMatchObject({ senderId: "111" });
    await notice;

    model.script({ text: ["**Hello** Ana"] });
    const answer = tg.nextCall("sendMessage");
    tg.enqueue({ message: tg.privateMessage({ text: "how are you?", from: tg.user(111, "Ana") }) });
    const sent = await answer;
    expect(String(sent.params.chat_id)).toBe("111");
    expect(sent.params.text).toContain("Hello");
    expect(model.requests).toHaveLength(1);
  });
});

describe("telegram through the channel layer (webhook)", () => {
  let tg: TelegramFake;
  let h: ChannelHarness;

  beforeAll(async () => {
    tg = await startTelegramFake();
    h = await startChannelGateway({ channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, mode: "webhook", webhookSecret: "hook-secret" } } });
  });
  afterAll(async () => {
    await h.stop();
    await tg.stop();
  });

  it("should take updates on POST /channels/telegram/webhook only with the secret", async () => {
    const base = h.gateway.url.replace(/^ws/, "http");
    const update = { update_id: 1, message: tg.privateMessage({ text: "hi", from: tg.user(222, "Bo") }) };
    const denied = await fetch(`${base}/channels/telegram/webhook`, { method: "POST", body: JSON.stringify(update), headers: { "content-type": "application/json" } });
    expect(denied.status).toBe(401);
    const reply = tg.nextCall("sendMessage");
    const ok = await fetch(`${base}/channels/telegram/webhook`, {
      method: "POST", body: JSON.stringify(update), headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "hook-secret" },
    });
    expect(ok.status).toBe(200);
    const call = await reply;
    expect(String(call.params.chat_id)).toBe("222");
    expect(call.params.text).toContain("mayros pairing approve telegram");
  });
});

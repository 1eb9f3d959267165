/**
 * @module The Telegram channel end to end: a real gateway with the real grammY adapter against the loopback
 * Bot API fake and the fake model provider. Pairing through the CLI, DM / group / forum-topic replies,
 * mention gating, chunked long replies, `send` idempotency, an outage at start with reconnection, and the
 * webhook secret check.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { agentConfig, lastUserText, startFake } from "../helpers/agent.ts";
import { approveWithCli, channelStatus, longReply, squash, waitForChannelState } from "../helpers/channels-e2e.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { startTelegramFake, type TelegramCall, type TelegramFake } from "../fakes/telegram-fake.ts";
import { FakeAdapter } from "../channels/fake-adapter.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

/** Resolves with the `sendMessage` calls after index `from` once `done` holds for them (awaits the fake, no sleeps). */
async function sendsAfter(tg: TelegramFake, from: number, done: (calls: TelegramCall[]) => boolean): Promise<TelegramCall[]> {
  for (;;) {
    const calls = tg.callsOf("sendMessage").slice(from);
    if (done(calls)) return calls;
    await tg.nextCall("sendMessage");
  }
}

describe("telegram end to end (polling)", () => {
  let model: SseFake;
  let tg: TelegramFake;
  let h: ChannelHarness;
  const ana = () => tg.user(111, "Ana");

  beforeAll(async () => {
    model = startFake("anthropic");
    tg = await startTelegramFake();
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: "pairing", requireMention: true } },
    }));
  });
  afterAll(async () => {
    await h.stop();
    await tg.stop();
    await model.stop();
  });

  it("should pair an unknown DM sender through the CLI and then answer their next DM in their chat", async () => {
    expect(await channelStatus(h.admin, "telegram")).toMatchObject({ state: "connected", botName: tg.bot.username });
    const pairingReply = tg.nextCall("sendMessage");
    tg.enqueue({ message: tg.privateMessage({ text: "hello?", from: ana() }) });
    const call = await pairingReply;
    expect(String(call.params.chat_id)).toBe("111");
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(call.params.text)?.[1];
    expect(code).toBeString();
    expect(call.params.text).toContain(`mayros pairing approve telegram ${code}`);
    expect(model.requests).toHaveLength(0);

    const notice = tg.nextCall("sendMessage");
    const approved = await approveWithCli(h.gateway.url, "telegram", code!);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain("approved Ana (111) on telegram/default");
    expect(String((await notice).params.chat_id)).toBe("111");

    model.script({ text: ["Hi **Ana**, all good."] });
    const answer = tg.nextCall("sendMessage");
    const dm = tg.privateMessage({ text: "how are you?", from: ana() });
    tg.enqueue({ message: dm });
    const sent = await answer;
    expect(String(sent.params.chat_id)).toBe("111");
    expect(sent.params.text).toBe("Hi <b>Ana</b>, all good.");
    expect(sent.params.parse_mode).toBe("HTML");
    expect(sent.params.reply_parameters).toMatchObject({ message_id: dm.message_id });
    expect(sent.params.message_thread_id).toBeUndefined();
    expect(model.requests).toHaveLength(1);
    expect(lastUserText(model.requests[0]!.body)).toContain("how are you?");
  });

  it("should ignore a group message without a mention and answer a mentioned one in the same group", async () => {
    const requests = model.requests.length;
    const from = tg.callsOf("sendMessage").length;
    model.script({ text: ["Hello group"] });
    tg.enqueue({ message: tg.groupMessage({ chatId: -100123, text: "just chatting", from: tg.user(333, "Bo") }) });
    const answer = tg.nextCall("sendMessage");
    tg.enqueue({ message: tg.groupMessage({ chatId: -100123, text: "what time is it?", mention: true, from: tg.user(333, "Bo") }) });
    const sent = await answer;
    expect(String(sent.params.chat_id)).toBe("-100123");
    expect(sent.params.text).toBe("Hello group");
    expect(model.requests.length - requests).toBe(1);
    const asked = lastUserText(model.requests.at(-1)!.body);
    expect(asked).toContain("Bo: what time is it?");
    expect(asked).not.toContain("just chatting");
    expect(tg.callsOf("sendMessage").length - from).toBe(1);
  });

  it("should answer a mention in a forum topic inside that topic", async () => {
    model.script({ text: ["Topic answer"] });
    const answer = tg.nextCall("sendMessage");
    const msg = tg.topicMessage({ chatId: -100777, threadId: 55, text: "in the topic", mention: true, from: tg.user(333, "Bo") });
    tg.enqueue({ message: msg });
    const sent = await answer;
    expect(String(sent.params.chat_id)).toBe("-100777");
    expect(sent.params.message_thread_id).toBe(55);
    expect(sent.params.reply_parameters).toMatchObject({ message_id: msg.message_id });
    expect(sent.params.text).toBe("Topic answer");
  });

  it("should deliver a reply longer than 4096 characters as ordered chunks in the sender's chat", async () => {
    const text = longReply(9000);
    const from = tg.callsOf("sendMessage").length;
    model.script({ text: [text.slice(0, 3000), text.slice(3000)] });
    const dm = tg.privateMessage({ text: "tell me a long story", from: ana() });
    tg.enqueue({ message: dm });
    const chunks = await sendsAfter(tg, from, (calls) => squash(calls.map((c) => c.params.text).join(" ")).length >= squash(text).length);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(squash(chunks.map((c) => c.params.text).join(" "))).toBe(squash(text));
    for (const [i, c] of chunks.entries()) {
      expect(String(c.params.chat_id)).toBe("111");
      expect(c.params.text.length).toBeLessThanOrEqual(4096);
      if (i === 0) expect(c.params.reply_parameters).toMatchObject({ message_id: dm.message_id });
      else expect(c.params.reply_parameters).toBeUndefined();
    }
  });

  it("should send once per idempotency key", async () => {
    const from = tg.callsOf("sendMessage").length;
    const params = { channel: "telegram", to: "111", message: "operator says hi", idempotencyKey: "tg-e2e-send-1" };
    const first = await h.admin.request("send", params);
    expect(first.ok).toBe(true);
    expect(first.payload).toMatchObject({ runId: "tg-e2e-send-1", channel: "telegram", chatId: "111" });
    const retry = await h.admin.request("send", params);
    expect(retry.payload).toEqual(first.payload);
    const sent = tg.callsOf("sendMessage").slice(from);
    expect(sent.map((c) => [String(c.params.chat_id), c.params.text])).toEqual([["111", "operator says hi"]]);
  });
});

describe("telegram end to end (service down at start)", () => {
  let model: SseFake;
  let tg: TelegramFake;
  let h: ChannelHarness;
  let other: FakeAdapter | undefined;

  beforeAll(async () => {
    model = startFake("anthropic");
    tg = await startTelegramFake();
    tg.down("refuse");
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, allowFrom: ["111"] }, discord: { token: "other-token" } },
    }), { discord: () => (other = new FakeAdapter({ channel: "discord" })) });
  });
  afterAll(async () => {
    await h.stop();
    await tg.stop();
    await model.stop();
  });

  it("should report telegram disconnected, keep the gateway and other channels working, and reconnect when it is back", async () => {
    const down = await channelStatus(h.admin, "telegram");
    expect(down.state).toBe("disconnected");
    expect(down.lastError).toBeString();
    expect((await h.admin.request("health", {})).ok).toBe(true);
    expect(await channelStatus(h.admin, "discord")).toMatchObject({ state: "connected" });
    const viaOther = await h.admin.request("send", { channel: "discord", to: "c1", message: "still here", idempotencyKey: "tg-down-other" });
    expect(viaOther.ok).toBe(true);
    expect(other!.sent.map((s) => s.message.text)).toEqual(["still here"]);

    const polling = tg.nextCall("getUpdates");
    tg.up();
    await polling; // getMe + deleteWebhook succeeded: the adapter reported connected before polling
    expect(await waitForChannelState(h.admin, "telegram", "connected")).not.toHaveProperty("lastError");
    expect((await h.admin.request("health", {})).ok).toBe(true);

    model.script({ text: ["Back online"] });
    const answer = tg.nextCall("sendMessage");
    tg.enqueue({ message: tg.privateMessage({ text: "are you there?", from: tg.user(111, "Ana") }) });
    const sent = await answer;
    expect(String(sent.params.chat_id)).toBe("111");
    expect(sent.params.text).toBe("Back online");
    expect(model.requests).toHaveLength(1);
    expect(await channelStatus(h.admin, "discord")).toMatchObject({ state: "connected" });
  });
});

describe("telegram end to end (webhook)", () => {
  let model: SseFake;
  let tg: TelegramFake;
  let h: ChannelHarness;

  beforeAll(async () => {
    model = startFake("anthropic");
    tg = await startTelegramFake();
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, mode: "webhook", webhookSecret: "right-secret", allowFrom: ["222"] } },
    }));
  });
  afterAll(async () => {
    await h.stop();
    await tg.stop();
    await model.stop();
  });

  it("should answer 401 to a wrong or missing secret without reaching the agent, and run the agent with the right one", async () => {
    const url = `${h.gateway.url.replace(/^ws/, "http")}/channels/telegram/webhook`;
    const post = (updateId: number, text: string, secret?: string) => fetch(url, {
      method: "POST",
      body: JSON.stringify({ update_id: updateId, message: tg.privateMessage({ text, from: tg.user(222, "Bo") }) }),
      headers: { "content-type": "application/json", ...(secret !== undefined && { "x-telegram-bot-api-secret-token": secret }) },
    });
    expect((await post(1, "forged", "wrong-secret")).status).toBe(401);
    expect((await post(2, "no secret")).status).toBe(401);
    expect((await h.admin.request("health", {})).ok).toBe(true);
    expect(model.requests).toHaveLength(0);
    expect(tg.callsOf("sendMessage")).toHaveLength(0);

    model.script({ text: ["Webhook answer"] });
    const answer = tg.nextCall("sendMessage");
    expect((await post(3, "real one", "right-secret")).status).toBe(200);
    const sent = await answer;
    expect(String(sent.params.chat_id)).toBe("222");
    expect(sent.params.text).toBe("Webhook answer");
    expect(model.requests).toHaveLength(1);
    expect(lastUserText(model.requests[0]!.body)).toContain("real one");
    expect(lastUserText(model.requests[0]!.body)).not.toContain("forged");
  });
});

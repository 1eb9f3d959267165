/**
 * @module The Discord channel end to end: a real gateway with the real discord.js adapter against the loopback
 * Discord fake (REST + gateway WebSocket) and the fake model provider. Pairing through the CLI, DM / channel /
 * thread replies, mention gating, chunked long replies, `send` idempotency, and an outage at start with reconnection.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { agentConfig, lastUserText, startFake } from "../helpers/agent.ts";
import { approveWithCli, channelStatus, longReply, squash, waitForChannelState } from "../helpers/channels-e2e.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { startDiscordFake, type DiscordFake } from "../fakes/discord-fake.ts";
import { FakeAdapter } from "../channels/fake-adapter.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

type Sent = DiscordFake["sent"][number];

/** Resolves with the messages the bot posted after index `from` once `done` holds for them (awaits the fake, no sleeps). */
async function sentAfter(dc: DiscordFake, from: number, done: (sent: Sent[]) => boolean): Promise<Sent[]> {
  for (;;) {
    const sent = dc.sent.slice(from);
    if (done(sent)) return sent;
    await dc.next("request");
  }
}

/** The next message the bot posts from now on. */
async function nextSent(dc: DiscordFake): Promise<Sent> {
  const from = dc.sent.length;
  return (await sentAfter(dc, from, (s) => s.length > 0))[0]!;
}

const content = (s: Sent): string => String(s.body.content);

describe("discord end to end", () => {
  let model: SseFake;
  let dc: DiscordFake;
  let h: ChannelHarness;

  beforeAll(async () => {
    model = startFake("anthropic");
    dc = startDiscordFake();
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { discord: { token: dc.token, restApi: dc.restApi, dmPolicy: "pairing", requireMention: true } },
    }));
  });
  afterAll(async () => {
    await h.stop();
    await dc.stop();
    await model.stop();
  });

  it("should pair an unknown DM sender through the CLI and then answer their next DM in the DM channel", async () => {
    expect(await channelStatus(h.admin, "discord")).toMatchObject({ state: "connected", botId: dc.bot.id, botName: dc.bot.username });
    const pairingReply = nextSent(dc);
    dc.injectDm("hello?");
    const reply = await pairingReply;
    expect(reply.channelId).toBe(dc.ids.dm);
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(content(reply))?.[1];
    expect(code).toBeString();
    expect(content(reply)).toContain(`mayros pairing approve discord ${code}`);
    expect(content(reply)).toContain(dc.alice.id);
    expect(model.requests).toHaveLength(0);

    const notice = nextSent(dc);
    const approved = await approveWithCli(h.gateway.url, "discord", code!);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`(${dc.alice.id}) on discord/default`);
    expect((await notice).channelId).toBe(dc.ids.dm);

    model.script({ text: ["Hi **alice**, all good."] });
    const answer = nextSent(dc);
    const dm = dc.injectDm("how are you?");
    const sent = await answer;
    expect(sent.channelId).toBe(dc.ids.dm);
    expect(content(sent)).toBe("Hi **alice**, all good.");
    expect(sent.body.message_reference).toMatchObject({ message_id: dm.id });
    expect(model.requests).toHaveLength(1);
    expect(lastUserText(model.requests[0]!.body)).toContain("how are you?");
  });

  it("should ignore a channel message without a mention and answer a mentioned one in that channel", async () => {
    const requests = model.requests.length;
    const from = dc.sent.length;
    model.script({ text: ["Hello channel"] });
    dc.injectGuildMessage("just chatting");
    const answer = nextSent(dc);
    dc.injectGuildMessage("what time is it?", { mentionBot: true });
    const sent = await answer;
    expect(sent.channelId).toBe(dc.ids.channel);
    expect(content(sent)).toBe("Hello channel");
    expect(model.requests.length - requests).toBe(1);
    const asked = lastUserText(model.requests.at(-1)!.body);
    expect(asked).toContain("what time is it?");
    expect(asked).not.toContain("just chatting");
    expect(asked).not.toContain(`<@${dc.bot.id}>`);
    expect(dc.sent.length - from).toBe(1);
  });

  it("should answer a mention inside a thread in that thread", async () => {
    model.script({ text: ["Thread answer"] });
    const answer = nextSent(dc);
    const msg = dc.injectThreadMessage("in the thread", { mentionBot: true });
    const sent = await answer;
    expect(sent.channelId).toBe(dc.ids.thread);
    expect(content(sent)).toBe("Thread answer");
    expect(sent.body.message_reference).toMatchObject({ message_id: msg.id, channel_id: dc.ids.thread });
  });

  it("should deliver a reply longer than 2000 characters as ordered chunks in the DM channel", async () => {
    const text = longReply(9000);
    const from = dc.sent.length;
    model.script({ text: [text.slice(0, 4000), text.slice(4000)] });
    const dm = dc.injectDm("tell me a long story");
    const chunks = await sentAfter(dc, from, (s) => squash(s.map(content).join(" ")).length >= squash(text).length);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(squash(chunks.map(content).join(" "))).toBe(squash(text));
    for (const [i, c] of chunks.entries()) {
      expect(c.channelId).toBe(dc.ids.dm);
      expect(content(c).length).toBeLessThanOrEqual(2000);
      if (i === 0) expect(c.body.message_reference).toMatchObject({ message_id: dm.id });
      else expect(c.body.message_reference).toBeUndefined();
    }
  });

  it("should send once per idempotency key", async () => {
    const from = dc.sent.length;
    const params = { channel: "discord", to: dc.ids.channel, message: "operator says hi", idempotencyKey: "dc-e2e-send-1" };
    const first = await h.admin.request("send", params);
    expect(first.ok).toBe(true);
    expect(first.payload).toMatchObject({ runId: "dc-e2e-send-1", channel: "discord", chatId: dc.ids.channel });
    const retry = await h.admin.request("send", params);
    expect(retry.payload).toEqual(first.payload);
    expect(dc.sent.slice(from).map((s) => [s.channelId, content(s)])).toEqual([[dc.ids.channel, "operator says hi"]]);
  });
});

describe("discord end to end (service down at start)", () => {
  let model: SseFake;
  let dc: DiscordFake;
  let h: ChannelHarness;
  let other: FakeAdapter | undefined;

  beforeAll(async () => {
    model = startFake("anthropic");
    dc = startDiscordFake();
    dc.down();
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { discord: { token: dc.token, restApi: dc.restApi, allowFrom: [dc.alice.id] }, telegram: { botToken: "other-token" } },
    }), { telegram: () => (other = new FakeAdapter({ channel: "telegram" })) });
  });
  afterAll(async () => {
    await h.stop();
    await dc.stop();
    await model.stop();
  });

  it("should report discord disconnected, keep the gateway and other channels working, and reconnect when it is back", async () => {
    const down = await channelStatus(h.admin, "discord");
    expect(down.state).toBe("disconnected");
    expect(down.lastError).toContain("503");
    expect((await h.admin.request("health", {})).ok).toBe(true);
    expect(await channelStatus(h.admin, "telegram")).toMatchObject({ state: "connected" });
    const viaOther = await h.admin.request("send", { channel: "telegram", to: "c1", message: "still here", idempotencyKey: "dc-down-other" });
    expect(viaOther.ok).toBe(true);
    expect(other!.sent.map((s) => s.message.text)).toEqual(["still here"]);
    const refused = await h.admin.request("send", { channel: "discord", to: dc.ids.channel, message: "nope", idempotencyKey: "dc-down-send" });
    expect(refused.ok).toBe(false);

    const identified = dc.next("identify");
    dc.up();
    await identified; // the re-login reached the gateway WebSocket
    expect(await waitForChannelState(h.admin, "discord", "connected")).not.toHaveProperty("lastError");
    expect((await h.admin.request("health", {})).ok).toBe(true);

    model.script({ text: ["Back online"] });
    const answer = nextSent(dc);
    dc.injectDm("are you there?");
    const sent = await answer;
    expect(sent.channelId).toBe(dc.ids.dm);
    expect(content(sent)).toBe("Back online");
    expect(model.requests).toHaveLength(1);
    expect(await channelStatus(h.admin, "telegram")).toMatchObject({ state: "connected" });
  });
});

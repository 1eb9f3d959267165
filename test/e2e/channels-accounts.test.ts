/**
 * @module End-to-end tests of several accounts on one channel (`channels.telegram.accounts.<id>`) through a
 * real gateway with in-memory adapters and the fake model provider: every account starts and shows in
 * `channels.status`, replies and `send` go through the right account, and a failing account stays isolated.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { agentConfig, lastUserText, startFake } from "../helpers/agent.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { FakeAdapter } from "../channels/fake-adapter.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

describe("several accounts on one channel", () => {
  let fake: SseFake;
  let h: ChannelHarness;
  const adapters: Record<string, FakeAdapter> = {};
  const options: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    fake = startFake("anthropic");
    const config = agentConfig("anthropic", fake.url, {
      messages: { queue: { debounceMs: 0 } },
      session: { dmScope: "per-account-channel-peer" },
      channels: {
        telegram: {
          botToken: "t-default", dmPolicy: "open",
          accounts: { work: { botToken: "t-work" }, broken: { botToken: "t-broken" }, off: { botToken: "t-off", enabled: false } },
        },
      },
    });
    h = await startChannelGateway(config, {
      telegram: (opts: { accountId: string }) => {
        options[opts.accountId] = opts;
        const adapter = new FakeAdapter({ channel: "telegram", accountId: opts.accountId, ...(opts.accountId === "broken" && { failStart: "bad token" }) });
        adapters[opts.accountId] = adapter;
        return adapter;
      },
    });
  });
  afterAll(async () => {
    await h.stop();
    await fake.stop();
  });

  it("should start one adapter per enabled account, passing its accountId and token to the factory", () => {
    expect(Object.keys(options).sort()).toEqual(["broken", "default", "work"]);
    expect(options.default).toMatchObject({ accountId: "default", botToken: "t-default", mode: "polling" });
    expect(options.work).toMatchObject({ accountId: "work", botToken: "t-work", mode: "polling" });
  });

  it("should list every account in channels.status", async () => {
    const res = await h.admin.request("channels.status", {});
    expect(res.ok).toBe(true);
    const by = Object.fromEntries((res.payload.channels as Array<{ accountId: string }>).map((c) => [c.accountId, c]));
    expect(Object.keys(by).sort()).toEqual(["broken", "default", "off", "work"]);
    expect(by.default).toMatchObject({ channel: "telegram", state: "connected", enabled: true, dmPolicy: "open" });
    expect(by.work).toMatchObject({ channel: "telegram", state: "connected", enabled: true, dmPolicy: "open" });
    expect(by.broken).toMatchObject({ channel: "telegram", state: "disconnected", lastError: "bad token", enabled: true });
    expect(by.off).toMatchObject({ channel: "telegram", state: "stopped", enabled: false, configured: true });
  });

  it("should answer a message that came in on account work through the work adapter only", async () => {
    fake.script({ text: ["hello from work"] });
    const msg = adapters.work!.receive({ chatId: "w-chat", senderId: "55", text: "hi work bot" });
    await adapters.work!.waitForSent(1);
    expect(adapters.work!.sent[0]).toMatchObject({
      target: { accountId: "work", chatId: "w-chat", replyToMessageId: msg.messageId }, message: { text: "hello from work" },
    });
    expect(adapters.default!.sent).toEqual([]);
    expect(lastUserText(fake.requests.at(-1)!.body)).toContain("hi work bot");
    expect((await h.admin.request("sessions.resolve", { key: "agent:main:telegram:work:dm:55" })).ok).toBe(true);
  });

  it("should send with accountId work through the work adapter and default without one", async () => {
    const work = await h.admin.request("send", { to: "c-1", message: "via work", channel: "telegram", accountId: "work", idempotencyKey: "acc-1" });
    expect(work.payload).toMatchObject({ channel: "telegram", chatId: "c-1" });
    expect(adapters.work!.sent.at(-1)).toMatchObject({ target: { accountId: "work", chatId: "c-1" }, message: { text: "via work" } });
    const before = adapters.work!.sent.length;
    await h.admin.request("send", { to: "c-2", message: "via default", channel: "telegram", idempotencyKey: "acc-2" });
    expect(adapters.default!.sent.at(-1)).toMatchObject({ target: { accountId: "default", chatId: "c-2" }, message: { text: "via default" } });
    expect(adapters.work!.sent.length).toBe(before);
  });

  it("should refuse to send through an account that does not run, naming it", async () => {
    for (const accountId of ["nope", "off"]) {
      const res = await h.admin.request("send", { to: "c-3", message: "x", channel: "telegram", accountId, idempotencyKey: `acc-${accountId}` });
      expect(res.error).toMatchObject({ code: "UNAVAILABLE", message: `channel not configured: telegram/${accountId}`, details: { channel: "telegram", accountId } });
    }
  });

  it("should log one account out and keep the other running", async () => {
    const res = await h.admin.request("channels.logout", { channel: "telegram", accountId: "work" });
    expect(res.payload).toEqual({ channel: "telegram", accountId: "work", loggedOut: true });
    expect(adapters.work!.stopped).toBe(1);
    expect(adapters.default!.stopped).toBe(0);
    const status = (await h.admin.request("channels.status", {})).payload.channels as Array<{ accountId: string; state: string }>;
    expect(status.find((c) => c.accountId === "default")!.state).toBe("connected");
    expect(status.find((c) => c.accountId === "work")!.state).toBe("stopped");
  });
});

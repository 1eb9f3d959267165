/** @module Tests of the channel manager: the factory seam, inbound routing, webhook routes, stop, and the message tool over it. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { openDatabase } from "../../src/store/index.ts";
import { ChannelPairingStore } from "../../src/channels/pairing-store.ts";
import { defaultAccessPolicy, resolveChannelAccounts, type ChannelAccount } from "../../src/channels/config.ts";
import { ChannelManager, type HttpChannelAdapter } from "../../src/channels/manager.ts";
import { messageTool } from "../../src/agent/tools/message.ts";
import { validateConfig } from "../../src/config/load.ts";
import { FakeAdapter } from "./fake-adapter.ts";

let db: Database;
let runs: string[];
const log = { debug() {}, info() {}, warn() {} };

function manager(accounts: ChannelAccount[] = []): ChannelManager {
  return new ChannelManager({
    accounts, pairing: new ChannelPairingStore(db), log,
    session: () => ({ dmScope: "main", mainKey: "main" }),
    agent: { run: async (r) => { runs.push(r.message); return { runId: r.runId, status: "ok", text: `echo ${r.message}` }; } },
  });
}

const testAccount = (over: Partial<ChannelAccount> = {}): ChannelAccount => ({
  channel: "test", accountId: "default", enabled: true, configured: true, policy: defaultAccessPolicy({ dmPolicy: "open" }), options: { accountId: "default" }, ...over,
});

beforeEach(() => {
  db = openDatabase(":memory:");
  runs = [];
});
afterEach(() => db.close());

describe("ChannelManager", () => {
  it("should start an in-memory adapter registered with registerFactory and route its messages", async () => {
    const m = manager();
    const adapter = new FakeAdapter();
    m.registerFactory("test", () => adapter);
    await m.startAccount(testAccount());
    expect(m.status()).toEqual([expect.objectContaining({ channel: "test", state: "connected", enabled: true })]);
    adapter.receive({ text: "ping" });
    await adapter.waitForSent(1);
    expect(runs).toEqual(["ping"]);
    expect(adapter.sent[0]!.message.text).toBe("echo ping");
    await m.stop();
    expect(adapter.stopped).toBe(1);
    expect(adapter.ctx!.signal.aborted).toBe(true);
    expect(m.status()[0]!.state).toBe("stopped");
  });

  it("should report a factory for an unknown channel as an error without throwing", async () => {
    const m = manager();
    await m.startAccount(testAccount({ channel: "nope" }));
    expect(m.status()[0]).toMatchObject({ channel: "nope", state: "error", lastError: "no adapter for channel nope" });
  });

  it("should resolve accounts from config with env fallbacks, config winning", () => {
    const config = validateConfig({ channels: { telegram: { botToken: "from-config", mode: "webhook" }, slack: { mode: "http" } } }, "/x.json");
    const accounts = resolveChannelAccounts(config, { TELEGRAM_BOT_TOKEN: "from-env", DISCORD_BOT_TOKEN: "d-env", SLACK_BOT_TOKEN: "xoxb", SLACK_SIGNING_SECRET: "sec" });
    const by = Object.fromEntries(accounts.map((a) => [a.channel, a]));
    expect(by.telegram).toMatchObject({ configured: false, enabled: false, mode: "webhook", options: { botToken: "from-config" } });
    expect(by.discord).toMatchObject({ configured: true, enabled: true, options: { accountId: "default", token: "d-env" }, policy: { dmPolicy: "pairing", groupPolicy: "open", requireMention: true } });
    expect(by.slack).toMatchObject({ configured: true, enabled: true, mode: "http", options: { botToken: "xoxb", signingSecret: "sec", mode: "http" } });
    expect(resolveChannelAccounts(validateConfig({}, "/x.json"), {})).toEqual([]);
  });

  it("should mount the Telegram webhook and Slack events routes, checking the Telegram secret", async () => {
    const config = validateConfig({ channels: { telegram: { botToken: "t", mode: "webhook", webhookSecret: "s3cret" }, slack: { botToken: "b", signingSecret: "x", mode: "http" } } }, "/x.json");
    const m = new ChannelManager({
      accounts: resolveChannelAccounts(config, {}), pairing: new ChannelPairingStore(db), log,
      session: () => ({ dmScope: "main", mainKey: "main" }), agent: { run: async (r) => ({ runId: r.runId, status: "ok", text: "" }) },
      factories: {
        telegram: (o: { webhookSecret: string }) => Object.assign(new FakeAdapter({ channel: "telegram" }), { webhookHandler: async () => new Response(`tg ${o.webhookSecret}`) }) as HttpChannelAdapter,
        slack: () => Object.assign(new FakeAdapter({ channel: "slack" }), { eventsHandler: async (req: Request) => new Response(`slack ${await req.text()}`) }) as HttpChannelAdapter,
      },
    });
    expect(m.routes).not.toBeNull();
    expect((await m.routes!.request("/channels/telegram/webhook", { method: "POST", body: "{}" })).status).toBe(401); // the secret is checked before the adapter is even running
    await m.start();
    const wrong = await m.routes!.request("/channels/telegram/webhook", { method: "POST", body: "{}", headers: { "x-telegram-bot-api-secret-token": "nope" } });
    expect(wrong.status).toBe(401);
    const ok = await m.routes!.request("/channels/telegram/webhook", { method: "POST", body: "{}", headers: { "x-telegram-bot-api-secret-token": "s3cret" } });
    expect(await ok.text()).toBe("tg s3cret");
    expect(await (await m.routes!.request("/channels/slack/events", { method: "POST", body: "evt" })).text()).toBe("slack evt");
    await m.stop();
    expect((await m.routes!.request("/channels/slack/events", { method: "POST", body: "evt" })).status).toBe(503);
  });
});

describe("message tool over the channel layer", () => {
  const ctx = { workspace: "/tmp", sessionKey: "agent:main:main", signal: new AbortController().signal };

  it("should send through the manager and name unconfigured channels", async () => {
    const m = manager();
    const adapter = new FakeAdapter();
    m.registerFactory("test", () => adapter);
    await m.startAccount(testAccount());
    const tool = messageTool({ send: (p) => m.send(p) });
    expect(await tool.execute({ channel: "test", to: "c7", text: "hello" }, ctx)).toEqual({ content: "sent to c7 on test (message m1)" });
    expect(adapter.sent[0]).toMatchObject({ target: { chatId: "c7" }, message: { text: "hello" } });
    expect(await tool.execute({ channel: "telegram", to: "c7", text: "x" }, ctx)).toEqual({ content: "channel not configured: telegram", isError: true });
    expect(await tool.execute({ channel: "test", text: "x" }, ctx)).toEqual({ content: "to is required", isError: true });
    expect(await tool.execute({ action: "poll", channel: "test" }, ctx)).toMatchObject({ isError: true });
    await m.stop();
  });
});

/** @module Tests of several accounts per channel: config resolution, the per-account webhook / events routes and start isolation. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { openDatabase } from "../../src/store/index.ts";
import { ChannelPairingStore } from "../../src/channels/pairing-store.ts";
import { resolveChannelAccounts } from "../../src/channels/config.ts";
import { ChannelManager, type ChannelFactory, type HttpChannelAdapter } from "../../src/channels/manager.ts";
import { validateConfig } from "../../src/config/load.ts";
import { FakeAdapter } from "./fake-adapter.ts";

let db: Database;
const log = { debug() {}, info() {}, warn() {} };

function fromConfig(channels: Record<string, unknown>, factories: Record<string, ChannelFactory>): ChannelManager {
  return ChannelManager.fromConfig(validateConfig({ channels }, "/x.json"), {}, {
    pairing: new ChannelPairingStore(db), log, factories,
    session: () => ({ dmScope: "main", mainKey: "main" }), agent: { run: async (r) => ({ runId: r.runId, status: "ok", text: "ok" }) },
  });
}

beforeEach(() => {
  db = openDatabase(":memory:");
});
afterEach(() => db.close());

describe("resolveChannelAccounts with accounts", () => {
  it("should resolve the top level as default and each account with its own credentials and inherited settings", () => {
    const config = validateConfig({
      channels: {
        telegram: { botToken: "t0", apiRoot: "http://127.0.0.1:1", dmPolicy: "open", accounts: { work: { botToken: "t1", requireMention: false }, bare: {} } },
        slack: { botToken: "b0", appToken: "a0", accounts: { ops: { botToken: "b1", signingSecret: "s1", mode: "http", dmPolicy: "disabled" } } },
      },
    }, "/x.json");
    const by = Object.fromEntries(resolveChannelAccounts(config, { TELEGRAM_BOT_TOKEN: "env" }).map((a) => [`${a.channel}/${a.accountId}`, a]));
    expect(Object.keys(by)).toEqual(["telegram/default", "telegram/work", "telegram/bare", "slack/default", "slack/ops"]);
    expect(by["telegram/default"]).toMatchObject({ enabled: true, options: { accountId: "default", botToken: "t0" } });
    expect(by["telegram/work"]).toMatchObject({
      enabled: true, mode: "polling", options: { accountId: "work", botToken: "t1", apiRoot: "http://127.0.0.1:1" },
      policy: { dmPolicy: "open", requireMention: false },
    });
    // Credentials never fall back to the top level or the env.
    expect(by["telegram/bare"]).toMatchObject({ enabled: false, configured: false, options: { accountId: "bare", botToken: undefined } });
    expect(by["slack/ops"]).toMatchObject({ enabled: true, mode: "http", options: { accountId: "ops", botToken: "b1", signingSecret: "s1", mode: "http" }, policy: { dmPolicy: "disabled" } });
    expect(by["slack/ops"]!.options.appToken).toBeUndefined();
  });

  it("should leave out a default account without credentials when accounts are listed, and let enabled: false disable them all", () => {
    const only = resolveChannelAccounts(validateConfig({ channels: { discord: { accounts: { a: { token: "d1" } } } } }, "/x.json"), {});
    expect(only.map((a) => a.accountId)).toEqual(["a"]);
    const off = resolveChannelAccounts(validateConfig({ channels: { discord: { token: "d0", enabled: false, accounts: { a: { token: "d1" } } } } }, "/x.json"), {});
    expect(off.map((a) => [a.accountId, a.enabled])).toEqual([["default", false], ["a", false]]);
  });

  it("should reject an account named default or with an unsafe id", () => {
    expect(() => validateConfig({ channels: { telegram: { accounts: { default: { botToken: "x" } } } } }, "/x.json")).toThrow();
    expect(() => validateConfig({ channels: { telegram: { accounts: { "a/b": { botToken: "x" } } } } }, "/x.json")).toThrow();
    expect(() => validateConfig({ channels: { telegram: { accounts: { work: { botToken: "x", bogus: 1 } } } } }, "/x.json")).toThrow();
  });
});

describe("ChannelManager with accounts", () => {
  it("should route each account's webhook and events to its own adapter and check its own secret", async () => {
    const m = fromConfig({
      telegram: { botToken: "t", mode: "webhook", webhookSecret: "s0", accounts: { work: { botToken: "t1", webhookSecret: "s1" }, poll: { botToken: "t2", mode: "polling" } } },
      slack: { botToken: "b", signingSecret: "x", mode: "http", accounts: { ops: { botToken: "b1", signingSecret: "y" } } },
    }, {
      telegram: (o: { accountId: string }) => Object.assign(new FakeAdapter({ channel: "telegram", accountId: o.accountId }), { webhookHandler: async () => new Response(`tg ${o.accountId}`) }) as HttpChannelAdapter,
      slack: (o: { accountId: string }) => Object.assign(new FakeAdapter({ channel: "slack", accountId: o.accountId }), { eventsHandler: async () => new Response(`slack ${o.accountId}`) }) as HttpChannelAdapter,
    });
    await m.start();
    const post = (path: string, secret?: string) => m.routes!.request(path, { method: "POST", body: "{}", ...(secret && { headers: { "x-telegram-bot-api-secret-token": secret } }) });
    expect(await (await post("/channels/telegram/webhook", "s0")).text()).toBe("tg default");
    expect(await (await post("/channels/telegram/work/webhook", "s1")).text()).toBe("tg work");
    expect((await post("/channels/telegram/work/webhook", "s0")).status).toBe(401);
    expect((await post("/channels/telegram/poll/webhook", "s0")).status).toBe(404);
    expect((await post("/channels/telegram/nope/webhook", "s0")).status).toBe(404);
    expect(await (await post("/channels/slack/events")).text()).toBe("slack default");
    expect(await (await post("/channels/slack/ops/events")).text()).toBe("slack ops");
    await m.stop();
    expect((await post("/channels/slack/ops/events")).status).toBe(503);
  });

  it("should keep one account running when another one's factory throws, and route its messages under its own account", async () => {
    let work: FakeAdapter | undefined;
    const m = fromConfig({ discord: { token: "d0", dmPolicy: "open", accounts: { work: { token: "d1" } } } }, {
      discord: (o: { accountId: string }) => {
        if (o.accountId === "default") throw new Error("login refused");
        // An adapter that mislabels its messages: the manager stamps the account they came in on.
        return (work = new FakeAdapter({ channel: "discord", accountId: "default" }));
      },
    });
    await m.start();
    expect(m.status().map((s) => [s.accountId, s.state])).toEqual([["default", "error"], ["work", "connected"]]);
    work!.receive({ text: "hi" });
    await work!.waitForSent(1);
    expect(work!.sent[0]!.target).toMatchObject({ accountId: "work", chatId: "chat-1" });
    await m.stop();
  });
});

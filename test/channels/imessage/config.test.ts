/** @module `channels.imessage` config: validation and account resolution (credentials not inherited, method / botName inherited). */
import { describe, expect, it } from "bun:test";
import { resolveChannelAccounts } from "../../../src/channels/config.ts";
import { validateConfig } from "../../../src/config/load.ts";

describe("channels.imessage config", () => {
  it("should resolve the default account and extra accounts without inheriting the server or its password", () => {
    const config = validateConfig({
      channels: {
        imessage: {
          serverUrl: "http://127.0.0.1:1234", password: "pw", webhookSecret: "hook", botName: "Jarvis", method: "apple-script", dmPolicy: "open",
          accounts: { work: { serverUrl: "http://127.0.0.1:1235", password: "pw2" }, bare: {} },
        },
      },
    }, "/x.json");
    const accounts = resolveChannelAccounts(config).filter((a) => a.channel === "imessage");
    expect(accounts.map((a) => [a.accountId, a.configured, a.enabled, a.policy.dmPolicy])).toEqual([
      ["default", true, true, "open"], ["work", true, true, "open"], ["bare", false, false, "open"],
    ]);
    expect(accounts[0]!.options).toEqual({ accountId: "default", serverUrl: "http://127.0.0.1:1234", password: "pw", webhookSecret: "hook", botName: "Jarvis", method: "apple-script" });
    expect(accounts[1]!.options).toEqual({ accountId: "work", serverUrl: "http://127.0.0.1:1235", password: "pw2", botName: "Jarvis", method: "apple-script" });
  });

  it("should reject unknown keys and send methods", () => {
    expect(() => validateConfig({ channels: { imessage: { serverUrl: "http://x", password: "p", cliPath: "imsg" } } }, "/x.json")).toThrow();
    expect(() => validateConfig({ channels: { imessage: { serverUrl: "http://x", password: "p", method: "sms" } } }, "/x.json")).toThrow();
  });
});

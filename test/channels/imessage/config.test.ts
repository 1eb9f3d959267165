/**
 * @module `channels.imessage` config: validation and account resolution in both modes — BlueBubbles (credentials
 * not inherited, method / botName inherited) and `imsg` (mode inferred from cliPath / dbPath, cliPath inherited,
 * dbPath not, configured = the executable is a path or found on PATH).
 */
import { describe, expect, it } from "bun:test";
import { resolveChannelAccounts } from "../../../src/channels/config.ts";
import { validateConfig } from "../../../src/config/load.ts";

const imessageAccounts = (imessage: Record<string, unknown>) =>
  resolveChannelAccounts(validateConfig({ channels: { imessage } }, "/x.json")).filter((a) => a.channel === "imessage");

describe("channels.imessage config", () => {
  it("should resolve the default account and extra accounts without inheriting the server or its password", () => {
    const accounts = imessageAccounts({
      serverUrl: "http://127.0.0.1:1234", password: "pw", webhookSecret: "hook", botName: "Jarvis", method: "apple-script", dmPolicy: "open",
      accounts: { work: { serverUrl: "http://127.0.0.1:1235", password: "pw2" }, bare: {} },
    });
    expect(accounts.map((a) => [a.accountId, a.configured, a.enabled, a.mode, a.policy.dmPolicy])).toEqual([
      ["default", true, true, "bluebubbles", "open"], ["work", true, true, "bluebubbles", "open"], ["bare", false, false, "bluebubbles", "open"],
    ]);
    expect(accounts[0]!.options).toEqual({ accountId: "default", mode: "bluebubbles", serverUrl: "http://127.0.0.1:1234", password: "pw", webhookSecret: "hook", botName: "Jarvis", method: "apple-script" });
    expect(accounts[1]!.options).toEqual({ accountId: "work", mode: "bluebubbles", serverUrl: "http://127.0.0.1:1235", password: "pw2", botName: "Jarvis", method: "apple-script" });
  });

  it("should infer imsg mode from cliPath or dbPath, inherit cliPath but not dbPath, and prefer bluebubbles when serverUrl is set", () => {
    const accounts = imessageAccounts({
      cliPath: "/opt/imsg/bin/imsg", dbPath: "/Users/me/Library/Messages/chat.db", botName: "Jarvis",
      accounts: { other: { dbPath: "/Users/other/Library/Messages/chat.db" }, bb: { serverUrl: "http://127.0.0.1:1234", password: "pw" } },
    });
    expect(accounts.map((a) => [a.accountId, a.mode, a.configured, a.enabled])).toEqual([
      ["default", "imsg", true, true], ["other", "imsg", true, true], ["bb", "bluebubbles", true, true],
    ]);
    expect(accounts[0]!.options).toEqual({ accountId: "default", mode: "imsg", cliPath: "/opt/imsg/bin/imsg", dbPath: "/Users/me/Library/Messages/chat.db", botName: "Jarvis" });
    expect(accounts[1]!.options).toEqual({ accountId: "other", mode: "imsg", cliPath: "/opt/imsg/bin/imsg", dbPath: "/Users/other/Library/Messages/chat.db", botName: "Jarvis" });
    expect(imessageAccounts({ dbPath: "/db" })[0]).toMatchObject({ mode: "imsg", options: { cliPath: "imsg", dbPath: "/db" } });
    expect(imessageAccounts({ serverUrl: "http://127.0.0.1:1", password: "p", cliPath: "/bin/imsg" })[0]).toMatchObject({ mode: "bluebubbles", configured: true });
    expect(imessageAccounts({ serverUrl: "http://127.0.0.1:1", mode: "imsg", cliPath: "/bin/imsg" })[0]).toMatchObject({ mode: "imsg", configured: true });
  });

  it("should count a bare cliPath as configured only when it is found on PATH", () => {
    expect(imessageAccounts({ mode: "imsg", cliPath: "sh" })[0]).toMatchObject({ mode: "imsg", configured: true, enabled: true, options: { cliPath: "sh" } });
    const missing = imessageAccounts({ mode: "imsg", cliPath: "mayros-no-such-imsg-binary" })[0]!;
    expect(missing).toMatchObject({ mode: "imsg", configured: false, enabled: false });
    expect(imessageAccounts({ mode: "imsg" })[0]!.options).toEqual({ accountId: "default", mode: "imsg", cliPath: "imsg" });
  });

  it("should reject unknown keys, modes, send methods and empty paths, naming the field", () => {
    const invalid = (imessage: Record<string, unknown>) => () => validateConfig({ channels: { imessage } }, "/x.json");
    expect(invalid({ serverUrl: "http://x", password: "p", cliPth: "imsg" })).toThrow("channels.imessage.cliPth: is not an allowed property");
    expect(invalid({ serverUrl: "http://x", password: "p", method: "sms" })).toThrow("channels.imessage.method:");
    expect(invalid({ mode: "applescript" })).toThrow("channels.imessage.mode:");
    expect(invalid({ mode: "imsg", cliPath: "" })).toThrow("channels.imessage.cliPath:");
    expect(invalid({ accounts: { work: { mode: "imsg", dbPath: "" } } })).toThrow("channels.imessage.accounts.work.dbPath:");
  });
});

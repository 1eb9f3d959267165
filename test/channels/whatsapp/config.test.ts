/** @module `channels.whatsapp` config: a section is an account (no token), its options, and one enabled account per host. */
import { describe, expect, it } from "bun:test";
import { resolveChannelAccounts } from "../../../src/channels/config.ts";
import { validateConfig } from "../../../src/config/load.ts";
import { ConfigError } from "../../../src/config/errors.ts";

const whatsappAccounts = (whatsapp: Record<string, unknown>) =>
  resolveChannelAccounts(validateConfig({ channels: { whatsapp } }, "/x.json")).filter((a) => a.channel === "whatsapp");

describe("channels.whatsapp config", () => {
  it("should make an empty section a configured default account with E.164 allowFrom kept as written", () => {
    const [account, ...rest] = whatsappAccounts({ allowFrom: ["+15551110001"], sendReadReceipts: true, version: [2, 3000, 1], mediaMaxMb: 5 });
    expect(rest).toEqual([]);
    expect(account).toMatchObject({ accountId: "default", configured: true, enabled: true });
    expect(account!.options).toEqual({ accountId: "default", sendReadReceipts: true, version: [2, 3000, 1], mediaMaxMb: 5 });
    expect(account!.policy.allowFrom).toEqual(["+15551110001"]);
  });

  it("should refuse a second enabled account, naming its path", () => {
    expect(whatsappAccounts({ accounts: { home: {}, spare: { enabled: false } } }).map((a) => [a.accountId, a.enabled])).toEqual([["home", true], ["spare", false]]);
    let error: unknown;
    try {
      validateConfig({ channels: { whatsapp: { accounts: { home: {}, work: {} } } } }, "/x.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe("channels.whatsapp.accounts.work");
    expect((error as Error).message).toContain("only one WhatsApp account may be enabled per host");
  });

  it("should name a bad version or socket URL", () => {
    expect(() => validateConfig({ channels: { whatsapp: { version: [2, 3000] } } }, "/x.json")).toThrow("channels.whatsapp.version");
    expect(() => validateConfig({ channels: { whatsapp: { webSocketUrl: "http://x" } } }, "/x.json")).toThrow("channels.whatsapp.webSocketUrl");
  });
});

/** @module `channels.signal` config: validation, account resolution (url alias, autoStart default url, accounts) and autoStart without signal-cli. */
import { describe, expect, it } from "bun:test";
import { resolveChannelAccounts } from "../../../src/channels/config.ts";
import { createSignalAdapter } from "../../../src/channels/signal/index.ts";
import { validateConfig } from "../../../src/config/load.ts";
import { recordingContext } from "../slack/context.ts";

describe("channels.signal config", () => {
  it("should resolve the default account and extra accounts with inherited url and access keys", () => {
    const config = validateConfig({
      channels: { signal: { httpUrl: "http://127.0.0.1:8081", account: "+15550000000", dmPolicy: "open", accounts: { work: { account: "+15550000001" }, bare: {} } } },
    }, "/x.json");
    const signal = resolveChannelAccounts(config).filter((a) => a.channel === "signal");
    expect(signal.map((a) => [a.accountId, a.configured, a.enabled, a.policy.dmPolicy])).toEqual([
      ["default", true, true, "open"], ["work", true, true, "open"], ["bare", false, false, "open"],
    ]);
    expect(signal[1]!.options).toEqual({ accountId: "work", url: "http://127.0.0.1:8081", account: "+15550000001" });
  });

  it("should default the url with autoStart and reject unknown keys", () => {
    const config = validateConfig({ channels: { signal: { account: "+15550000000", autoStart: true } } }, "/x.json");
    expect(resolveChannelAccounts(config)[0]!.options).toEqual({ accountId: "default", url: "http://127.0.0.1:8080", account: "+15550000000", autoStart: true });
    expect(() => validateConfig({ channels: { signal: { account: "+1", token: "x" } } }, "/x.json")).toThrow();
  });

  it("should skip autoStart with a log line when signal-cli is not on PATH", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent-mayros-path";
    const lines: string[] = [];
    const rec = recordingContext();
    rec.ctx.log.info = (m) => void lines.push(m);
    const adapter = createSignalAdapter({ url: "http://127.0.0.1:1", account: "+15550000000", autoStart: true, backoff: { initialMs: 10_000 } });
    try {
      await adapter.start(rec.ctx);
    } finally {
      process.env.PATH = path;
      await adapter.stop();
    }
    expect(lines).toContain("signal-cli not found on PATH; not starting the daemon (autoStart)");
  });
});

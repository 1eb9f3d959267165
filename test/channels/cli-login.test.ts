/** @module `mayros channels login <channel>`: bot-token channels explain their config keys; channels without a login exit 2. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../cli/spawn.ts";

let stateDir: string;

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), "mayros-channels-login-"));
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe("mayros channels login", () => {
  it("should name the bot-token config keys of telegram, discord and slack and exit 0", async () => {
    const tg = await runCli(["channels", "login", "telegram"], { stateDir });
    expect(tg.code).toBe(0);
    expect(tg.stdout).toContain("telegram has no interactive login: it uses a bot token from the config");
    expect(tg.stdout).toContain("channels.telegram.botToken");
    expect(tg.stdout).toContain("TELEGRAM_BOT_TOKEN");
    const dc = await runCli(["channels", "login", "discord"], { stateDir });
    expect(dc.code).toBe(0);
    expect(dc.stdout).toContain("channels.discord.token");
    const sl = await runCli(["channels", "login", "slack", "--account", "work"], { stateDir });
    expect(sl.code).toBe(0);
    expect(sl.stdout).toContain("channels.slack.accounts.work.botToken");
    expect(sl.stdout).toContain("channels.slack.accounts.work.appToken");
  });

  it("should exit 2 for a channel without a login", async () => {
    const r = await runCli(["channels", "login", "signal"], { stateDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("signal has no login here");
    expect(r.stdout).toBe("");
  });
});

/**
 * @module With no channel configured nothing channel-related is imported: no adapter module, and none
 * of grammy, discord.js, the Slack libraries or Baileys in the module loader (checked in a fresh process).
 */
import { describe, expect, it } from "bun:test";
import { join } from "node:path";
import { startTestGateway } from "../helpers/gateway.ts";

describe("a gateway without channels", () => {
  it("should import no adapter module and report no channel", async () => {
    const gw = await startTestGateway({});
    try {
      const channels = gw.gateway.services.channels;
      await channels.start();
      expect(channels.importedModules()).toEqual([]);
      expect(channels.status()).toEqual([]);
      expect(channels.routes).toBeNull();
    } finally {
      await gw.stop();
    }
  });

  it("should leave grammy, discord.js and @slack/web-api out of the module loader", async () => {
    const script = join(import.meta.dir, "..", "channels", "fixtures", "no-channels-gateway.ts");
    const proc = Bun.spawn([process.execPath, script], { stdout: "pipe", stderr: "pipe", env: { ...process.env, TELEGRAM_BOT_TOKEN: "", DISCORD_BOT_TOKEN: "", SLACK_BOT_TOKEN: "" } });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const result = JSON.parse(out.trim().split("\n").at(-1)!);
    expect(result.total).toBeGreaterThan(50); // the loader registry was really read
    expect(result.loadedModules).toEqual([]);
    expect(result.status).toEqual([]);
  });
});

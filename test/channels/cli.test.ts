/** @module `mayros channels list|status|logout` and `mayros pairing list|approve` against a gateway with an in-memory channel. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../cli/spawn.ts";
import { TEST_TOKEN } from "../helpers/gateway.ts";
import { FakeAdapter } from "./fake-adapter.ts";
import { startChannelGateway, type ChannelHarness } from "./gateway-harness.ts";

let h: ChannelHarness;
let tg: FakeAdapter;
let stateDir: string;
const cli = (...args: string[]) => runCli([...args, "--url", h.gateway.url, "--token", TEST_TOKEN], { stateDir });

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "mayros-channels-cli-"));
  h = await startChannelGateway({ channels: { telegram: { botToken: "t" } } }, { telegram: () => (tg = new FakeAdapter({ channel: "telegram" })) });
});
afterAll(async () => {
  await h.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("mayros channels and pairing", () => {
  it("should list and show the status of the channel accounts", async () => {
    const list = await cli("channels", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/telegram\s+default\s+yes\s+yes/);
    const status = await cli("channels", "status", "--json");
    expect(JSON.parse(status.stdout).channels[0]).toMatchObject({ channel: "telegram", state: "connected" });
  });

  it("should list a pending code and approve it", async () => {
    tg.receive({ chatId: "c1", senderId: "99", senderName: "Cy", text: "hi" });
    await tg.waitForSent(1);
    const list = await cli("pairing", "list", "telegram", "--json");
    const [request] = JSON.parse(list.stdout).requests;
    expect(request).toMatchObject({ channel: "telegram", senderId: "99" });
    const table = await cli("pairing", "list");
    expect(table.stdout).toContain(request.code);
    const approve = await cli("pairing", "approve", "telegram", request.code);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain("approved Cy (99) on telegram/default");
    const again = await cli("pairing", "approve", "telegram", request.code);
    expect(again.code).toBe(1);
  });

  it("should log a channel out", async () => {
    const r = await cli("channels", "logout", "telegram");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("stopped telegram/default");
    expect(tg.loggedOut).toBe(1);
  });
});

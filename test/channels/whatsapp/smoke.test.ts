/**
 * @module Smoke test of the real Baileys socket under Bun (channels.md §5.4 Decision): a linked account whose
 * `webSocketUrl` points at a loopback WebSocket server opens the connection, sends WhatsApp's Noise prologue
 * (`W A 0x06 …`) as its first binary frame with the web.whatsapp.com Origin, reports the dropped connection
 * as disconnected and reconnects on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedLinkedWhatsApp } from "../../helpers/whatsapp.ts";
import { startChannelGateway, type ChannelHarness } from "../gateway-harness.ts";
import { waitForChannelState } from "../../helpers/channels-e2e.ts";

describe("Baileys' socket under Bun against a loopback server", () => {
  const frames: Uint8Array[] = [];
  const origins: Array<string | null> = [];
  let connections = 0;
  const waiters: Array<() => void> = [];
  const settle = () => { for (const w of waiters.splice(0)) w(); };
  let server: ReturnType<typeof Bun.serve>;
  let stateDir: string;
  let h: ChannelHarness;

  beforeAll(async () => {
    server = Bun.serve({
      hostname: "127.0.0.1", port: 0,
      fetch(req, srv) {
        origins.push(req.headers.get("origin"));
        return srv.upgrade(req, { data: undefined }) ? undefined : new Response("upgrade required", { status: 426 });
      },
      websocket: {
        open() { connections += 1; settle(); },
        message(ws, data) {
          frames.push(typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data));
          settle();
          if (connections === 1) ws.close(1011, "smoke test drop"); // the first connection is dropped after its prologue
        },
      },
    });
    stateDir = mkdtempSync(join(tmpdir(), "mayros-wa-smoke-"));
    const config = { channels: { whatsapp: { webSocketUrl: `ws://127.0.0.1:${server.port}/ws/chat` } } };
    writeFileSync(join(stateDir, "mayros.json"), JSON.stringify(config));
    seedLinkedWhatsApp(stateDir);
    h = await startChannelGateway(config, {}, { stateDir });
  });
  afterAll(async () => {
    await h.stop();
    server.stop(true);
    rmSync(stateDir, { recursive: true, force: true });
  });

  const until = (pred: () => boolean) => new Promise<void>((resolve) => { const check = () => (pred() ? resolve() : waiters.push(check)); check(); });

  it("should send the Noise prologue first, then report the drop and reconnect", async () => {
    await until(() => frames.length >= 1);
    const first = frames[0]!;
    expect([first[0], first[1], first[2]]).toEqual([0x57, 0x41, 0x06]); // "WA", protocol 6
    expect(origins[0]).toBe("https://web.whatsapp.com");
    await until(() => connections >= 2); // reconnected with backoff after the drop
    const status = await waitForChannelState(h.admin, "whatsapp", (s) => typeof s.lastError === "string" && s.lastError.startsWith("connection closed"));
    expect(status.lastError).toMatch(/^connection closed \(\d+\)/);
    expect(["connecting", "disconnected"]).toContain(status.state);
    expect(h.gateway.services.channels.importedModules()).toContain("./whatsapp/index.ts");
  }, 20_000);
});

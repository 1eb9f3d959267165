/**
 * @module One WhatsApp session per host, with real processes: a gateway opens the linked device (its socket reaches
 * a loopback stand-in for WhatsApp's server); a second gateway on the same state dir exits 1 naming the first
 * one's pid, and a second process that opens the adapter on the same database is refused by the session lease.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnCli, type CliProcess } from "../cli/spawn.ts";
import { seedLinkedWhatsApp } from "../helpers/whatsapp.ts";

describe("a second process on the same host and WhatsApp session", () => {
  let stateDir: string;
  let server: ReturnType<typeof Bun.serve>;
  let connections = 0;
  const waiters: Array<() => void> = [];
  let first: CliProcess;

  beforeAll(async () => {
    server = Bun.serve({
      hostname: "127.0.0.1", port: 0,
      fetch: (req, srv) => (srv.upgrade(req, { data: undefined }) ? undefined : new Response("upgrade required", { status: 426 })),
      websocket: { open() { connections += 1; for (const w of waiters.splice(0)) w(); }, message() {} },
    });
    stateDir = mkdtempSync(join(tmpdir(), "mayros-wa-proc-"));
    writeFileSync(join(stateDir, "mayros.json"), JSON.stringify({ channels: { whatsapp: { webSocketUrl: `ws://127.0.0.1:${server.port}/ws/chat` } } }));
    seedLinkedWhatsApp(stateDir);
    first = spawnCli(["gateway", "--port", String(freePort()), "--token", "wa-proc-token-0123456789"], { stateDir });
    await first.waitFor(/listening on ws:\/\/127\.0\.0\.1:\d+/, "stdout", 15_000);
    await new Promise<void>((resolve) => (connections > 0 ? resolve() : waiters.push(resolve)));
  });
  afterAll(async () => {
    await first.dispose();
    server.stop(true);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("should refuse a second gateway on the same state dir, naming the first one's pid", async () => {
    const second = spawnCli(["gateway", "--port", String(freePort()), "--token", "wa-proc-token-0123456789"], { stateDir });
    try {
      expect(await second.exited).toBe(1);
      expect(second.stderr).toContain(`pid ${first.pid}`);
    } finally {
      await second.dispose();
    }
  }, 20_000);

  it("should keep the WhatsApp adapter of another process off the session the gateway holds", async () => {
    const fixture = join(import.meta.dir, "..", "channels", "fixtures", "whatsapp-second-opener.ts");
    const before = connections;
    const proc = Bun.spawn([process.execPath, fixture, stateDir, `ws://127.0.0.1:${server.port}/ws/chat`], { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const status = JSON.parse(out.trim());
    expect(status.state).toBe("error");
    expect(status.lastError).toContain(`already open in process ${first.pid}`);
    expect(connections).toBe(before); // it never connected
  }, 20_000);
});

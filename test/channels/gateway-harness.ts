/**
 * @module A real test gateway with channel adapter factories plugged in (the manager's test seam),
 * optionally wired to a loopback model-provider fake, plus an admin socket.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { startGateway, type Gateway } from "../../src/gateway/gateway.ts";
import type { ChannelFactory } from "../../src/channels/manager.ts";
import { TEST_TOKEN } from "../helpers/gateway.ts";
import { TestSocket } from "../helpers/ws-client.ts";

/** A running gateway with channels and an admin socket. */
export interface ChannelHarness {
  gateway: Gateway;
  admin: TestSocket;
  stop(): Promise<void>;
}

/**
 * Starts a gateway with `config` and `factories`, waits until every channel's first start settled.
 * With `opts.stateDir` the gateway uses that state dir and `stop()` leaves it (restart tests); otherwise a
 * throw-away one is made and deleted.
 */
export async function startChannelGateway(config: Record<string, unknown>, factories: Record<string, ChannelFactory> = {}, opts: { stateDir?: string } = {}): Promise<ChannelHarness> {
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), "mayros-channels-"));
  writeFileSync(join(stateDir, "mayros.json"), JSON.stringify(config));
  const loaded = loadConfig({ env: { MAYROS_STATE_DIR: stateDir }, flags: { token: TEST_TOKEN } });
  loaded.config.gateway.port = 0;
  const gateway = await startGateway({ loaded, logToStderr: false, channelFactories: factories });
  await gateway.services.channels.start(); // the same promise the gateway started: every first attempt settled
  const { sock: admin, res } = await TestSocket.handshake(gateway.url, { token: TEST_TOKEN, scopes: ["operator.admin", "operator.pairing"] });
  if (!res.ok) throw new Error(`connect failed: ${JSON.stringify(res.error)}`);
  return {
    gateway, admin,
    async stop() {
      await admin.close();
      await gateway.stop("test over");
      if (!opts.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

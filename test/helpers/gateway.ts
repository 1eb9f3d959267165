/** Starts a real gateway in-process on an ephemeral loopback port with a throw-away state dir. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { startGateway, type Gateway } from "../../src/gateway/gateway.ts";

/** A running test gateway. */
export interface TestGateway {
  gateway: Gateway;
  url: string;
  token: string;
  stateDir: string;
  /** Stops the gateway and deletes its state dir. */
  stop(): Promise<void>;
}

/** Known token of every test gateway. */
export const TEST_TOKEN = "test-token-0123456789abcdef";

/**
 * Starts a gateway with `config` (the JSON written to mayros.json) on port 0.
 * @param config e.g. `{ gateway: { tickIntervalMs: 50 } }`
 */
export async function startTestGateway(config: Record<string, unknown> = {}, { token = TEST_TOKEN, env = {} as Record<string, string> } = {}): Promise<TestGateway> {
  const stateDir = mkdtempSync(join(tmpdir(), "mayros-test-"));
  writeFileSync(join(stateDir, "mayros.json"), JSON.stringify(config));
  const loaded = loadConfig({ env: { MAYROS_STATE_DIR: stateDir, ...env }, flags: { token } });
  loaded.config.gateway.port = 0; // ephemeral: the schema only admits real ports
  const gateway = await startGateway({ loaded, logToStderr: false });
  return {
    gateway, url: gateway.url, token, stateDir,
    stop: async () => {
      await gateway.stop("test over");
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

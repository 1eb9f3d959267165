/**
 * @module End-to-end helpers for cron, heartbeat and hooks: a test gateway wired to the loopback
 * Anthropic fake, sockets opened through it, a restartable gateway over one state dir, and
 * waiting for events (no sleeps).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { startGateway, type Gateway } from "../../src/gateway/gateway.ts";
import { startAnthropicFake } from "../fakes/anthropic-fake.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket, type Frame } from "../helpers/ws-client.ts";

/** `mayros.json` sections pointing the default agent at the fake, merged with `extra`. */
export function fakeModelConfig(fakeUrl: string, extra: Record<string, any> = {}): Record<string, unknown> {
  const { agents, ...rest } = extra;
  return {
    ...rest,
    models: { providers: { anthropic: { baseUrl: fakeUrl, apiKey: "k", models: [] } } },
    agents: { ...agents, defaults: { model: { primary: "anthropic/m" }, ...agents?.defaults } },
  };
}

/** A gateway on the fake model and the sockets opened through it. */
export interface AutomationHarness {
  gw: TestGateway;
  fake: SseFake;
  /** Opens an operator socket with `scopes` (default admin). */
  connect(scopes?: string[]): Promise<TestSocket>;
  stop(): Promise<void>;
}

/** Starts the fake and a gateway configured for it (plus `extra` config and `env`). */
export async function startAutomationHarness(extra: Record<string, any> = {}, env: Record<string, string> = {}): Promise<AutomationHarness> {
  const fake = startAnthropicFake();
  const gw = await startTestGateway(fakeModelConfig(fake.url, extra), { env });
  const sockets: TestSocket[] = [];
  return {
    gw, fake,
    async connect(scopes = ["operator.admin"]) {
      const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, scopes });
      if (!res.ok) throw new Error(`connect failed: ${JSON.stringify(res.error)}`);
      sockets.push(sock);
      return sock;
    },
    async stop() {
      await Promise.all(sockets.splice(0).map((s) => s.close()));
      await gw.stop();
      await fake.stop();
    },
  };
}

/** A gateway that can be stopped and started again over the same state dir. */
export interface RestartableGateway {
  stateDir: string;
  start(): Promise<Gateway>;
  /** Stops a running gateway (if any) and deletes the state dir. */
  dispose(): Promise<void>;
}

/** A state dir with `config` as its mayros.json, for gateways started one after another. */
export function restartableGateway(config: Record<string, unknown> = {}): RestartableGateway {
  const stateDir = mkdtempSync(join(tmpdir(), "mayros-cron-"));
  writeFileSync(join(stateDir, "mayros.json"), JSON.stringify(config));
  let running: Gateway | undefined;
  return {
    stateDir,
    async start() {
      const loaded = loadConfig({ env: { MAYROS_STATE_DIR: stateDir }, flags: { token: TEST_TOKEN } });
      loaded.config.gateway.port = 0;
      running = await startGateway({ loaded, logToStderr: false });
      const gateway = running;
      const stop = gateway.stop;
      gateway.stop = async (...args) => {
        if (running === gateway) running = undefined;
        await stop(...args);
      };
      return gateway;
    },
    async dispose() {
      await running?.stop("test over");
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Waits for the `cron` event of `jobId` with `action`. */
export function nextCronEvent(sock: TestSocket, jobId: string, action: string, timeoutMs = 10_000): Promise<Frame> {
  return sock.next((f) => f.type === "event" && f.event === "cron" && f.payload?.jobId === jobId && f.payload?.action === action, timeoutMs);
}

/** Waits for the next `heartbeat` event matching `status` (any status when omitted) stamped at or after `since`. */
export function nextHeartbeat(sock: TestSocket, status?: string, since = 0, timeoutMs = 10_000): Promise<Frame> {
  return sock.next(
    (f) => f.type === "event" && f.event === "heartbeat" && (status === undefined || f.payload?.status === status) && f.payload?.ts >= since,
    timeoutMs,
  );
}

/** The whole JSON body of every request the fake received. */
export function fakeBodies(fake: SseFake): string[] {
  return fake.requests.map((r) => JSON.stringify(r.body));
}

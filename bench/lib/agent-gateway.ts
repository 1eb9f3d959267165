/** Plumbing of the agent figures: a gateway whose model is a loopback fake, an instant fake model, and `agent` requests (ack, then final). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { anthropicFormat } from "../../test/fakes/anthropic-fake.ts";
import { startAndHandshake, type Started } from "./cold.ts";
import { freshStateDir, mayrosTarget } from "./targets.ts";
import { type BenchSocket, requestFrame } from "./ws.ts";

/** Prefix-independent test for an `agent` event frame (the key order of the frame is the gateway's business). */
export const isAgentEvent = (frame: string): boolean => frame.startsWith('{"type":"event"') && frame.slice(0, 64).includes('"event":"agent"');

/**
 * Starts the gateway with a `mayros.json` in a fresh state dir that points the default model at
 * `anthropic/fake` served from `baseUrl` (a loopback fake in the bench process).
 * @param extra more top-level config sections (e.g. `plugins`; `agents.defaults` is merged)
 */
export async function startAgentGateway(baseUrl: string, extra: { agents?: { defaults?: Record<string, unknown> } } & Record<string, unknown> = {}): Promise<Started> {
  const stateDir = freshStateDir();
  const config = {
    ...extra,
    // `models` is listed although the schema gives it a default: the loader rejects the entry without it.
    models: { providers: { anthropic: { baseUrl, apiKey: "k", models: [{ id: "fake" }] } } },
    agents: { ...extra.agents, defaults: { ...extra.agents?.defaults, model: { primary: "anthropic/fake" } } },
  };
  writeFileSync(join(stateDir, "mayros.json"), `${JSON.stringify(config, null, 2)}\n`);
  const started = await startAndHandshake(mayrosTarget, stateDir);
  started.sock.dropEvents = true;
  return started;
}

/** A fake Anthropic API that answers every request at once with the same reply, in one write (no pacing). */
export interface InstantFake {
  url: string;
  /** Requests answered so far. */
  readonly requests: number;
  stop(): void;
}

/** Starts an {@link InstantFake} on 127.0.0.1:0 replying with the text deltas `text`. */
export function startInstantFake(text: string[]): InstantFake {
  const body = anthropicFormat.frames({ text }).map((f) => f.text).join("");
  let requests = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    development: false,
    async fetch(req) {
      await req.arrayBuffer();
      if (req.method !== "POST" || new URL(req.url).pathname !== anthropicFormat.path) return new Response("not found", { status: 404 });
      requests++;
      return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    get requests() {
      return requests;
    },
    stop: () => void server.stop(true),
  };
}

/** Timings of one `agent` request, in ms. */
export interface AgentTiming {
  /** Request sent → ack (`status: accepted`) received. */
  ackMs: number;
  /** Ack → final response. */
  runMs: number;
  /** Request sent → final response. */
  totalMs: number;
}

let agentSeq = 0;
const runTag = `${Date.now().toString(36)}-${process.pid}`;

/**
 * Sends one `agent` request on `sock` (a fresh idempotency key) and waits for the ack and the final response.
 * @param sessionKey the session to run in (runs in distinct sessions run in parallel)
 * @throws when the ack or the final is an error or does not come within `timeoutMs` each
 */
export async function agentRun(sock: BenchSocket, message: string, sessionKey: string, timeoutMs = 30_000): Promise<AgentTiming> {
  const id = `bench-agent-${++agentSeq}`;
  const prefix = `{"type":"res","id":${JSON.stringify(id)},`;
  const ack = sock.next((f) => f.startsWith(prefix), timeoutMs);
  const t0 = performance.now();
  sock.ws.send(requestFrame(id, "agent", { message, sessionKey, idempotencyKey: `${runTag}-${agentSeq}` }));
  const ackFrame = await ack;
  const tAck = performance.now();
  if (!ackFrame.startsWith(`${prefix}"ok":true`) || !ackFrame.includes('"accepted"')) throw new Error(`agent: no ack: ${ackFrame.slice(0, 300)}`);
  const finalFrame = await sock.next((f) => f.startsWith(prefix), timeoutMs);
  const t1 = performance.now();
  if (!finalFrame.startsWith(`${prefix}"ok":true`)) throw new Error(`agent: run failed: ${finalFrame.slice(0, 300)}`);
  return { ackMs: tAck - t0, runMs: t1 - tAck, totalMs: t1 - t0 };
}

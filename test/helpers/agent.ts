/**
 * @module Agent end-to-end helpers: a test gateway wired to a loopback model-provider fake
 * (test/fakes/), sockets with tool events, and awaiting a run's `agent` / `chat` events (no sleeps).
 */
import { EVENTS, METHODS, firstError, type EventName } from "../../src/protocol/index.ts";
import { startAnthropicFake } from "../fakes/anthropic-fake.ts";
import { startOpenAIFake } from "../fakes/openai-fake.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { startTestGateway, type TestGateway } from "./gateway.ts";
import { TestSocket, type Frame, type HandshakeOptions } from "./ws-client.ts";

/** Which fake the gateway talks to. */
export type FakeProvider = "anthropic" | "openai";

/** The model id every test config names (`<provider>/fake-model`). */
export const FAKE_MODEL = "fake-model";

/** The main session key of the default agent. */
export const MAIN_KEY = "agent:main:main";

/** A loopback fake of `provider`. */
export function startFake(provider: FakeProvider): SseFake {
  return provider === "anthropic" ? startAnthropicFake() : startOpenAIFake();
}

/**
 * A `mayros.json` pointing the default agent at `fakeUrl`; `extra` sections are merged in
 * (`agents.defaults` fields and the fake provider's entry are merged one level deeper).
 */
export function agentConfig(provider: FakeProvider, fakeUrl: string, extra: Record<string, any> = {}): Record<string, unknown> {
  const { agents, models, ...rest } = extra;
  return {
    ...rest,
    models: {
      ...models,
      providers: { ...models?.providers, [provider]: { baseUrl: fakeUrl, apiKey: "test-key", ...models?.providers?.[provider] } },
    },
    agents: { ...agents, defaults: { model: { primary: `${provider}/${FAKE_MODEL}` }, ...agents?.defaults } },
  };
}

/** A gateway, the fake it talks to, and the sockets opened through it. */
export interface AgentHarness {
  gw: TestGateway;
  fake: SseFake;
  provider: FakeProvider;
  /** Opens an admin operator socket (`caps` go into the connect params). */
  connect(opts?: { caps?: string[]; scopes?: string[] }): Promise<TestSocket>;
  /** Closes every socket, stops the gateway and the fake. */
  stop(): Promise<void>;
}

/** Starts a fake of `provider` and a gateway configured for it. */
export async function startAgentHarness(provider: FakeProvider = "anthropic", extra: Record<string, any> = {}): Promise<AgentHarness> {
  const fake = startFake(provider);
  const gw = await startTestGateway(agentConfig(provider, fake.url, extra));
  const sockets: TestSocket[] = [];
  return {
    gw, fake, provider,
    async connect({ caps, scopes = ["operator.admin"] } = {}) {
      const opts: HandshakeOptions = { token: gw.token, scopes, ...(caps && { extra: { caps } }) };
      const { sock, res } = await TestSocket.handshake(gw.url, opts);
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

/** True for an `agent` event of `runId` (any stream when `stream` is omitted). */
export function isAgentEvent(f: Frame, runId: string, stream?: string): boolean {
  return f.type === "event" && f.event === "agent" && f.payload?.runId === runId && (stream === undefined || f.payload.stream === stream);
}

/** True for a `chat` event of `runId`. */
export function isChatEvent(f: Frame, runId: string): boolean {
  return f.type === "event" && f.event === "chat" && f.payload?.runId === runId;
}

/** True for the lifecycle `end`/`error` event of `runId`. */
export function isRunEnd(f: Frame, runId: string): boolean {
  return isAgentEvent(f, runId, "lifecycle") && (f.payload.data.phase === "end" || f.payload.data.phase === "error");
}

/** The `agent` event payloads of `runId` up to and including its lifecycle end or error. */
export async function runEvents(sock: TestSocket, runId: string, timeoutMs = 10_000): Promise<Frame[]> {
  const out: Frame[] = [];
  while (true) {
    const f = await sock.next((fr) => isAgentEvent(fr, runId), timeoutMs);
    out.push(f.payload);
    if (isRunEnd(f, runId)) return out;
  }
}

/** The `chat` event payloads of `runId` up to and including `final`, `aborted` or `error`. */
export async function chatEvents(sock: TestSocket, runId: string, timeoutMs = 10_000): Promise<Frame[]> {
  const out: Frame[] = [];
  while (true) {
    const f = await sock.next((fr) => isChatEvent(fr, runId), timeoutMs);
    out.push(f.payload);
    if (f.payload.state !== "delta") return out;
  }
}

/** Waits for the next `assistant` event of `runId` and returns its payload. */
export async function nextAssistant(sock: TestSocket, runId: string, timeoutMs = 10_000): Promise<Frame> {
  return (await sock.next((f) => isAgentEvent(f, runId, "assistant"), timeoutMs)).payload;
}

/**
 * Sends `agent` with request id `id` and returns the ack and a promise of the final response
 * (both are `res` frames with that id).
 */
export async function startAgentRun(sock: TestSocket, params: Record<string, unknown>, id: string): Promise<{ ack: Frame; final: Promise<Frame> }> {
  const ack = await sock.request("agent", params, id);
  return { ack, final: sock.next((f) => f.type === "res" && f.id === id, 15_000) };
}

/** A hold the fake waits on (`interrupt: {action: "hold", until: hold.until}`), released by the test. */
export function hold(): { until: Promise<void>; release(): void } {
  const { promise, resolve } = Promise.withResolvers<void>();
  return { until: promise, release: () => resolve() };
}

/** The text of every `text` block of a transcript / history message. */
export function textOf(message: { content: Array<{ type: string; text?: string }> }): string {
  return message.content.filter((b) => b.type === "text").map((b) => b.text ?? "").join("");
}

/** The text of the last user message of a recorded provider request body (either wire format). */
export function lastUserText(body: any): string {
  const users = (body.messages as any[]).filter((m) => m.role === "user");
  const last = users.at(-1);
  if (typeof last?.content === "string") return last.content;
  return (last?.content as any[] ?? []).filter((b) => b.type === "text").map((b) => b.text).join("");
}

/** The tool results of an Anthropic request body, by tool call id. */
export function toolResults(body: any): Record<string, { text: string; isError: boolean }> {
  const out: Record<string, { text: string; isError: boolean }> = {};
  for (const m of body.messages as any[]) {
    for (const b of Array.isArray(m.content) ? m.content : []) {
      if (b.type !== "tool_result") continue;
      const text = typeof b.content === "string" ? b.content : (b.content as any[]).map((c) => c.text).join("");
      out[b.tool_use_id] = { text, isError: b.is_error === true };
    }
  }
  return out;
}

/** Null when `payload` fits the catalog's result schema of `method`, else the first problem. */
export function resultProblem(method: string, payload: unknown): string | null {
  const spec = (METHODS as Record<string, { result: Parameters<typeof firstError>[0] }>)[method];
  if (!spec) return `unknown method ${method}`;
  return firstError(spec.result, payload);
}

/** Null when `payload` fits the catalog's payload schema of `event`, else the first problem. */
export function eventProblem(event: EventName, payload: unknown): string | null {
  return firstError(EVENTS[event].payload, payload);
}

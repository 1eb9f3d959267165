/**
 * @module The loopback core shared by the model-provider fakes: a `Bun.serve` on 127.0.0.1:0 that
 * answers each POST with the next queued script, written as SSE frames split across writes, and
 * records request bodies, headers and client disconnects. Scripts are provider-neutral; each fake
 * (anthropic-fake.ts, openai-fake.ts) turns them into its own wire format (agent.md §4.4).
 */

/** Stop reasons a fake reply can end with (mapped to each wire format). */
export type FakeStop = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "refusal";

/**
 * Something that happens after HTTP 200, once `after` content deltas were written. With `until`,
 * the fake first waits for it (or for the client to leave): a reset can discard bytes the client
 * has not read yet, so a test that needs the deltas before the cut resolves `until` on seeing them.
 */
export type FakeInterrupt = { after: number; until?: Promise<void> } & (
  /** Reset the connection (the client's read fails) — a cut stream. */
  | { action: "reset" }
  /** End the body cleanly but early, without `message_stop` / `[DONE]`. */
  | { action: "end" }
  /** Send the provider's in-stream `error` event, then end the body. */
  | { action: "error"; type: string; message: string }
  /** Pause until `until` resolves (default: never) or the client disconnects, then go on. */
  | { action: "hold" }
);

/** A streamed answer. */
export interface FakeReply {
  kind?: "reply";
  /** Thinking deltas, sent first (Anthropic signs the block with `signature`). */
  thinking?: string[];
  signature?: string;
  /** Text deltas. */
  text?: string[];
  /** Tool calls; `args` are the argument JSON pieces, one delta each. */
  toolCalls?: Array<{ id: string; name: string; args: string[] }>;
  /** Default `tool_use` when there are tool calls, else `end_turn`. */
  stop?: FakeStop;
  /** Default `{input: 10, output: 3}`. */
  usage?: { input: number; output: number; cacheRead?: number; cacheWrite?: number };
  /** Interleave keep-alives (`ping` events / `:` comments). */
  pings?: boolean;
  /** OpenAI: leave out the usage chunk (servers that ignore `stream_options`). */
  omitUsage?: boolean;
  interrupt?: FakeInterrupt;
}

/** An HTTP error answer in the provider's error body format. */
export interface FakeHttpError {
  kind: "http_error";
  status: number;
  /** Provider error type; default chosen by the fake from the status. */
  type?: string;
  message: string;
  headers?: Record<string, string>;
}

/** One scripted answer. */
export type FakeScript = FakeReply | FakeHttpError;

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: any;
  /** True once the client went away before the answer was complete. */
  disconnected: boolean;
}

/**
 * One SSE frame; `delta` marks a content delta (text, thinking or argument piece), `tail` the
 * frames that close the answer (stop reason, usage, end marker). An interrupt fires before the
 * first delta or tail frame once `after` deltas were written.
 */
export interface FakeFrame {
  text: string;
  delta?: boolean;
  tail?: boolean;
}

/** What a wire format supplies to the core. */
export interface FakeFormat {
  /** Path of the streaming endpoint (`/v1/messages`). */
  path: string;
  /** The API key the request carries. */
  keyOf(headers: Headers): string | undefined;
  /** Frames of a reply, in order. */
  frames(reply: FakeReply): FakeFrame[];
  /** The frame of an in-stream error. */
  errorFrame(type: string, message: string): string;
  /** JSON body of an HTTP error. */
  errorBody(status: number, type: string | undefined, message: string): unknown;
}

/** A running fake. */
export interface SseFake {
  /** Base URL to configure the provider with. */
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Queues scripts; each request consumes one (an empty queue answers 400 "no script queued"). */
  script(...scripts: FakeScript[]): void;
  /** Scripts not consumed yet. */
  readonly pending: number;
  /** Client disconnects seen so far. */
  readonly disconnects: number;
  /** Resolves once at least `count` disconnects were seen (default 1). */
  waitForDisconnects(count?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Options of a fake. */
export interface SseFakeOptions {
  /** When set, requests carrying another key get a 401 whose message echoes the key they sent. */
  apiKey?: string;
  /** Split frames across writes (default true). */
  splitWrites?: boolean;
}

const encoder = new TextEncoder();

/** Starts a fake for `format` (and `urlSuffix` appended to the base URL, e.g. `/v1`). */
export function startSseFake(format: FakeFormat, urlSuffix: string, options: SseFakeOptions = {}): SseFake {
  const { apiKey, splitWrites = true } = options;
  const queue: FakeScript[] = [];
  const requests: RecordedRequest[] = [];
  let disconnects = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];

  function noteDisconnect(record: RecordedRequest): void {
    if (record.disconnected) return;
    record.disconnected = true;
    disconnects++;
    for (const waiter of waiters.splice(0)) {
      if (disconnects >= waiter.count) waiter.resolve();
      else waiters.push(waiter);
    }
  }

  function errorResponse(status: number, type: string | undefined, message: string, headers: Record<string, string> = {}): Response {
    return Response.json(format.errorBody(status, type, message), { status, headers });
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 30,
    development: false,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const headers: Record<string, string> = {};
      req.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
      const text = await req.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      const record: RecordedRequest = { method: req.method, path, headers, body, disconnected: false };
      requests.push(record);
      if (req.method !== "POST" || path !== format.path) return errorResponse(404, undefined, `fake: no route ${req.method} ${path}`);
      const sentKey = format.keyOf(req.headers);
      if (apiKey !== undefined && sentKey !== apiKey) return errorResponse(401, undefined, `invalid api key: ${sentKey ?? "(none)"}`);
      const script = queue.shift();
      if (script === undefined) return errorResponse(400, undefined, "fake: no script queued");
      if (script.kind === "http_error") return errorResponse(script.status, script.type, script.message, script.headers);
      return new Response(replyStream(format, script, splitWrites, () => noteDisconnect(record)), {
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
      });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}${urlSuffix}`,
    requests,
    script: (...scripts) => void queue.push(...scripts),
    get pending() {
      return queue.length;
    },
    get disconnects() {
      return disconnects;
    },
    waitForDisconnects(count = 1) {
      if (disconnects >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
    stop: () => server.stop(true),
  };
}

/** The body of a reply: frames up to the interrupt, written in pieces that straddle frame borders. */
function replyStream(format: FakeFormat, reply: FakeReply, splitWrites: boolean, onDisconnect: () => void): ReadableStream<Uint8Array> {
  let cancelled = false;
  let onCancel: () => void = () => {};
  const cancelledSignal = new Promise<void>((resolve) => (onCancel = resolve));
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const frames = format.frames(reply);
      const interrupt = reply.interrupt;
      let deltas = 0;
      let carry = new Uint8Array(0);
      const flush = async (final: boolean): Promise<void> => {
        if (cancelled || carry.length === 0) return;
        const cut = final || !splitWrites ? carry.length : Math.ceil(carry.length / 2);
        controller.enqueue(carry.slice(0, cut));
        carry = carry.slice(cut);
        await Bun.sleep(1);
      };
      const append = (text: string): void => {
        const bytes = encoder.encode(text);
        const next = new Uint8Array(carry.length + bytes.length);
        next.set(carry);
        next.set(bytes, carry.length);
        carry = next;
      };
      try {
        for (const frame of [...frames, undefined]) {
          if (interrupt && deltas === interrupt.after && (frame === undefined || frame.delta || frame.tail)) {
            await flush(true);
            const waitFor = interrupt.until ?? (interrupt.action === "hold" ? new Promise<never>(() => {}) : undefined);
            if (waitFor) await Promise.race([waitFor, cancelledSignal]);
            if (cancelled) break;
            if (interrupt.action === "reset") return controller.error();
            if (interrupt.action === "end") return controller.close();
            if (interrupt.action === "error") {
              append(format.errorFrame(interrupt.type, interrupt.message));
              await flush(true);
              return controller.close();
            }
            deltas = Number.NaN;
          }
          if (frame === undefined || cancelled) break;
          append(frame.text);
          await flush(false);
          if (frame.delta) deltas++;
        }
        await flush(true);
        if (!cancelled) controller.close();
      } catch {
        // The client went away while we were writing.
      }
    },
    cancel() {
      cancelled = true;
      onCancel();
      onDisconnect();
    },
  });
}

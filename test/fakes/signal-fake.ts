/**
 * @module A loopback signal-cli HTTP daemon for adapter tests: a `Bun.serve` on 127.0.0.1:0 with
 * `POST /api/v1/rpc` (JSON-RPC 2.0; records every call, answers `send` with `{timestamp}` or a queued
 * `{error}`) and `GET /api/v1/events` (SSE; `dm`/`group`/`push` write `{envelope, account}` events to every
 * open stream). `down()` closes the streams and answers 503 until `up()`.
 */
import type { Server } from "bun";

/** A recorded JSON-RPC call. */
export interface SignalFakeCall {
  method: string;
  params: Record<string, any>;
  id: unknown;
}

type Waiter = { pred: () => boolean; resolve: () => void };

/** Starts the fake for the bot number `account`; `close()` it after the tests. */
export function startSignalFake({ account = "+15550000000" }: { account?: string } = {}) {
  const calls: SignalFakeCall[] = [];
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const failures = new Map<string, { code: number; message: string }>();
  const encoder = new TextEncoder();
  let waiters: Waiter[] = [];
  let isDown = false;
  let clock = 1_700_000_000_000;
  let connections = 0;

  const notify = () => {
    waiters = waiters.filter((w) => (w.pred() ? (w.resolve(), false) : true));
  };
  /** Resolves once `pred()` holds (checked after every call, connection and disconnection). */
  const waitFor = (pred: () => boolean) => new Promise<void>((resolve) => (pred() ? resolve() : waiters.push({ pred, resolve })));
  const nextTimestamp = () => ++clock;

  const server: Server<unknown> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (isDown) return new Response("service unavailable", { status: 503 });
      if (path === "/api/v1/events" && req.method === "GET") {
        let mine: ReadableStreamDefaultController<Uint8Array> | undefined;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            mine = controller;
            streams.add(controller);
            connections += 1;
            controller.enqueue(encoder.encode(": connected\n\n"));
            notify();
          },
          cancel() {
            if (mine) streams.delete(mine);
            notify();
          },
        });
        return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
      }
      if (path === "/api/v1/rpc" && req.method === "POST") {
        const rpc = (await req.json()) as { id: unknown; method: string; params?: Record<string, any> };
        calls.push({ method: rpc.method, params: rpc.params ?? {}, id: rpc.id });
        notify();
        const failure = failures.get(rpc.method);
        if (failure) {
          failures.delete(rpc.method);
          return Response.json({ jsonrpc: "2.0", id: rpc.id, error: failure });
        }
        if (rpc.method === "send") return Response.json({ jsonrpc: "2.0", id: rpc.id, result: { timestamp: nextTimestamp() } });
        if (rpc.method === "sendTyping") return new Response(null, { status: 201 });
        return Response.json({ jsonrpc: "2.0", id: rpc.id, error: { code: -32601, message: "Method not implemented" } });
      }
      return new Response("not found", { status: 404 });
    },
  });

  /** Writes one SSE event with `data` = `{envelope, account}` to every open stream. */
  function push(envelope: Record<string, unknown>): void {
    const frame = encoder.encode(`event:receive\ndata:${JSON.stringify({ envelope, account })}\n\n`);
    for (const s of streams) s.enqueue(frame);
  }

  /** Pushes a data message and returns its timestamp (the Signal message id). */
  function message(from: string, text: string, extra: Record<string, unknown> = {}, name = "Ana"): number {
    const timestamp = nextTimestamp();
    push({ source: from, sourceNumber: from, sourceUuid: `uuid-${from.slice(1)}`, sourceName: name, sourceDevice: 1, timestamp, dataMessage: { timestamp, message: text, expiresInSeconds: 0, viewOnce: false, ...extra } });
    return timestamp;
  }

  return {
    account,
    /** Base URL for `createSignalAdapter({url})`. */
    get url() {
      return `http://127.0.0.1:${server.port}`;
    },
    calls,
    /** Recorded `send` params, in order. */
    get sends() {
      return calls.filter((c) => c.method === "send").map((c) => c.params);
    },
    /** Event streams ever opened. */
    get connections() {
      return connections;
    },
    get openStreams() {
      return streams.size;
    },
    waitFor,
    push,
    /** A direct message from `from`; returns its timestamp. */
    dm: (from: string, text: string, extra: Record<string, unknown> = {}) => message(from, text, extra),
    /** A group message from `from`; `mention` adds a mention of the bot (a U+FFFC placeholder in front). */
    group(groupId: string, from: string, text: string, { mention = false }: { mention?: boolean } = {}) {
      const body = mention ? `\uFFFC ${text}` : text;
      return message(from, body, {
        groupInfo: { groupId, type: "DELIVER" },
        ...(mention ? { mentions: [{ name: account, number: account, uuid: "uuid-bot", start: 0, length: 1 }] } : {}),
      });
    },
    /** Our own message sent from another device (must be ignored). */
    sync(text: string) {
      push({ source: account, sourceNumber: account, timestamp: nextTimestamp(), syncMessage: { sentMessage: { message: text, destination: "+15559990000" } } });
    },
    /** Makes the next call of `method` answer `{error:{code, message}}`. */
    failNext(method: string, code: number, message: string) {
      failures.set(method, { code, message });
    },
    /** Ends every open stream and answers 503 to everything until `up()`. */
    down() {
      isDown = true;
      for (const s of streams) {
        try {
          s.close();
        } catch {
          // already closed
        }
      }
      streams.clear();
      notify();
    },
    up() {
      isDown = false;
    },
    close: () => server.stop(true),
  };
}

/** The fake returned by {@link startSignalFake}. */
export type SignalFake = ReturnType<typeof startSignalFake>;

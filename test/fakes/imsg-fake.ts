/**
 * @module A fake `imsg` executable for iMessage `imsg`-mode tests, with no macOS needed. {@link startImsgFake} starts a
 * loopback control server (`Bun.serve` WebSocket on 127.0.0.1:0) and writes a wrapper script (`cliPath`) into a temp dir
 * that execs `imsg-fake-child.ts` under the running Bun with the control URL in its environment. Every spawned child
 * connects back; the test side answers its JSON-RPC requests (`chats.list`, `watch.subscribe`, `send` →
 * `{ok: true, guid: "imsg-out-<n>"}`; anything else → error -32601), records them, pushes `message` notifications
 * ({@link ImsgFake.message}), and can fail or withhold answers, crash the child with a stderr text, SIGKILL it, or keep
 * new children failing at start (`down()` … `up()`).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server, ServerWebSocket } from "bun";

/** A JSON-RPC request one child received. */
export interface ImsgFakeRequest {
  /** Which child (1 = the first spawned). */
  child: number;
  id: unknown;
  method: string;
  params: Record<string, any>;
}

/** One spawned child. */
export interface ImsgFakeChild {
  n: number;
  pid: number;
  /** Its arguments after the executable, e.g. `["rpc", "--db", "/x"]`. */
  argv: string[];
  alive: boolean;
  /** Its `watch.subscribe` was answered. */
  subscribed: boolean;
}

type Data = { child?: ImsgFakeChild };
type Waiter = { pred: () => boolean; resolve: () => void };

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts the fake; `close()` it after the tests (kills live children, removes the script). */
export function startImsgFake() {
  const requests: ImsgFakeRequest[] = [];
  const children: ImsgFakeChild[] = [];
  const sockets = new Map<number, ServerWebSocket<Data>>();
  const failures = new Map<string, { code: number; message: string }>();
  const withheld = new Set<string>();
  let waiters: Waiter[] = [];
  let downWith: string | undefined;
  let nextGuid = 0;
  let nextSubscription = 0;

  const notify = () => {
    waiters = waiters.filter((w) => (w.pred() ? (w.resolve(), false) : true));
  };
  /** Resolves once `pred()` holds (checked after every request, spawn and exit). */
  const waitFor = (pred: () => boolean) => new Promise<void>((resolve) => (pred() ? resolve() : waiters.push({ pred, resolve })));
  const send = (child: ImsgFakeChild, cmd: Record<string, unknown>): void => {
    sockets.get(child.n)?.send(JSON.stringify(cmd));
  };
  const reply = (child: ImsgFakeChild, id: unknown, body: Record<string, unknown>) => send(child, { out: JSON.stringify({ jsonrpc: "2.0", id, ...body }) });

  function answer(child: ImsgFakeChild, req: ImsgFakeRequest): void {
    if (withheld.delete(req.method)) return;
    const failure = failures.get(req.method);
    if (failure) {
      failures.delete(req.method);
      return reply(child, req.id, { error: failure });
    }
    if (req.method === "chats.list") return reply(child, req.id, { result: { chats: [{ id: 1, name: "", identifier: "+15550000000", service: "iMessage", is_group: false }] } });
    if (req.method === "watch.subscribe") {
      child.subscribed = true;
      return reply(child, req.id, { result: { subscription: ++nextSubscription } });
    }
    if (req.method === "send") return reply(child, req.id, { result: { ok: true, guid: `imsg-out-${++nextGuid}` } });
    reply(child, req.id, { error: { code: -32601, message: `method not found: ${req.method}` } });
  }

  const server: Server<Data> = Bun.serve<Data>({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req, srv) {
      return srv.upgrade(req, { data: {} }) ? undefined : new Response("websocket only", { status: 400 });
    },
    websocket: {
      message(ws, raw) {
        const msg = JSON.parse(String(raw)) as { hello?: { pid: number; argv: string[] }; line?: string };
        if (msg.hello) {
          const child: ImsgFakeChild = { n: children.length + 1, pid: msg.hello.pid, argv: msg.hello.argv, alive: true, subscribed: false };
          children.push(child);
          sockets.set(child.n, ws);
          ws.data.child = child;
          if (downWith !== undefined) send(child, { err: downWith, exit: 1 });
        } else if (msg.line !== undefined && ws.data.child) {
          const parsed = JSON.parse(msg.line) as { id?: unknown; method: string; params?: Record<string, any> };
          const req = { child: ws.data.child.n, id: parsed.id, method: parsed.method, params: parsed.params ?? {} };
          requests.push(req);
          answer(ws.data.child, req);
        }
        notify();
      },
      close(ws) {
        if (ws.data.child) {
          ws.data.child.alive = false;
          sockets.delete(ws.data.child.n);
        }
        notify();
      },
    },
  });

  const dir = mkdtempSync(join(tmpdir(), "mayros-imsg-fake-"));
  const cliPath = join(dir, "imsg");
  const childScript = join(import.meta.dir, "imsg-fake-child.ts");
  writeFileSync(cliPath, `#!/bin/sh\nIMSG_FAKE_CONTROL=${shq(`ws://127.0.0.1:${server.port}/`)} exec ${shq(process.execPath)} ${shq(childScript)} "$@"\n`);
  chmodSync(cliPath, 0o755);

  /** The newest live child. @throws when none is alive. */
  const current = (): ImsgFakeChild => {
    const child = children.findLast((c) => c.alive);
    if (!child) throw new Error("imsg fake: no live child");
    return child;
  };

  return {
    /** The wrapper script to use as `cliPath`. */
    cliPath,
    /** Every request of every child, in order. */
    requests,
    /** The params of every `send` request, in order. */
    get sends() {
      return requests.filter((r) => r.method === "send").map((r) => r.params);
    },
    /** Every spawned child, in order. */
    children,
    waitFor,
    /** Resolves once a live child has subscribed (its `watch.subscribe` was answered). */
    subscribed: () => waitFor(() => children.some((c) => c.alive && c.subscribed)),
    /** Pushes a `message` notification carrying `message` to the newest live child's stdout. */
    message(message: Record<string, unknown>) {
      const child = current();
      send(child, { out: JSON.stringify({ jsonrpc: "2.0", method: "message", params: { subscription: nextSubscription, message } }) });
    },
    /** Writes `text` as is to the newest live child's stdout (for framing tests). */
    raw(text: string) {
      send(current(), { raw: text });
    },
    /** Answers the next request of `method` with a JSON-RPC error. */
    failNext(method: string, code: number, message: string) {
      failures.set(method, { code, message });
    },
    /** Leaves the next request of `method` unanswered. */
    withholdNext(method: string) {
      withheld.add(method);
    },
    /** Makes the newest live child write `stderr` and exit with `code`. */
    crash(code: number, stderr: string) {
      send(current(), { err: stderr, exit: code });
    },
    /** SIGKILLs the newest live child. */
    kill() {
      process.kill(current().pid, "SIGKILL");
    },
    /** Every child spawned from now on writes `stderr` and exits 1 right away, until `up()`. */
    down(stderr: string) {
      downWith = stderr;
    },
    up() {
      downWith = undefined;
    },
    /** Kills live children, stops the control server and removes the script. */
    close() {
      for (const c of children) if (c.alive) try { process.kill(c.pid, "SIGKILL"); } catch { /* already gone */ }
      server.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fake returned by {@link startImsgFake}. */
export type ImsgFake = ReturnType<typeof startImsgFake>;

let rowid = 0;

/**
 * An imsg `Message` from `sender`: a DM in chat `chatId` (a number), or with `group` a group message in chat
 * `chatId` with chat guid `iMessage;+;chat<chatId>`. `extra` overrides any field.
 */
export function imsgMessage(chatId: number, sender: string, text: string, { group = false, ...extra }: { group?: boolean } & Record<string, unknown> = {}): Record<string, any> {
  rowid += 1;
  return {
    id: rowid, guid: `imsg-in-${rowid}-${Date.now()}`, chat_id: chatId, sender, text, is_from_me: false, is_group: group,
    chat_guid: group ? `iMessage;+;chat${chatId}` : `iMessage;-;${sender}`, ...(group ? { chat_name: "Friends", participants: [sender, "+15550000000"] } : {}),
    attachments: [], created_at: new Date(1_700_000_000_000 + rowid * 1000).toISOString(), ...extra,
  };
}

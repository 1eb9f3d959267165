/**
 * @module A loopback BlueBubbles server for iMessage tests: a `Bun.serve` on 127.0.0.1:0 with
 * `GET /api/v1/ping` and `POST /api/v1/message/text` (both checking `?password=`; sends are recorded and
 * answered `{status:200, data:{guid}}`, or a queued error). `down()` answers 503 until `up()`.
 * Also builds BlueBubbles webhook events and POSTs them to a gateway ({@link postWebhook}).
 */
import type { Server } from "bun";

/** A recorded `message/text` body. */
export interface BlueBubblesSend {
  chatGuid: string;
  message: string;
  tempGuid: string;
  method: string;
  selectedMessageGuid?: string;
}

type Waiter = { pred: () => boolean; resolve: () => void };

/** Starts the fake with server password `password`; `close()` it after the tests. */
export function startBlueBubblesFake({ password = "bb-secret" }: { password?: string } = {}) {
  const sends: BlueBubblesSend[] = [];
  let waiters: Waiter[] = [];
  let isDown = false;
  let pings = 0;
  let nextGuid = 0;
  let failure: { status: number; message: string } | undefined;

  const notify = () => {
    waiters = waiters.filter((w) => (w.pred() ? (w.resolve(), false) : true));
  };
  /** Resolves once `pred()` holds (checked after every request). */
  const waitFor = (pred: () => boolean) => new Promise<void>((resolve) => (pred() ? resolve() : waiters.push({ pred, resolve })));

  const server: Server<unknown> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      try {
        if (isDown) return new Response("service unavailable", { status: 503 });
        if (url.searchParams.get("password") !== password) return Response.json({ status: 401, message: "Unauthorized", error: { message: "wrong password" } }, { status: 401 });
        if (url.pathname === "/api/v1/ping" && req.method === "GET") {
          pings += 1;
          return Response.json({ status: 200, message: "Ping received!", data: "pong" });
        }
        if (url.pathname === "/api/v1/message/text" && req.method === "POST") {
          const body = (await req.json()) as BlueBubblesSend;
          sends.push(body);
          if (failure) {
            const f = failure;
            failure = undefined;
            return Response.json({ status: f.status, message: f.message, error: { message: f.message } }, { status: f.status });
          }
          const guid = `bb-out-${++nextGuid}`;
          return Response.json({ status: 200, message: "Message sent!", data: { guid, tempGuid: body.tempGuid, text: body.message, isFromMe: true } });
        }
        return new Response("not found", { status: 404 });
      } finally {
        queueMicrotask(notify);
      }
    },
  });

  return {
    password,
    /** Base URL for `createIMessageAdapter({serverUrl})`. */
    get url() {
      return `http://127.0.0.1:${server.port}`;
    },
    /** Recorded send bodies, in order. */
    sends,
    /** Pings answered 200. */
    get pings() {
      return pings;
    },
    waitFor,
    /** Makes the next send answer HTTP `status` with `message`. */
    failNext(status: number, message: string) {
      failure = { status, message };
    },
    /** Answers 503 to everything until `up()`. */
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    close: () => server.stop(true),
  };
}

/** The fake returned by {@link startBlueBubblesFake}. */
export type BlueBubblesFake = ReturnType<typeof startBlueBubblesFake>;

let eventCounter = 0;

/** A `new-message` webhook event from `address` in chat `chatGuid` (style 45 = DM, 43 = group). */
export function messageEvent(chatGuid: string, address: string, text: string, extra: Record<string, unknown> = {}): { type: string; data: Record<string, any> } {
  const group = chatGuid.includes(";+;");
  return {
    type: "new-message",
    data: {
      guid: `bb-in-${++eventCounter}-${Date.now()}`, text, isFromMe: false, dateCreated: 1_700_000_000_000 + eventCounter,
      handle: { address }, chats: [{ guid: chatGuid, style: group ? 43 : 45, displayName: group ? "Friends" : "" }],
      associatedMessageType: null, threadOriginatorGuid: null, attachments: [], ...extra,
    },
  };
}

/** The DM chat guid of `address`. */
export const dmChat = (address: string) => `iMessage;-;${address}`;

/**
 * POSTs a webhook event to `<httpBase>/channels/imessage/webhook` (or the account's path) with `?password=`
 * or the `x-mayros-token` header.
 */
export function postWebhook(httpBase: string, event: unknown, auth: { password?: string; token?: string }, accountId?: string): Promise<Response> {
  const path = accountId ? `/channels/imessage/${accountId}/webhook` : "/channels/imessage/webhook";
  const query = auth.password !== undefined ? `?password=${encodeURIComponent(auth.password)}` : "";
  return fetch(`${httpBase}${path}${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth.token !== undefined ? { "x-mayros-token": auth.token } : {}) },
    body: JSON.stringify(event),
  });
}

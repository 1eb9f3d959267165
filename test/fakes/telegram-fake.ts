/**
 * @module A loopback Telegram Bot API (`Bun.serve` on 127.0.0.1:0) for driving the real grammY:
 * `/bot<token>/<method>` answers `{ok, result}` or `{ok:false, error_code, description}` for getMe,
 * deleteWebhook, setWebhook, getUpdates (offset + long-poll timeout), sendMessage, sendChatAction,
 * sendPhoto, sendDocument. Every call is recorded; tests enqueue updates, script failures and take
 * the service down (connection refused or HTTP 502) and back up.
 */
import type { Message, Update, User } from "grammy/types";

/** One recorded Bot API call. */
export interface TelegramCall {
  method: string;
  token: string;
  params: Record<string, any>;
  at: number;
}

interface Waiter {
  offset: number;
  limit: number;
  resolve: (res: Response) => void;
}

/** Options of {@link startTelegramFake}. */
export interface TelegramFakeOptions {
  /** The only token accepted (others get 401). @default "123456:FAKE-TOKEN" */
  token?: string;
  bot?: { id: number; username: string; first_name?: string };
}

function ok(result: unknown): Response {
  return Response.json({ ok: true, result });
}

function fail(error_code: number, description: string): Response {
  return Response.json({ ok: false, error_code, description }, { status: error_code });
}

/** Starts the fake; call `stop()` when done. */
export async function startTelegramFake({ token = "123456:FAKE-TOKEN", bot = { id: 4242, username: "mayros_bot" } }: TelegramFakeOptions = {}) {
  const me: User & Record<string, unknown> = { is_bot: true, first_name: bot.first_name ?? "Mayros", ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
  const calls: TelegramCall[] = [];
  const queue: Update[] = [];
  const waiters = new Set<Waiter>();
  const callListeners = new Set<(call: TelegramCall) => void>();
  const scripted = new Map<string, Array<{ error_code: number; description: string }>>();
  let nextUpdateId = 1;
  let nextMessageId = 1000;
  let down: false | "502" | "refuse" = false;
  let webhookUrl = "";

  const takeUpdates = (offset: number, limit: number): Update[] => {
    while (queue.length > 0 && queue[0]!.update_id < offset) queue.shift();
    return queue.slice(0, limit);
  };
  const wake = () => {
    for (const w of [...waiters]) {
      const updates = takeUpdates(w.offset, w.limit);
      if (updates.length === 0) continue;
      waiters.delete(w);
      w.resolve(ok(updates));
    }
  };
  const releaseAll = (res: () => Response) => {
    for (const w of [...waiters]) w.resolve(res());
    waiters.clear();
  };

  const sentMessage = (params: Record<string, any>, extra: Record<string, unknown>): Message => {
    const chatId = Number(params.chat_id);
    return {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: chatId > 0 ? { id: chatId, type: "private", first_name: "User" } : { id: chatId, type: "supergroup", title: "Group" },
      from: me,
      ...(params.message_thread_id !== undefined ? { message_thread_id: Number(params.message_thread_id), is_topic_message: true } : {}),
      ...extra,
    } as Message;
  };

  async function readParams(req: Request, url: URL): Promise<Record<string, any>> {
    const params: Record<string, any> = Object.fromEntries(url.searchParams);
    const type = req.headers.get("content-type") ?? "";
    if (type.includes("application/json")) Object.assign(params, await req.json());
    else if (type.includes("multipart/form-data") || type.includes("x-www-form-urlencoded")) {
      for (const [k, v] of (await req.formData()).entries()) {
        if (typeof v !== "string") params[k] = { file: (v as File).name };
        else {
          try {
            params[k] = JSON.parse(v);
          } catch {
            params[k] = v;
          }
        }
      }
    }
    return params;
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!m) return fail(404, "Not Found");
    const [, callToken = "", method = ""] = m;
    const params = await readParams(req, url);
    const call = { method, token: callToken, params, at: Date.now() };
    calls.push(call);
    for (const l of [...callListeners]) l(call);
    if (down === "502") return new Response("<html><body>502 Bad Gateway</body></html>", { status: 502, headers: { "content-type": "text/html" } });
    if (callToken !== token) return fail(401, "Unauthorized");
    const failure = scripted.get(method)?.shift();
    if (failure) return fail(failure.error_code, failure.description);

    switch (method) {
      case "getMe":
        return ok(me);
      case "deleteWebhook":
        webhookUrl = "";
        return ok(true);
      case "setWebhook":
        webhookUrl = String(params.url ?? "");
        return ok(true);
      case "getWebhookInfo":
        return ok({ url: webhookUrl, has_custom_certificate: false, pending_update_count: queue.length });
      case "getUpdates": {
        const offset = Number(params.offset ?? 0);
        const limit = Math.min(Math.max(Number(params.limit ?? 100), 1), 100);
        const timeout = Number(params.timeout ?? 0);
        const ready = takeUpdates(offset, limit);
        if (ready.length > 0 || timeout <= 0) return ok(ready);
        return new Promise<Response>((resolve) => {
          const timer = setTimeout(() => finish(ok([])), timeout * 1000);
          const finish = (res: Response) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(res);
          };
          const waiter: Waiter = { offset, limit, resolve: finish };
          waiters.add(waiter);
          req.signal.addEventListener("abort", () => finish(ok([])), { once: true });
        });
      }
      case "sendMessage":
        if (typeof params.text !== "string" || params.text.length === 0) return fail(400, "Bad Request: message text is empty");
        return ok(sentMessage(params, { text: params.text }));
      case "sendPhoto":
        return ok(sentMessage(params, { photo: [{ file_id: "sent-photo", file_unique_id: "u", width: 1, height: 1 }], caption: params.caption }));
      case "sendDocument":
        return ok(sentMessage(params, { document: { file_id: "sent-doc", file_unique_id: "u" }, caption: params.caption }));
      case "sendChatAction":
        return ok(true);
      default:
        return fail(404, "Not Found: method not found");
    }
  }

  const serve = (port: number) => Bun.serve({ hostname: "127.0.0.1", port, idleTimeout: 120, fetch: handle });
  let server = serve(0);
  const port = server.port;
  if (port === undefined) throw new Error("telegram fake: no port");
  const apiRoot = `http://127.0.0.1:${port}`;

  const user = (id: number, first_name = "Alice", username?: string): User => ({ id, is_bot: false, first_name, ...(username ? { username } : {}) });

  /** Puts an update in the queue (waking a held `getUpdates`); returns its `update_id`. */
  function enqueue(update: { message?: Message; edited_message?: Message; channel_post?: Message } & Record<string, unknown>): number {
    const update_id = nextUpdateId++;
    queue.push({ update_id, ...update } as Update);
    wake();
    return update_id;
  }

  function message(fields: Partial<Message> & Pick<Message, "chat">): Message {
    return { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), from: user(111), ...fields } as Message;
  }

  return {
    apiRoot,
    token,
    bot: me,
    calls,
    /** Calls of one method, in order. */
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    /** Resolves with the next call (from now on) matching `method` and `match`. */
    nextCall(method: string, match: (call: TelegramCall) => boolean = () => true): Promise<TelegramCall> {
      return new Promise((resolve) => {
        const l = (c: TelegramCall) => {
          if (c.method !== method || !match(c)) return;
          callListeners.delete(l);
          resolve(c);
        };
        callListeners.add(l);
      });
    },
    /** Makes the next call(s) of `method` fail with this Telegram error. */
    failNext(method: string, error_code: number, description: string): void {
      scripted.set(method, [...(scripted.get(method) ?? []), { error_code, description }]);
    },
    enqueue,
    message,
    user,
    /** A private-chat text message from `from` (default user 111). */
    privateMessage({ text, from = user(111), ...rest }: { text: string; from?: User } & Partial<Message>): Message {
      return message({ chat: { id: from.id, type: "private", first_name: from.first_name }, from, text, ...rest });
    },
    /** A supergroup text message; `mention` prefixes `@<bot username>` with its mention entity. */
    groupMessage({ chatId = -100123, text, mention = false, from = user(111), ...rest }: { chatId?: number; text: string; mention?: boolean; from?: User } & Partial<Message>): Message {
      const handle = `@${me.username}`;
      const full = mention ? `${handle} ${text}` : text;
      const entities = mention ? [{ type: "mention" as const, offset: 0, length: handle.length }] : undefined;
      return message({ chat: { id: chatId, type: "supergroup", title: "Group" }, from, text: full, ...(entities ? { entities } : {}), ...rest });
    },
    /** A message in forum topic `threadId` of a forum supergroup (replying to the topic root, as Telegram does). */
    topicMessage({ chatId = -100777, threadId, text, mention = false, from = user(111) }: { chatId?: number; threadId: number; text: string; mention?: boolean; from?: User }): Message {
      const handle = `@${me.username}`;
      const full = mention ? `${handle} ${text}` : text;
      const chat = { id: chatId, type: "supergroup" as const, title: "Forum", is_forum: true as const };
      const root = { message_id: threadId, date: 0, chat, forum_topic_created: { name: "Topic", icon_color: 0 } } as Message;
      return message({
        chat, from, text: full, message_thread_id: threadId, is_topic_message: true, reply_to_message: root as Message["reply_to_message"],
        ...(mention ? { entities: [{ type: "mention" as const, offset: 0, length: handle.length }] } : {}),
      });
    },
    /** Simulates an outage: `"refuse"` closes the port (connections refused), `"502"` answers 502 HTML. Held polls end. */
    down(how: "refuse" | "502" = "refuse"): void {
      down = how;
      releaseAll(() => new Response("<html>502 Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } }));
      if (how === "refuse") server.stop(true);
    },
    /** Ends an outage (re-listening on the same port). */
    up(): void {
      if (down === "refuse") server = serve(port);
      down = false;
    },
    /** Releases held polls and closes the server. */
    async stop(): Promise<void> {
      releaseAll(() => ok([]));
      callListeners.clear();
      await server.stop(true);
    },
  };
}

/** The fake's handle. */
export type TelegramFake = Awaited<ReturnType<typeof startTelegramFake>>;

/**
 * @module The WhatsApp channel adapter over a Baileys socket (channels.md §5.4). Login state lives in the
 * gateway database ({@link loadWhatsAppAuthState}); a session lease keeps every other process off the linked
 * device. Unlinked, the account waits for a QR login (`loginStart` / `loginWait`, behind `web.login.*` and
 * `mayros channels login whatsapp`); the status's `linked` reads the stored credentials, never a socket. Close
 * codes: 401 logged out ⇒ the stored session is wiped and the status says so (`linked: false`); 440 replaced ⇒
 * stop; 515 restart required (right after pairing) ⇒ reconnect at once; anything else ⇒ reconnect with backoff.
 * Inbound: `messages.upsert` notifications, normalized, media downloaded (size-capped), read receipts only when
 * enabled. Outbound: WhatsApp markup, replies quote the inbound message, media by URL.
 */
import type { WAMessage } from "@whiskeysockets/baileys";
import { backoffDelay } from "../backoff.ts";
import type { ChannelAuthStore } from "../auth-store.ts";
import type { ChannelAdapter, ChannelContext, ChannelStatus, LoginStep, OutboundMessage, OutboundTarget } from "../types.ts";
import { hasStoredWhatsAppLink, loadWhatsAppAuthState, type WhatsAppAuthState } from "./auth-state.ts";
import { markdownToWhatsApp } from "./format.ts";
import { toJid } from "./jid.ts";
import { LoginEvents, type LoginEvent } from "./login-events.ts";
import { outboundContent, saveInboundMedia } from "./media.ts";
import { normalizeWhatsAppMessage } from "./normalize.ts";
import { acquireSessionLease, LEASE_KIND, type LeaseOptions } from "./session-lease.ts";
import { CLOSE, closeReason, downloadBaileysMedia, makeBaileysSocket, type DownloadWhatsAppMedia, type MakeWhatsAppSocket, type WhatsAppSocket, type WhatsAppSocketEvents } from "./socket.ts";

/** Our chunk size (channels.md §4 Decision). */
export const WHATSAPP_TEXT_LIMIT = 4000;
/** Recent inbound messages kept to quote them in replies. */
const RECENT_MEMORY = 200;
/** How long `start()` waits for the first connection attempt to settle. */
const FIRST_SETTLE_MS = 10_000;
/** Status text of an account without a linked device. */
export const NOT_LINKED = "not linked: run `mayros channels login whatsapp` and scan the QR code with WhatsApp (Linked devices)";
/** Status text after WhatsApp logged the device out. */
export const LOGGED_OUT = "logged out on the phone: the stored session was cleared; link again with `mayros channels login whatsapp`";

/** Options of {@link createWhatsAppAdapter}. */
export interface WhatsAppAdapterOptions {
  /** Gateway account id. Default: `"default"`. */
  accountId?: string;
  /** Mark inbound messages read (blue ticks). Default: false. */
  sendReadReceipts?: boolean;
  /** Largest inbound media downloaded, in MB. Default: 50. */
  mediaMaxMb?: number;
  /** WhatsApp Web version override `[major, minor, patch]` (when WhatsApp refuses Baileys' built-in one with 405). */
  version?: [number, number, number];
  /** WebSocket URL override (default: WhatsApp's). */
  webSocketUrl?: string;
  /** `@<botName>` in a group counts as a mention. */
  botName?: string;
  /** Reconnect delays: doubling from `initialMs` (default 1000) up to `maxMs` (default 30 000), ±20 % jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Socket factory: Baileys' `makeWASocket` by default (tests pass a fake with the same surface). */
  makeSocket?: MakeWhatsAppSocket;
  /** Inbound media download: Baileys' `downloadMediaMessage` by default. */
  downloadMedia?: DownloadWhatsAppMedia;
  /** Session lease identity and clock (tests). */
  lease?: LeaseOptions;
}

/**
 * Creates the adapter for the one WhatsApp account of this host. Does no I/O until `start()`, which needs
 * `ctx.auth` (the gateway passes it).
 */
export function createWhatsAppAdapter(options: WhatsAppAdapterOptions = {}): ChannelAdapter {
  const { accountId = "default", sendReadReceipts = false, mediaMaxMb = 50, version, webSocketUrl, botName, backoff = {} } = options;
  const makeSocket = options.makeSocket ?? makeBaileysSocket;
  const downloadMedia = options.downloadMedia ?? downloadBaileysMedia;
  const login = new LoginEvents();
  const recent = new Map<string, WAMessage>();

  let ctx: ChannelContext | undefined;
  let store: ChannelAuthStore | undefined;
  let auth: WhatsAppAuthState | undefined;
  let release: (() => void) | undefined;
  let live: WhatsAppSocket | undefined;
  let generation = 0;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inbound: Promise<void> = Promise.resolve();
  let current: ChannelStatus = { channel: "whatsapp", accountId, state: "stopped", since: Date.now() };

  function setStatus(state: ChannelStatus["state"], lastError?: string): void {
    const self = state === "connected" && live?.user ? { botId: live.user.id, ...(live.user.name ? { botName: live.user.name } : {}) } : {};
    const linked = store ? { linked: hasStoredWhatsAppLink(store) } : {};
    current = { channel: "whatsapp", accountId, state, ...self, ...(lastError ? { lastError } : {}), ...linked, since: Date.now() };
    ctx?.onStatus(current);
  }

  /** Opens a socket; resolves when it first settles (open, QR shown, closed) or after {@link FIRST_SETTLE_MS}. */
  async function connect(gen: number): Promise<void> {
    if (gen !== generation || !auth) return;
    setStatus("connecting", current.lastError); // a reconnect keeps showing why the last connection ended
    let socket: WhatsAppSocket;
    try {
      socket = await makeSocket({ auth: auth.state, log: ctx!.log, ...(version ? { version } : {}), ...(webSocketUrl ? { waWebSocketUrl: webSocketUrl } : {}) });
    } catch (e) {
      return closed(gen, undefined, `socket failed: ${(e as Error).message ?? String(e)}`);
    }
    if (gen !== generation) return socket.end(undefined);
    live = socket;
    const settled = new Promise<void>((resolve) => {
      const cap = setTimeout(resolve, FIRST_SETTLE_MS);
      const done = () => { clearTimeout(cap); resolve(); };
      socket.ev.on("connection.update", (update) => {
        if (socket !== live) return;
        onUpdate(gen, socket, update);
        if (update.qr || update.connection === "open" || update.connection === "close") done();
      });
    });
    socket.ev.on("creds.update", () => { if (socket === live) auth?.saveCreds(); });
    socket.ev.on("messages.upsert", (upsert) => { if (socket === live) onUpsert(socket, upsert); });
    await settled;
  }

  function onUpdate(gen: number, socket: WhatsAppSocket, update: WhatsAppSocketEvents["connection.update"]): void {
    if (update.qr) {
      login.emit({ type: "qr", qr: update.qr });
      if (!auth?.linked()) setStatus("connecting", "waiting for the QR code to be scanned");
    }
    if (update.connection === "open") {
      failures = 0;
      setStatus("connected");
      ctx?.log.info("whatsapp connected", { accountId, me: socket.user?.id });
      login.emit({ type: "open" });
    } else if (update.connection === "close") {
      live = undefined;
      const { code, message } = closeReason(update);
      closed(gen, code, message);
    }
  }

  function closed(gen: number, code: number | undefined, message: string): void {
    if (gen !== generation) return;
    const end = (state: ChannelStatus["state"], text: string) => {
      setStatus(state, text);
      login.emit({ type: "ended", message: text });
    };
    if (code === CLOSE.loggedOut) {
      store?.clear([LEASE_KIND]);
      if (store) auth = loadWhatsAppAuthState(store);
      ctx?.log.warn("whatsapp logged out: stored session cleared", { accountId });
      return end("disconnected", LOGGED_OUT);
    }
    if (code === CLOSE.connectionReplaced) {
      return end("error", "connection replaced: another WhatsApp Web session took over this device; stopped (restart the channel to take it back)");
    }
    if (code === CLOSE.restartRequired) {
      void connect(gen);
      return;
    }
    if (!auth?.linked()) {
      return end("disconnected", code === CLOSE.timedOut ? "the QR code expired before it was scanned; start the login again" : `login failed (${code ?? "no code"}): ${message}`);
    }
    const text = `connection closed (${code ?? "no code"}): ${message}`;
    ctx?.log.warn("whatsapp disconnected", { accountId, code, error: message });
    setStatus("disconnected", text);
    const delay = backoffDelay(failures, { initialMs: backoff.initialMs ?? 1000, maxMs: backoff.maxMs ?? 30_000 });
    failures += 1;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void connect(gen);
    }, delay);
  }

  function onUpsert(socket: WhatsAppSocket, { messages, type }: WhatsAppSocketEvents["messages.upsert"]): void {
    if (type !== "notify") return;
    for (const raw of messages) {
      const message = normalizeWhatsAppMessage(raw, { accountId, ...(socket.user ? { self: socket.user } : {}), ...(botName ? { botName } : {}) });
      if (!message || recent.has(message.messageId)) continue;
      recent.set(message.messageId, raw);
      if (recent.size > RECENT_MEMORY) recent.delete(recent.keys().next().value as string);
      if (sendReadReceipts) socket.readMessages([raw.key]).catch((e) => ctx?.log.debug("read receipt failed", { error: String(e) }));
      // One chain keeps the order of messages whose media takes a while to download.
      inbound = inbound.then(async () => {
        if (message.media?.[0] && ctx?.mediaDir) {
          await saveInboundMedia({ message, raw, socket, dir: ctx.mediaDir, maxBytes: mediaMaxMb * 1024 * 1024, download: downloadMedia })
            .catch((e) => ctx?.log.warn("whatsapp media download failed", { accountId, error: String(e) }));
        }
        if (socket === live || current.state === "connected") ctx?.onMessage(message);
      });
    }
  }

  function requireSocket(): WhatsAppSocket {
    if (!live || current.state !== "connected") throw new Error(`whatsapp is not connected (${current.lastError ?? current.state})`);
    return live;
  }

  const adapter: ChannelAdapter = {
    channel: "whatsapp",
    accountId,
    textLimit: WHATSAPP_TEXT_LIMIT,
    async start(context) {
      await adapter.stop();
      if (!context.auth) throw new Error("whatsapp: the gateway gave no auth store");
      ctx = context;
      store = context.auth;
      const gen = ++generation;
      failures = 0;
      context.signal.addEventListener("abort", () => void adapter.stop(), { once: true });
      if (context.signal.aborted) return;
      const lease = acquireSessionLease(store, options.lease);
      if (!lease.ok) {
        const { pid, host } = lease.holder;
        return setStatus("error", `the WhatsApp session is already open in process ${pid} on ${host}; only one process per host may open it`);
      }
      release = lease.release;
      auth = loadWhatsAppAuthState(store);
      if (!auth.linked()) return setStatus("disconnected", NOT_LINKED);
      await connect(gen);
    },
    async stop() {
      if (current.state === "stopped" && !live && !release) return;
      generation += 1;
      clearTimeout(timer);
      timer = undefined;
      const socket = live;
      live = undefined;
      socket?.end(undefined);
      release?.();
      release = undefined;
      login.emit({ type: "ended", message: "the channel stopped" });
      setStatus("stopped");
    },
    async send(target: OutboundTarget, message: OutboundMessage) {
      const socket = requireSocket();
      const jid = toJid(target.chatId);
      const text = markdownToWhatsApp(message.text);
      const quotedRaw = target.replyToMessageId ? recent.get(target.replyToMessageId) : undefined;
      const quoted = quotedRaw ? { quoted: quotedRaw } : {};
      const contents = outboundContent(text, message.media ?? []);
      const ids: string[] = [];
      for (const [i, content] of contents.entries()) {
        const sent = await socket.sendMessage(jid, content, i === 0 ? quoted : {});
        ids.push(sent?.key.id ?? "");
      }
      return { messageId: ids[0] ?? "" };
    },
    async typing(target) {
      await requireSocket().sendPresenceUpdate("composing", toJid(target.chatId));
    },
    format: markdownToWhatsApp,
    status: () => current,
    async logout() {
      const socket = live;
      if (socket && current.state === "connected") await socket.logout().catch((e) => ctx?.log.warn("whatsapp unlink failed", { error: String(e) }));
      store?.clear([LEASE_KIND]);
      if (store) auth = loadWhatsAppAuthState(store);
    },
    async loginStart({ force = false, timeoutMs = 30_000 }): Promise<LoginStep> {
      if (!store || !auth || !release) throw new Error(`whatsapp cannot log in: ${current.lastError ?? current.state}`);
      if (auth.linked() && !force && current.state === "connected") return { connected: true, message: `already linked as ${live?.user?.id ?? "this device"}` };
      const socket = live;
      live = undefined;
      socket?.end(undefined);
      if (force) {
        store.clear([LEASE_KIND]);
        auth = loadWhatsAppAuthState(store);
      }
      const gen = ++generation;
      clearTimeout(timer);
      const next = login.wait<LoginStep>(stepOf, timeoutMs, () => ({ message: "no QR code yet; try again" }));
      void connect(gen);
      return next;
    },
    async loginWait({ timeoutMs = 120_000, currentQr }) {
      if (current.state === "connected") return { connected: true, message: `linked as ${live?.user?.id ?? "this device"}` };
      if (currentQr && login.qr && login.qr !== currentQr) return { connected: false, qr: login.qr, message: "the QR code changed; scan the new one" };
      const step = await login.wait<LoginStep>((e) => (e.type === "qr" && e.qr === currentQr ? undefined : stepOf(e)), timeoutMs, () => ({ message: "still waiting for the QR code to be scanned", ...(login.qr ? { qr: login.qr } : {}) }));
      return { ...step, connected: step.connected ?? false };
    },
  };

  function stepOf(event: LoginEvent): LoginStep {
    if (event.type === "qr") return { qr: event.qr, message: "Scan this QR code in WhatsApp → Settings → Linked devices → Link a device." };
    if (event.type === "open") return { connected: true, message: `linked as ${live?.user?.id ?? "this device"}` };
    return { connected: false, message: event.message };
  }

  return adapter;
}

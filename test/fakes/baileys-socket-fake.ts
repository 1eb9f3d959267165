/**
 * @module An in-memory stand-in for the socket Baileys' `makeWASocket()` returns (WhatsApp's Noise handshake and
 * binary protocol are not faked): the same `ev` events (`connection.update`, `creds.update`, `messages.upsert`),
 * `sendMessage`, `sendPresenceUpdate`, `readMessages`, `logout`, `end` and `user`. The test drives it — shows QR
 * codes, pairs (writes `creds.me` like Baileys does), opens, closes with a Baileys status code, delivers
 * messages — and reads what the adapter sent.
 */
import { EventEmitter } from "node:events";
import type { AnyMessageContent, MiscMessageGenerationOptions, WAMessage, WAMessageKey } from "@whiskeysockets/baileys";
import type { MakeWhatsAppSocket, WhatsAppSocket, WhatsAppSocketConfig } from "../../src/channels/whatsapp/socket.ts";

/** One `sendMessage` call. */
export interface FakeSend {
  jid: string;
  content: AnyMessageContent;
  quotedId?: string;
}

/** A fake Baileys socket. */
export class FakeWASocket implements WhatsAppSocket {
  private readonly emitter = new EventEmitter();
  readonly ev = { on: (event: string, listener: (payload: any) => void) => void this.emitter.on(event, listener) } as WhatsAppSocket["ev"];
  user: WhatsAppSocket["user"];
  readonly sent: FakeSend[] = [];
  readonly presence: Array<{ type: string; jid?: string }> = [];
  readonly read: WAMessageKey[] = [];
  ended = false;
  loggedOut = false;
  private nextId = 1;

  constructor(readonly config: WhatsAppSocketConfig, private readonly onSend: () => void) {}

  async sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage> {
    const quotedId = options?.quoted?.key?.id ?? undefined;
    this.sent.push({ jid, content, ...(quotedId ? { quotedId } : {}) });
    this.onSend();
    return { key: { remoteJid: jid, fromMe: true, id: `3EB0SENT${this.nextId++}` } } as WAMessage;
  }
  async sendPresenceUpdate(type: string, jid?: string): Promise<void> {
    this.presence.push({ type, ...(jid ? { jid } : {}) });
  }
  async readMessages(keys: WAMessageKey[]): Promise<void> {
    this.read.push(...keys);
  }
  async logout(): Promise<void> {
    this.loggedOut = true;
    this.close(401, "Intentional Logout");
  }
  end(): void {
    this.ended = true;
  }

  /** Emits a QR code, as Baileys does for an unlinked device. */
  showQr(qr: string): void {
    this.emitter.emit("connection.update", { qr, connection: "connecting" });
  }
  /** What Baileys does when the phone scans the QR: writes `creds.me` and emits `creds.update`. */
  pair(me: { id: string; lid?: string; name?: string }): void {
    this.config.auth.creds.me = me;
    this.emitter.emit("creds.update", { me });
  }
  /** Opens the connection as `me` (default: the paired identity). */
  open(me = this.config.auth.creds.me as { id: string; lid?: string; name?: string }): void {
    this.user = me;
    this.emitter.emit("connection.update", { connection: "open" });
  }
  /** Closes the connection with a Baileys status code (`DisconnectReason`). */
  close(statusCode: number, message = "Connection Failure"): void {
    const error = Object.assign(new Error(message), { output: { statusCode } });
    this.emitter.emit("connection.update", { connection: "close", lastDisconnect: { error, date: new Date() } });
  }
  /** Delivers messages as a `messages.upsert` notification. */
  deliver(...messages: WAMessage[]): void {
    this.emitter.emit("messages.upsert", { messages, type: "notify" });
  }
}

/** A socket factory recording every socket it made. */
export interface FakeSocketFactory {
  make: MakeWhatsAppSocket;
  sockets: FakeWASocket[];
  /** Resolves with the `n`-th socket made (1-based) once it exists. */
  socket(n: number): Promise<FakeWASocket>;
  /** Resolves once `pred()` holds, checked after every socket made and every send. */
  waitFor(pred: () => boolean): Promise<void>;
  /** Every send on every socket, in order. */
  sends(): FakeSend[];
}

/** Makes a {@link FakeSocketFactory}; `onCreate` runs on each new socket (e.g. open it when linked). */
export function fakeSocketFactory(onCreate?: (socket: FakeWASocket) => void): FakeSocketFactory {
  const sockets: FakeWASocket[] = [];
  const waiters: Array<{ pred: () => boolean; resolve: () => void }> = [];
  const check = () => {
    for (const w of [...waiters]) if (w.pred()) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  };
  const waitFor = (pred: () => boolean) => new Promise<void>((resolve) => (pred() ? resolve() : waiters.push({ pred, resolve })));
  return {
    sockets,
    make(config) {
      const socket = new FakeWASocket(config, check);
      sockets.push(socket);
      // Baileys emits its first events after network I/O, long after makeWASocket returned.
      setImmediate(() => {
        onCreate?.(socket);
        check();
      });
      return socket;
    },
    async socket(n) {
      await waitFor(() => sockets.length >= n);
      return sockets[n - 1]!;
    },
    waitFor,
    sends: () => sockets.flatMap((s) => s.sent),
  };
}

let counter = 0;
/** A text message as Baileys delivers it; `group` makes it a group message from `from`. */
export function waText(from: string, text: string, opts: { group?: string; mentions?: string[]; replyTo?: { id: string; participant: string }; pushName?: string; id?: string } = {}): WAMessage {
  const id = opts.id ?? `3A${Date.now().toString(16).toUpperCase()}${(++counter).toString(16).toUpperCase()}`;
  const key = opts.group ? { remoteJid: opts.group, fromMe: false, id, participant: from } : { remoteJid: from, fromMe: false, id };
  const contextInfo = opts.mentions || opts.replyTo
    ? { ...(opts.mentions && { mentionedJid: opts.mentions }), ...(opts.replyTo && { stanzaId: opts.replyTo.id, participant: opts.replyTo.participant, quotedMessage: { conversation: "…" } }) }
    : undefined;
  const message = contextInfo ? { extendedTextMessage: { text, contextInfo } } : { conversation: text };
  return { key, message, pushName: opts.pushName ?? "Ana", messageTimestamp: Math.floor(Date.now() / 1000) } as WAMessage;
}

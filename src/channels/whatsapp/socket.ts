/**
 * @module The seam between the WhatsApp adapter and Baileys: the part of `makeWASocket()`'s socket the adapter
 * uses ({@link WhatsAppSocket}), the factory that makes one ({@link MakeWhatsAppSocket}; Baileys by default,
 * an in-memory fake in tests — WhatsApp's Noise handshake cannot be faked cheaply), a quiet pino-shaped logger
 * over ours, and the close-code reading of `connection.update`.
 */
import type { AnyMessageContent, AuthenticationState, ConnectionState, MiscMessageGenerationOptions, WAMessage, WAMessageKey } from "@whiskeysockets/baileys";
import type { ChannelContext } from "../types.ts";

/** The events the adapter listens to, with Baileys' payloads. */
export interface WhatsAppSocketEvents {
  "connection.update": Partial<ConnectionState>;
  "creds.update": unknown;
  "messages.upsert": { messages: WAMessage[]; type: "notify" | "append" | string };
}

/** What the adapter needs of a Baileys socket. */
export interface WhatsAppSocket {
  ev: { on<E extends keyof WhatsAppSocketEvents>(event: E, listener: (payload: WhatsAppSocketEvents[E]) => void): void };
  /** Set once connected: our own JIDs and push name. */
  user?: { id: string; lid?: string; name?: string } | undefined;
  sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: "composing" | "paused" | "available" | "unavailable" | "recording", jid?: string): Promise<void>;
  readMessages(keys: WAMessageKey[]): Promise<void>;
  /** Unlinks this device on WhatsApp's side (the phone's "Linked devices" list). */
  logout(message?: string): Promise<void>;
  /** Closes the connection (`connection.update {connection: "close"}` follows). */
  end(error: Error | undefined): void;
}

/** What the adapter passes to the factory (a subset of Baileys' `SocketConfig`). */
export interface WhatsAppSocketConfig {
  auth: AuthenticationState;
  /** `[major, minor, patch]` of WhatsApp Web; Baileys' built-in one when absent. */
  version?: [number, number, number];
  /** Where to connect (`wss://web.whatsapp.com/ws/chat`); a loopback URL in the smoke test. */
  waWebSocketUrl?: string;
  log: ChannelContext["log"];
}

/** Makes a connected-or-connecting socket. */
export type MakeWhatsAppSocket = (config: WhatsAppSocketConfig) => WhatsAppSocket | Promise<WhatsAppSocket>;

/** Fetches the bytes of an inbound media message. */
export type DownloadWhatsAppMedia = (message: WAMessage, socket: WhatsAppSocket) => Promise<Uint8Array>;

/** Baileys' close codes the adapter acts on (`DisconnectReason`). */
export const CLOSE = { loggedOut: 401, connectionReplaced: 440, restartRequired: 515, timedOut: 408 } as const;

/** The status code and message of a `connection.update` close (`lastDisconnect.error` is a Boom error). */
export function closeReason(update: Partial<ConnectionState>): { code: number | undefined; message: string } {
  const error = update.lastDisconnect?.error as (Error & { output?: { statusCode?: number } }) | undefined;
  return { code: error?.output?.statusCode, message: error?.message ?? "connection closed" };
}

/** A pino-shaped logger (Baileys' `ILogger`) that forwards warnings and errors to ours and drops the chatter. */
function baileysLogger(log: ChannelContext["log"], bindings: Record<string, unknown> = {}) {
  const text = (obj: unknown, msg?: string) => msg ?? (typeof obj === "string" ? obj : (obj as { msg?: string })?.msg ?? "baileys");
  const fields = (obj: unknown) => ({ ...bindings, ...(obj && typeof obj === "object" ? { detail: String((obj as { err?: unknown }).err ?? "") || undefined } : {}) });
  const logger = {
    level: "warn",
    child: (more: Record<string, unknown>) => baileysLogger(log, { ...bindings, ...more }),
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: (obj: unknown, msg?: string) => log.warn(`baileys: ${text(obj, msg)}`, fields(obj)),
    error: (obj: unknown, msg?: string) => log.warn(`baileys: ${text(obj, msg)}`, fields(obj)),
  };
  return logger;
}

/** The real factory: Baileys' `makeWASocket`, imported on first use, without history sync or online presence. */
export const makeBaileysSocket: MakeWhatsAppSocket = async ({ auth, version, waWebSocketUrl, log }) => {
  const { makeWASocket, Browsers } = await import("@whiskeysockets/baileys");
  const socket = makeWASocket({
    auth,
    ...(version ? { version } : {}),
    ...(waWebSocketUrl ? { waWebSocketUrl } : {}),
    browser: Browsers.ubuntu("Mayros"),
    logger: baileysLogger(log),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
  });
  return socket as unknown as WhatsAppSocket;
};

/** The real media download: Baileys' `downloadMediaMessage` into a buffer. */
export const downloadBaileysMedia: DownloadWhatsAppMedia = async (message) => {
  const { downloadMediaMessage } = await import("@whiskeysockets/baileys");
  return downloadMediaMessage(message, "buffer", {});
};

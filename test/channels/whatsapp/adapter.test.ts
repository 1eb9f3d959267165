/**
 * @module The WhatsApp adapter on a fake Baileys socket, without a gateway: inbound media downloaded into the media
 * folder (and refused over the cap), outbound media captioned, read receipts when enabled, typing, close code 440
 * stopping instead of reconnect-fighting, and `logout` unlinking the device and wiping the stored session.
 */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "bun:sqlite";
import type { WAMessage } from "@whiskeysockets/baileys";
import { openDatabase } from "../../../src/store/db.ts";
import { createChannelAuthStore, type ChannelAuthStore } from "../../../src/channels/auth-store.ts";
import { createWhatsAppAdapter } from "../../../src/channels/whatsapp/index.ts";
import type { ChannelAdapter, ChannelStatus, InboundMessage } from "../../../src/channels/types.ts";
import { fakeSocketFactory, waText, type FakeSocketFactory } from "../../fakes/baileys-socket-fake.ts";
import { seedLinkedWhatsApp } from "../../helpers/whatsapp.ts";

const ANA = "15551110001@s.whatsapp.net";
let dir: string;
let db: Database;
let store: ChannelAuthStore;
let fake: FakeSocketFactory;
let inbound: InboundMessage[];
let statuses: ChannelStatus[];
let adapter: ChannelAdapter;
const waiters: Array<() => void> = [];
const until = (pred: () => boolean) => new Promise<void>((resolve) => { const check = () => (pred() ? resolve() : waiters.push(check)); check(); });
const notify = () => { for (const w of waiters.splice(0)) w(); };

async function start(options: Parameters<typeof createWhatsAppAdapter>[0] = {}): Promise<void> {
  adapter = createWhatsAppAdapter({ makeSocket: fake.make, downloadMedia: async () => new Uint8Array([1, 2, 3, 4]), backoff: { initialMs: 5, maxMs: 10 }, ...options });
  await adapter.start({
    onMessage: (m) => { inbound.push(m); notify(); },
    onStatus: (s) => { statuses.push(s); notify(); },
    signal: new AbortController().signal,
    log: { debug() {}, info() {}, warn() {} },
    auth: store,
    mediaDir: join(dir, "media"),
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mayros-wa-adapter-"));
  seedLinkedWhatsApp(dir);
  db = openDatabase(join(dir, "state.db"));
  store = createChannelAuthStore(db, "whatsapp", "default");
  fake = fakeSocketFactory((s) => s.open());
  inbound = [];
  statuses = [];
});
afterEach(async () => {
  await adapter.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const image = (id: string, fileLength?: number) => ({
  key: { remoteJid: ANA, fromMe: false, id },
  message: { imageMessage: { caption: "see this", mimetype: "image/png", ...(fileLength !== undefined && { fileLength }) } },
  messageTimestamp: 1_700_000_000,
}) as WAMessage;

describe("the WhatsApp adapter", () => {
  it("should connect with the stored creds and download inbound media into the media folder", async () => {
    await start();
    expect(adapter.status()).toMatchObject({ state: "connected", botId: "15550000000:4@s.whatsapp.net" });
    fake.sockets[0]!.deliver(image("IMG1"));
    await until(() => inbound.length === 1);
    const media = inbound[0]!.media![0]!;
    expect(media).toMatchObject({ kind: "image", mimeType: "image/png" });
    const path = fileURLToPath(media.url!);
    expect(path).toBe(join(dir, "media", "IMG1.png"));
    expect([...readFileSync(path)]).toEqual([1, 2, 3, 4]);
    expect(inbound[0]!.text).toBe("see this");
  });

  it("should not store media over the cap but still deliver the message", async () => {
    await start({ mediaMaxMb: 1 });
    fake.sockets[0]!.deliver(image("BIG1", 2 * 1024 * 1024));
    await until(() => inbound.length === 1);
    expect(inbound[0]!.media![0]!.url).toBeUndefined();
    expect(existsSync(join(dir, "media", "BIG1.png"))).toBe(false);
  });

  it("should send media with the text as caption, quote replies, show typing and send read receipts when enabled", async () => {
    await start({ sendReadReceipts: true });
    const socket = fake.sockets[0]!;
    const asked = waText(ANA, "a picture please");
    socket.deliver(asked);
    await until(() => inbound.length === 1);
    expect(socket.read.map((k) => k.id)).toEqual([asked.key.id]);
    await adapter.typing!({ accountId: "default", chatId: ANA });
    expect(socket.presence).toEqual([{ type: "composing", jid: ANA }]);
    await adapter.send({ accountId: "default", chatId: "+15551110001", replyToMessageId: asked.key.id! }, {
      text: "**here**", media: [{ kind: "image", url: "http://127.0.0.1:9/cat.png" }, { kind: "file", url: "http://127.0.0.1:9/a.pdf", name: "a.pdf" }],
    });
    expect(socket.sent).toEqual([
      { jid: ANA, content: { image: { url: "http://127.0.0.1:9/cat.png" }, caption: "*here*" }, quotedId: asked.key.id! },
      { jid: ANA, content: { document: { url: "http://127.0.0.1:9/a.pdf" }, mimetype: "application/octet-stream", fileName: "a.pdf" } },
    ]);
  });

  it("should stop on close code 440 (another session took over) instead of reconnecting", async () => {
    await start();
    fake.sockets[0]!.close(440, "Stream Errored (conflict)");
    await until(() => adapter.status().state === "error");
    expect(adapter.status().lastError).toContain("connection replaced");
    expect(fake.sockets).toHaveLength(1);
  });

  it("should unlink the device on logout and wipe the stored session", async () => {
    await start();
    expect(store.has("creds")).toBe(true);
    await adapter.logout!();
    expect(fake.sockets[0]!.loggedOut).toBe(true);
    expect(store.has("creds")).toBe(false);
    expect(store.has("key:session")).toBe(false);
  });
});

/**
 * @module The iMessage `imsg`-mode adapter against the fake `imsg` executable (a real child process speaking
 * line-delimited JSON-RPC on stdio): spawn argv, probe and subscribe, inbound notifications (also split across
 * writes), sends by chat_id / chat_guid / to with reply_to on the first chunk, error answers, and the child's
 * lifecycle — crash with a stderr tail, pending requests rejected, respawn with backoff, probe timeout, stop.
 */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import type { ChannelAdapter } from "../../../src/channels/types.ts";
import { createImsgAdapter, imsgSendTarget, type ImsgAdapterOptions } from "../../../src/channels/imessage/imsg/adapter.ts";
import { spawnImsg } from "../../../src/channels/imessage/imsg/process.ts";
import { imsgMessage, startImsgFake, type ImsgFake } from "../../fakes/imsg-fake.ts";
import { recordingContext } from "../slack/context.ts";

const ANA = "+15551110001";
const DM = 11;
const GROUP = 22;

describe("imsg adapter", () => {
  let fake: ImsgFake;
  let adapter: ChannelAdapter | undefined;
  const make = (options: Partial<ImsgAdapterOptions> = {}) =>
    (adapter = createImsgAdapter({ cliPath: fake.cliPath, botName: "Jarvis", backoff: { initialMs: 20, maxMs: 100 }, ...options }));
  const target = (chatId: string, replyToMessageId?: string) => ({ accountId: "default", chatId, ...(replyToMessageId ? { replyToMessageId } : {}) });

  beforeEach(() => {
    fake = startImsgFake();
  });
  afterEach(async () => {
    await adapter?.stop();
    adapter = undefined;
    fake.close();
  });

  it("should refuse a bare cliPath that is not on PATH, naming the field", () => {
    expect(() => createImsgAdapter({ cliPath: "mayros-no-such-imsg-binary", accountId: "work" })).toThrow(
      'channels.imessage.cliPath: "mayros-no-such-imsg-binary" not found on PATH (account work)',
    );
  });

  it("should address sends by chat_id, chat_guid or handle", () => {
    expect(imsgSendTarget("42")).toEqual({ chat_id: 42 });
    expect(imsgSendTarget("iMessage;+;chat123")).toEqual({ chat_guid: "iMessage;+;chat123" });
    expect(imsgSendTarget("+15551110001")).toEqual({ to: "+15551110001" });
    expect(imsgSendTarget("bea@icloud.test")).toEqual({ to: "bea@icloud.test" });
  });

  it("should spawn `imsg rpc --db <path>`, probe with chats.list, subscribe, then report connected", async () => {
    const rec = recordingContext();
    await make({ dbPath: "/Users/me/Library/Messages/chat.db" }).start(rec.ctx);
    expect(adapter!.status()).toMatchObject({ channel: "imessage", accountId: "default", state: "connected", botName: "Jarvis" });
    expect(rec.statuses.map((s) => s.state)).toEqual(["connecting", "connected"]);
    expect(fake.children.map((c) => c.argv)).toEqual([["rpc", "--db", "/Users/me/Library/Messages/chat.db"]]);
    expect(fake.requests.map(({ method, params }) => ({ method, params }))).toEqual([
      { method: "chats.list", params: { limit: 1 } },
      { method: "watch.subscribe", params: { attachments: true } },
    ]);
  });

  it("should deliver message notifications, dropping our own, also when lines are split across writes", async () => {
    const rec = recordingContext();
    await make().start(rec.ctx);
    fake.message(imsgMessage(DM, ANA, "sent by me", { is_from_me: true }));
    fake.message(imsgMessage(DM, ANA, "hello bot"));
    const first = await rec.message(1);
    expect(first).toMatchObject({ channel: "imessage", chatId: String(DM), chatType: "dm", senderId: ANA, text: "hello bot", mentionsBot: false });
    const group = imsgMessage(GROUP, ANA, "jarvis, status?", { group: true });
    const line = `${JSON.stringify({ jsonrpc: "2.0", method: "message", params: { subscription: 1, message: group } })}\n`;
    const other = `${JSON.stringify({ jsonrpc: "2.0", method: "message", params: { subscription: 1, message: imsgMessage(DM, ANA, "second") } })}\n`;
    fake.raw(line.slice(0, 25));
    fake.raw(line.slice(25) + other);
    expect(await rec.message(2)).toMatchObject({ chatId: String(GROUP), chatType: "group", mentionsBot: true, messageId: group.guid, text: "jarvis, status?" });
    expect((await rec.message(3)).text).toBe("second");
    expect(rec.messages).toHaveLength(3);
  });

  it("should send plain text chunks to the chat, with reply_to on the first chunk only, and return the guid", async () => {
    await make().start(recordingContext().ctx);
    const dm = await adapter!.send(target(String(DM), "imsg-in-7"), { text: "**Hello** [docs](https://x.test/d)" });
    expect(dm.messageId).toBe("imsg-out-1");
    const long = Array.from({ length: 90 }, (_, i) => `Sentence ${i} of a long answer goes on for a while.`).join(" ");
    await adapter!.send(target("iMessage;+;chat22", "imsg-in-8"), { text: long, media: [{ kind: "image", url: "https://x.test/a.png", name: "a.png" }] });
    await adapter!.send(target(ANA), { text: "to a handle" });
    const sends = fake.sends;
    expect(sends[0]).toEqual({ chat_id: DM, text: "Hello docs (https://x.test/d)", reply_to: "imsg-in-7" });
    const group = sends.slice(1, -1);
    expect(group.length).toBeGreaterThanOrEqual(3);
    expect(group.every((s) => s.chat_guid === "iMessage;+;chat22" && s.text.length <= 2000)).toBe(true);
    expect(group[0]!.reply_to).toBe("imsg-in-8");
    expect(group.slice(1).every((s) => s.reply_to === undefined)).toBe(true);
    expect(group.at(-1)!.text).toBe("a.png: https://x.test/a.png");
    expect(group.slice(0, -1).map((s) => s.text).join(" ")).toBe(long);
    expect(sends.at(-1)).toEqual({ to: ANA, text: "to a handle" });
  });

  it("should reject a send answered with an error, and any send while imsg is not running", async () => {
    await expect(make().send(target("1"), { text: "early" })).rejects.toThrow("imsg is not running");
    await adapter!.start(recordingContext().ctx);
    fake.failNext("send", -32000, "Messages.app automation not permitted");
    await expect(adapter!.send(target("1"), { text: "x" })).rejects.toThrow("imsg send: Messages.app automation not permitted (code -32000)");
    expect((await adapter!.send(target("1"), { text: "y" })).messageId).toBe("imsg-out-1");
  });

  it("should report a crash as disconnected with the stderr tail, reject the pending send, and respawn", async () => {
    const rec = recordingContext();
    await make().start(rec.ctx);
    fake.withholdNext("send");
    const pending = adapter!.send(target("1"), { text: "lost" });
    await fake.waitFor(() => fake.sends.length === 1);
    const from = rec.statuses.length;
    fake.crash(1, "warming up\nError: unable to open database file: ~/Library/Messages/chat.db\n");
    await expect(pending).rejects.toThrow("imsg exited with code 1: warming up | Error: unable to open database file");
    const down = await rec.status("disconnected", from);
    expect(down.lastError).toBe("imsg exited with code 1: warming up | Error: unable to open database file: ~/Library/Messages/chat.db");
    await rec.status("connected", from);
    expect(fake.children.map((c) => c.alive)).toEqual([false, true]);
    await adapter!.send(target("1"), { text: "after" });
    expect(fake.requests.filter((r) => r.method === "send").map((r) => [r.child, r.params.text])).toEqual([[1, "lost"], [2, "after"]]);
  });

  it("should keep respawning with backoff while imsg fails at start, and connect once it works", async () => {
    fake.down("imsg: permission denied (grant Full Disk Access)\n");
    const rec = recordingContext();
    await make().start(rec.ctx);
    expect(adapter!.status()).toMatchObject({ state: "disconnected", lastError: "imsg exited with code 1: imsg: permission denied (grant Full Disk Access)" });
    await fake.waitFor(() => fake.children.length >= 3);
    fake.up();
    await rec.status("connected");
    expect(fake.children.filter((c) => c.alive)).toHaveLength(1);
    expect(rec.statuses.filter((s) => s.state === "disconnected").length).toBeGreaterThanOrEqual(2);
  });

  it("should time out an unanswered probe, kill that child and connect with a new one", async () => {
    fake.withholdNext("chats.list");
    const rec = recordingContext();
    await make({ requestTimeoutMs: 150 }).start(rec.ctx);
    expect(adapter!.status()).toMatchObject({ state: "disconnected", lastError: "imsg chats.list: no answer within 150 ms" });
    await rec.status("connected");
    await fake.waitFor(() => !fake.children[0]!.alive);
    // Only the first probe was withheld; on a loaded machine a later spawn may also miss the 150 ms, and is then
    // killed and replaced the same way: every child but the connected last one is dead.
    expect(fake.children.length).toBeGreaterThanOrEqual(2);
    expect(fake.children.map((c) => c.alive)).toEqual([...fake.children.slice(1).map(() => false), true]);
  });

  it("should report a missing executable path as disconnected", async () => {
    await make({ cliPath: "/nonexistent/mayros-test/imsg", backoff: { initialMs: 60_000 } }).start(recordingContext().ctx);
    expect(adapter!.status().state).toBe("disconnected");
    expect(adapter!.status().lastError).toMatch(/^imsg: .*(ENOENT|no such file)/i);
  });

  it("should kill the child on stop and not respawn it", async () => {
    const rec = recordingContext();
    await make().start(rec.ctx);
    await adapter!.stop();
    expect(adapter!.status().state).toBe("stopped");
    await fake.waitFor(() => !fake.children[0]!.alive);
    expect(fake.children).toHaveLength(1);
    expect(rec.statuses.at(-1)!.state).toBe("stopped");
    await adapter!.stop(); // idempotent
    expect(rec.statuses.filter((s) => s.state === "stopped")).toHaveLength(1);
  });

  it("should stop when the gateway aborts the context", async () => {
    const rec = recordingContext();
    await make().start(rec.ctx);
    rec.controller.abort();
    await rec.status("stopped", 1);
    await fake.waitFor(() => !fake.children[0]!.alive);
  });
});

describe("imsg process", () => {
  it("should reject pending requests and report the exit once when the child exits on its own", async () => {
    const fake = startImsgFake();
    try {
      const exits: string[] = [];
      let resolveExit!: () => void;
      const exited = new Promise<void>((r) => { resolveExit = r; });
      const proc = spawnImsg({ cliPath: fake.cliPath, onNotification() {}, onExit: (e) => { exits.push(e.message); resolveExit(); } });
      fake.withholdNext("chats.list");
      const probe = proc.request("chats.list", {});
      await fake.waitFor(() => fake.requests.length === 1);
      fake.crash(3, "");
      await expect(probe).rejects.toThrow("imsg exited with code 3");
      await exited;
      await proc.kill(); // already gone: resolves
      expect(exits).toEqual(["imsg exited with code 3"]);
      await expect(proc.request("chats.list", {})).rejects.toThrow("imsg exited with code 3");
    } finally {
      fake.close();
    }
  });

  it("should name the signal when the child is killed", async () => {
    const fake = startImsgFake();
    try {
      let exit!: (m: string) => void;
      const exited = new Promise<string>((r) => { exit = r; });
      spawnImsg({ cliPath: fake.cliPath, onNotification() {}, onExit: (e) => exit(e.message) });
      await fake.waitFor(() => fake.children.length === 1);
      fake.kill();
      expect(await exited).toBe("imsg was killed by SIGKILL");
    } finally {
      fake.close();
    }
  });
});

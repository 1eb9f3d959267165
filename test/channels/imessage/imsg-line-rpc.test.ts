/**
 * @module The line-delimited JSON-RPC client of `imsg` mode with an in-memory transport: request framing and ids,
 * responses matched by id (out of order, string ids), partial lines and split UTF-8, several lines per chunk,
 * error answers, notifications, invalid lines, timeouts, write failures and close.
 */
import { describe, expect, it } from "bun:test";
import { createLineRpc, LineRpcError } from "../../../src/channels/imessage/imsg/line-rpc.ts";

function harness(timeoutMs?: number) {
  const written: string[] = [];
  const notifications: Array<[string, unknown]> = [];
  const invalid: Array<[string, string]> = [];
  let failWrite = false;
  const rpc = createLineRpc({
    name: "imsg",
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    write(line) {
      if (failWrite) throw new Error("EPIPE");
      written.push(line);
    },
    onNotification: (method, params) => notifications.push([method, params]),
    onInvalid: (line, reason) => invalid.push([line, reason]),
  });
  const sent = () => written.map((l) => JSON.parse(l) as { id: number; method: string; params?: unknown });
  return { rpc, written, sent, notifications, invalid, breakWrites: () => { failWrite = true; } };
}

describe("imsg line JSON-RPC", () => {
  it("should frame each request as one JSON-RPC 2.0 line with increasing ids", async () => {
    const h = harness();
    const answers = [h.rpc.request("chats.list", { limit: 1 }), h.rpc.request("watch.subscribe")].map((p) => p.catch((e: Error) => e.message));
    expect(h.written.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    expect(h.sent()).toEqual([
      { jsonrpc: "2.0", id: 1, method: "chats.list", params: { limit: 1 } } as never,
      { jsonrpc: "2.0", id: 2, method: "watch.subscribe" } as never,
    ]);
    expect(h.rpc.pending).toBe(2);
    h.rpc.close(new Error("test over"));
    expect(await Promise.all(answers)).toEqual(["test over", "test over"]);
  });

  it("should match responses by id in any order, including string ids", async () => {
    const h = harness();
    const a = h.rpc.request("send", { to: "+1", text: "a" });
    const b = h.rpc.request("send", { to: "+1", text: "b" });
    h.rpc.feed(`{"jsonrpc":"2.0","id":"2","result":{"guid":"B"}}\n{"jsonrpc":"2.0","id":1,"result":{"guid":"A"}}\n`);
    expect(await a).toEqual({ guid: "A" });
    expect(await b).toEqual({ guid: "B" });
    expect(h.rpc.pending).toBe(0);
  });

  it("should buffer partial lines across chunks, accept CRLF and keep a UTF-8 character split between chunks", async () => {
    const h = harness();
    const reply = h.rpc.request("chats.list");
    const line = `{"jsonrpc":"2.0","method":"message","params":{"message":{"text":"héllo 👋"}}}\r\n{"jsonrpc":"2.0","id":1,"result":{"chats":[]}}\n`;
    const bytes = new TextEncoder().encode(line);
    const wave = line.indexOf("👋");
    const cut = new TextEncoder().encode(line.slice(0, wave)).length + 2; // inside the 4-byte emoji
    h.rpc.feed(bytes.slice(0, 10));
    expect(h.notifications).toHaveLength(0);
    h.rpc.feed(bytes.slice(10, cut));
    h.rpc.feed(bytes.slice(cut));
    expect(h.notifications).toEqual([["message", { message: { text: "héllo 👋" } }]]);
    expect(await reply).toEqual({ chats: [] });
    expect(h.invalid).toEqual([]);
  });

  it("should reject an error answer with a LineRpcError naming the method, message and code", async () => {
    const h = harness();
    const p = h.rpc.request("send", { chat_id: 7, text: "x" });
    h.rpc.feed(`{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"chat not found","data":{"chat_id":7}}}\n`);
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LineRpcError);
    expect(err).toMatchObject({ method: "send", code: -32000, data: { chat_id: 7 }, message: "imsg send: chat not found (code -32000)" });
  });

  it("should skip blank lines and report lines that are not JSON-RPC objects or answer nothing pending", () => {
    const h = harness();
    h.rpc.feed(`\n   \nnot json\n[1,2]\n{"jsonrpc":"2.0"}\n{"jsonrpc":"2.0","id":99,"result":{}}\n{"jsonrpc":"2.0","method":"error","params":{"message":"db locked"}}\n`);
    expect(h.invalid.map(([line, reason]) => [line, reason])).toEqual([
      ["not json", "not JSON"],
      ["[1,2]", "not a JSON object"],
      [`{"jsonrpc":"2.0"}`, "neither a response nor a notification"],
      [`{"jsonrpc":"2.0","id":99,"result":{}}`, "no pending request with id 99"],
    ]);
    expect(h.notifications).toEqual([["error", { message: "db locked" }]]);
  });

  it("should time a request out, and treat its late answer as unknown", async () => {
    const h = harness(20);
    const err = await h.rpc.request("send", { to: "+1", text: "slow" }).then(() => undefined, (e: Error) => e);
    expect(err?.message).toBe("imsg send: no answer within 20 ms");
    expect(h.rpc.pending).toBe(0);
    h.rpc.feed(`{"jsonrpc":"2.0","id":1,"result":{"ok":true}}\n`);
    expect(h.invalid.map(([, reason]) => reason)).toEqual(["no pending request with id 1"]);
  });

  it("should reject a request whose write fails", async () => {
    const h = harness();
    h.breakWrites();
    await expect(h.rpc.request("chats.list")).rejects.toThrow("imsg chats.list: write failed: EPIPE");
    expect(h.rpc.pending).toBe(0);
  });

  it("should reject pending and later requests with the close reason", async () => {
    const h = harness();
    const pending = h.rpc.request("watch.subscribe");
    h.rpc.close(new Error("imsg exited with code 1: boom"));
    h.rpc.close(new Error("second reason is ignored"));
    await expect(pending).rejects.toThrow("imsg exited with code 1: boom");
    await expect(h.rpc.request("send", { to: "+1", text: "x" })).rejects.toThrow("imsg exited with code 1: boom");
    expect(h.written).toHaveLength(1);
  });
});

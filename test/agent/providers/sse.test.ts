import { describe, expect, it } from "bun:test";
import { parseSse, type SseEvent } from "../../../src/agent/providers/sse.ts";
import { chunkedBody } from "./helpers.ts";

async function parse(chunks: Array<string | Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of parseSse(chunkedBody(chunks))) events.push(event);
  return events;
}

describe("parseSse", () => {
  it("should parse event and data fields of LF-framed events", async () => {
    expect(await parse(["event: ping\ndata: {}\n\nevent: message_stop\ndata: {\"a\":1}\n\n"])).toEqual([
      { event: "ping", data: "{}" },
      { event: "message_stop", data: '{"a":1}' },
    ]);
  });

  it("should join frames split anywhere across chunks", async () => {
    const text = "event: content_block_delta\ndata: {\"text\":\"Hello\"}\n\ndata: second\n\n";
    for (let cut = 1; cut < text.length; cut++) {
      expect(await parse([text.slice(0, cut), text.slice(cut)])).toEqual([
        { event: "content_block_delta", data: '{"text":"Hello"}' },
        { data: "second" },
      ]);
    }
    expect(await parse(text.split(""))).toHaveLength(2);
  });

  it("should accept CRLF and lone CR line ends, also when CR and LF arrive in different chunks", async () => {
    expect(await parse(["event: a\r\ndata: 1\r\n\r\n", "data: 2\r", "\n\r", "\ndata: 3\r\r"])).toEqual([
      { event: "a", data: "1" },
      { data: "2" },
      { data: "3" },
    ]);
  });

  it("should join multi-line data with newlines", async () => {
    expect(await parse(["data: first\ndata:second\ndata\ndata:  indented\n\n"])).toEqual([{ data: "first\nsecond\n\n indented" }]);
  });

  it("should skip comments and frames without data", async () => {
    expect(await parse([": keep-alive\n\n", ":OPENROUTER PROCESSING\n", "event: lonely\n\n", "retry: 10\nid: 7\ndata: x\n\n"])).toEqual([
      { data: "x", id: "7" },
    ]);
  });

  it("should decode a UTF-8 character split across chunks and drop a leading BOM", async () => {
    const bytes = new TextEncoder().encode("\uFEFFdata: héllo ✓\n\n");
    // Cuts at 11 and 17 fall inside "é" (bytes 10-11) and "✓" (bytes 16-18).
    expect(await parse([bytes.slice(0, 11), bytes.slice(11, 17), bytes.slice(17)])).toEqual([{ data: "héllo ✓" }]);
  });

  it("should dispatch complete lines at end of stream but drop a half-received line", async () => {
    expect(await parse(["data: [DONE]\n"])).toEqual([{ data: "[DONE]" }]);
    expect(await parse(["data: whole\n\ndata: {\"trunc"])).toEqual([{ data: "whole" }]);
  });

  it("should stop at once and throw the abort reason when the signal aborts", async () => {
    let cancelled: unknown = "not cancelled";
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data: one\n\n"));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const controller = new AbortController();
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const event of parseSse(body, { signal: controller.signal })) {
        seen.push(event.data);
        controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual(["one"]);
    expect((caught as Error).name).toBe("AbortError");
    expect((cancelled as Error).name).toBe("AbortError");
  });

  it("should throw an already-aborted signal's reason before reading", async () => {
    const reason = new Error("gone");
    const iterator = parseSse(chunkedBody(["data: x\n\n"]), { signal: AbortSignal.abort(reason) });
    await expect(iterator.next()).rejects.toBe(reason);
  });

  it("should cancel the body when the consumer stops early", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("data: again\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of parseSse(body)) if (event.data === "again") break;
    expect(cancelled).toBe(true);
  });
});

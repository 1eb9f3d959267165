/**
 * @module A Server-Sent Events parser over a byte stream (WHATWG `text/event-stream` framing):
 * blank-line framing, CRLF/LF/CR line ends, `event:`, multi-line `data:`, `id:`, `:` comments.
 * It serves Anthropic, OpenAI and every compatible endpoint (agent.md §8: no SDKs).
 */

/** One dispatched SSE event. */
export interface SseEvent {
  /** The `event:` field, when the frame had one. */
  event?: string;
  /** The `data:` lines of the frame joined with `\n`. */
  data: string;
  /** The `id:` field, when the frame had one. */
  id?: string;
}

/** Options of {@link parseSse}. */
export interface ParseSseOptions {
  /** Aborting stops reading at once: the body is cancelled and the iterator throws `signal.reason`. */
  signal?: AbortSignal;
}

/** Incremental frame assembly: feed decoded text, collect complete events. */
class SseFramer {
  private buffer = "";
  private pendingCr = false;
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private started = false;

  /** Feeds decoded text and returns the events completed by it. */
  push(text: string): SseEvent[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.line(this.buffer.slice(start, i), out);
      if (ch === 13) {
        if (i + 1 === this.buffer.length) this.pendingCr = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /**
   * At end of stream: a frame whose lines all arrived but whose closing blank line did not is still
   * dispatched; a half-received last line is dropped.
   */
  finish(): SseEvent[] {
    const out: SseEvent[] = [];
    this.buffer = "";
    this.dispatch(out);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === "") return this.dispatch(out);
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.id = value;
    // `retry:` and unknown fields are ignored.
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data.length > 0) {
      const event: SseEvent = { data: this.data.join("\n") };
      if (this.event !== undefined && this.event !== "") event.event = this.event;
      if (this.id !== undefined) event.id = this.id;
      out.push(event);
    }
    this.data = [];
    this.event = undefined;
  }
}

/**
 * Parses an SSE byte stream into events, in order, as bytes arrive. Frames may be split anywhere
 * across chunks (also inside a UTF-8 character). Frames without `data:` are not dispatched. Ends
 * when the stream ends; breaking out of the loop cancels the stream (closing the connection).
 *
 * @param body The response body.
 * @param options `signal`: abort stops reading and throws `signal.reason` (an `AbortError`).
 * @throws Whatever reading the body throws (a cut connection), or `signal.reason` on abort.
 * @example
 * for await (const { event, data } of parseSse(response.body!, { signal })) console.log(event, data);
 */
export async function* parseSse(
  body: ReadableStream<Uint8Array>,
  options: ParseSseOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const { signal } = options;
  signal?.throwIfAborted();
  const reader = body.getReader();
  const onAbort = (): void => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  const decoder = new TextDecoder("utf-8");
  const framer = new SseFramer();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) break;
      yield* framer.push(decoder.decode(value, { stream: true }));
      signal?.throwIfAborted();
    }
    finished = true;
    framer.push(decoder.decode());
    yield* framer.finish();
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

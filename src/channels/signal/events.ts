/**
 * @module The inbound side of a `signal-cli` HTTP daemon: one `GET <url>/api/v1/events` Server-Sent Events
 * stream read with {@link parseSse}; each event's `data` is a JSON `{envelope, account}`. Reconnecting is
 * the adapter's job: this reports the end of the stream once.
 */
import { parseSse } from "../../agent/providers/sse.ts";

/** An open event stream. */
export interface SignalEventStream {
  /** Closes the stream without calling `onEnd`. */
  close(): void;
}

/** Callbacks of one stream. */
export interface SignalEventHandlers {
  /** Every event whose `data` parsed as a JSON object. */
  onEvent(payload: Record<string, unknown>): void;
  /** The stream ended or failed after it opened (called at most once, never after `close()`). */
  onEnd(reason: string): void;
}

/**
 * Opens the events stream and resolves once the daemon answered 200.
 * @param account Passed as `?account=` (multi-account daemons).
 * @throws {Error} `signal events: HTTP <status>` on a non-200 answer; network errors (refused) as fetch throws them.
 */
export async function openSignalEvents(baseUrl: string, account: string | undefined, handlers: SignalEventHandlers): Promise<SignalEventStream> {
  const controller = new AbortController();
  const url = `${baseUrl}/api/v1/events${account ? `?account=${encodeURIComponent(account)}` : ""}`;
  const res = await fetch(url, { headers: { accept: "text/event-stream" }, signal: controller.signal });
  if (res.status !== 200 || !res.body) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`signal events: HTTP ${res.status}`);
  }
  let closed = false;
  const body = res.body;
  void (async () => {
    let reason = "stream ended";
    try {
      for await (const ev of parseSse(body, { signal: controller.signal })) {
        if (closed) return;
        let payload: unknown;
        try {
          payload = JSON.parse(ev.data);
        } catch {
          continue;
        }
        if (payload && typeof payload === "object") handlers.onEvent(payload as Record<string, unknown>);
      }
    } catch (err) {
      reason = `stream failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (!closed) {
      closed = true;
      handlers.onEnd(reason);
    }
  })();
  return {
    close() {
      closed = true;
      controller.abort();
    },
  };
}

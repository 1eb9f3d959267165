/**
 * @module One Slack Socket Mode connection over the global WebSocket: waits for `hello`, acks every
 * envelope with `{envelope_id}` before handing its payload on, and reports the end of the connection
 * once (a `disconnect` envelope, a close, or an error). Reconnecting is the connection loop's job.
 */

/** A Socket Mode envelope as sent by Slack. */
export interface SocketEnvelope {
  type: string;
  envelope_id?: string;
  payload?: Record<string, unknown>;
  reason?: string;
  retry_attempt?: number;
  retry_reason?: string;
}

/** Callbacks of one connection. */
export interface SocketHandlers {
  /** Every envelope except `hello` and `disconnect`, after it was acked. */
  onEnvelope(envelope: SocketEnvelope): void;
  /** The connection ended after `hello` (called at most once, never after `close()`). */
  onEnd(reason: string): void;
}

/** An open Socket Mode connection. */
export interface SocketConnection {
  /** Closes the socket without calling `onEnd`. */
  close(): void;
}

/** How long to wait for `hello` after opening the socket. */
export const HELLO_TIMEOUT_MS = 10_000;

/**
 * Opens `url` and resolves once Slack said `hello`.
 * @throws {Error} `Socket Mode connection failed: …` when the socket closes, errors or times out before `hello`.
 */
export function connectSocketMode(url: string, handlers: SocketHandlers, helloTimeoutMs = HELLO_TIMEOUT_MS): Promise<SocketConnection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let phase: "opening" | "open" | "ended" = "opening";
    const fail = (why: string) => {
      if (phase === "opening") {
        phase = "ended";
        clearTimeout(timer);
        reject(new Error(`Socket Mode connection failed: ${why}`));
      } else if (phase === "open") {
        phase = "ended";
        handlers.onEnd(why);
      }
      try {
        ws.close();
      } catch {
        // already closed
      }
    };
    const timer = setTimeout(() => fail("no hello"), helloTimeoutMs);
    const connection: SocketConnection = {
      close() {
        phase = "ended";
        clearTimeout(timer);
        ws.close(1000);
      },
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (phase === "ended") return;
      let envelope: SocketEnvelope;
      try {
        envelope = JSON.parse(String(ev.data)) as SocketEnvelope;
      } catch {
        return;
      }
      if (envelope.envelope_id) ws.send(JSON.stringify({ envelope_id: envelope.envelope_id }));
      if (envelope.type === "hello") {
        if (phase !== "opening") return;
        phase = "open";
        clearTimeout(timer);
        resolve(connection);
      } else if (envelope.type === "disconnect") {
        fail(`disconnect${envelope.reason ? ` (${envelope.reason})` : ""}`);
      } else if (phase === "open") {
        handlers.onEnvelope(envelope);
      }
    };
    ws.onerror = () => fail("socket error");
    ws.onclose = (ev: CloseEvent) => fail(`socket closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ""})`);
  });
}

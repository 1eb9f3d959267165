/**
 * @module Slack HTTP Events API endpoint: verifies `X-Slack-Signature` (HMAC-SHA256 over
 * `v0:<timestamp>:<raw body>`, constant-time) and rejects timestamps more than 5 minutes away with
 * 401, echoes `url_verification` challenges, and acks `event_callback`s with 200 at once while the
 * event is processed asynchronously; retries of an `event_id` already seen are acked, not redelivered.
 */
import { safeEqual } from "../../crypto/primitives.ts";

/** Largest accepted clock difference for `X-Slack-Request-Timestamp`, in seconds. */
export const MAX_SIGNATURE_AGE_S = 5 * 60;

/**
 * Checks a Slack request signature.
 * @param signingSecret The app's signing secret.
 * @param timestamp The `X-Slack-Request-Timestamp` header (seconds).
 * @param rawBody The request body exactly as received.
 * @param signature The `X-Slack-Signature` header (`v0=<hex>`).
 * @param nowMs Current time. Default: `Date.now()`.
 */
export function verifySlackSignature(
  signingSecret: string,
  timestamp: string | null,
  rawBody: string,
  signature: string | null,
  nowMs = Date.now(),
): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_S) return false;
  const expected = "v0=" + new Bun.CryptoHasher("sha256", signingSecret).update(`v0:${timestamp}:${rawBody}`).digest("hex");
  return safeEqual(signature, expected);
}

/** Remembers the last `size` keys (insertion order) to drop duplicates. */
export class RecentKeys {
  readonly #keys = new Set<string>();
  constructor(private readonly size = 1000) {}
  /** Adds `key`; returns false when it was already present. */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.size) this.#keys.delete(this.#keys.values().next().value as string);
    return true;
  }
}

/** What the HTTP endpoint needs from the adapter. */
export interface EventsEndpointOptions {
  signingSecret: string;
  /** Receives each new `event_callback` body after the 200 was produced. */
  onEvent(body: Record<string, unknown>): void;
  /** False before `start()` / after `stop()`: the endpoint answers 503 then. */
  isRunning(): boolean;
  log?: { debug(msg: string, f?: Record<string, unknown>): void };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Builds the `Request → Response` handler for the Events API request URL. */
export function createEventsEndpoint(opts: EventsEndpointOptions): (req: Request) => Promise<Response> {
  const seen = new RecentKeys();
  return async function eventsHandler(req: Request): Promise<Response> {
    if (req.method !== "POST") return json({ ok: false, error: "method_not_allowed" }, 405);
    const rawBody = await req.text();
    const ok = verifySlackSignature(
      opts.signingSecret,
      req.headers.get("x-slack-request-timestamp"),
      rawBody,
      req.headers.get("x-slack-signature"),
    );
    if (!ok) return json({ ok: false, error: "invalid_signature" }, 401);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      return json({ ok: false, error: "invalid_json" }, 400);
    }
    if (body.type === "url_verification") return json({ challenge: body.challenge });
    if (body.type !== "event_callback") return json({ ok: true });
    if (!opts.isRunning()) return json({ ok: false, error: "not_running" }, 503);
    const eventId = typeof body.event_id === "string" ? body.event_id : undefined;
    if (eventId && !seen.add(eventId)) {
      opts.log?.debug("slack retry dropped", { eventId, retryNum: req.headers.get("x-slack-retry-num") });
      return json({ ok: true });
    }
    queueMicrotask(() => opts.onEvent(body));
    return json({ ok: true });
  };
}

/**
 * @module The inbound side: BlueBubbles POSTs its webhook events to the gateway at
 * `POST /channels/imessage/webhook` (`/channels/imessage/<accountId>/webhook` for other accounts).
 * A request is accepted when its `?password=` query equals the BlueBubbles server password, or its
 * `x-mayros-token` header equals `webhookSecret` (when one is set); both compared in constant time.
 * Anything else is answered 401 before the body is read.
 */
import { safeEqual } from "../../crypto/primitives.ts";
import type { BlueBubblesEvent } from "./normalize.ts";

/** What {@link createWebhookHandler} needs. */
export interface WebhookOptions {
  /** The BlueBubbles server password (accepted as `?password=`). */
  password: string;
  /** Accepted as the `x-mayros-token` header. */
  webhookSecret?: string;
  /** Called with every parsed event of an authenticated request. */
  onEvent(event: BlueBubblesEvent): void;
}

/** Constant-time string equality (false for an empty expected value). */
export function sameSecret(given: string | null | undefined, expected: string | undefined): boolean {
  if (!expected || given === null || given === undefined) return false;
  return safeEqual(given, expected);
}

/** Whether `req` carries one of the shared secrets. */
export function isAuthorized(req: Request, opts: Pick<WebhookOptions, "password" | "webhookSecret">): boolean {
  const query = new URL(req.url).searchParams.get("password");
  return sameSecret(query, opts.password) || sameSecret(req.headers.get("x-mayros-token"), opts.webhookSecret);
}

/**
 * Creates the webhook handler: 401 without a secret, 400 on a body that is not a JSON object,
 * otherwise 200 `{ok: true}` after handing the event to `onEvent` (which must not block).
 */
export function createWebhookHandler(opts: WebhookOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    if (!isAuthorized(req, opts)) return Response.json({ error: "unauthorized" }, { status: 401 });
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return Response.json({ error: "invalid JSON" }, { status: 400 });
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) return Response.json({ error: "expected a JSON object" }, { status: 400 });
    opts.onEvent(body as BlueBubblesEvent);
    return Response.json({ ok: true });
  };
}

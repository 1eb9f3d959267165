/**
 * @module A fetch-based client for the BlueBubbles server REST API (`<serverUrl>/api/v1/…?password=…`):
 * `GET ping` (reachability at start) and `POST message/text` (send). Answers are `{status, message, data}`;
 * anything but HTTP 2xx with `status: 200` becomes a {@link BlueBubblesError}.
 */

/** How BlueBubbles delivers a message: through its Private API helper (needed for replies) or AppleScript. */
export type BlueBubblesSendMethod = "private-api" | "apple-script";

/** A failed BlueBubbles request (HTTP or API-level). */
export class BlueBubblesError extends Error {
  constructor(
    /** The API path that failed, e.g. `message/text`. */
    readonly endpoint: string,
    message: string,
    /** The HTTP status (or the body's `status`). */
    readonly status?: number,
  ) {
    super(`bluebubbles ${endpoint}: ${message}`);
    this.name = "BlueBubblesError";
  }
}

/** The body of `POST /api/v1/message/text`. */
export interface BlueBubblesSendText {
  chatGuid: string;
  message: string;
  /** Client-side id BlueBubbles echoes back; unique per send. */
  tempGuid: string;
  method: BlueBubblesSendMethod;
  /** The message this one replies to (Private API only). */
  selectedMessageGuid?: string;
}

/** A client bound to one server. */
export interface BlueBubblesRest {
  /** Resolves when the server answers the ping. @throws {BlueBubblesError} or a fetch network error. */
  ping(): Promise<void>;
  /** Sends a text and resolves with the new message's guid. @throws {BlueBubblesError} or a fetch network error. */
  sendText(body: BlueBubblesSendText): Promise<{ guid: string }>;
}

/**
 * Creates a client for the server at `baseUrl` (no trailing `/`), authenticating with `password`.
 */
export function createBlueBubblesRest(baseUrl: string, password: string): BlueBubblesRest {
  const urlOf = (endpoint: string) => `${baseUrl}/api/v1/${endpoint}?password=${encodeURIComponent(password)}`;

  async function request<T>(endpoint: string, init: RequestInit): Promise<T> {
    const res = await fetch(urlOf(endpoint), init);
    const text = await res.text();
    let body: { status?: number; message?: string; error?: { message?: string }; data?: unknown } | undefined;
    try {
      body = text ? (JSON.parse(text) as typeof body) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok || (body?.status !== undefined && body.status !== 200)) {
      const why = body?.error?.message ?? body?.message ?? `HTTP ${res.status}`;
      throw new BlueBubblesError(endpoint, res.ok ? why : `HTTP ${res.status}${why !== `HTTP ${res.status}` ? ` (${why})` : ""}`, body?.status ?? res.status);
    }
    return body?.data as T;
  }

  return {
    async ping() {
      await request("ping", { method: "GET" });
    },
    async sendText(body) {
      const data = await request<{ guid?: string } | undefined>("message/text", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { guid: data?.guid ?? "" };
    },
  };
}

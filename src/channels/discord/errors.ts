/**
 * @module Error texts for the Discord adapter: a REST rejection (`DiscordAPIError`, "they said no") reads
 * `Call to 'createMessage' failed (403: Missing Access)`; a network failure keeps its own message. Tokens never appear.
 */

/** Gateway close codes after which discord.js does not reconnect by itself. */
const CLOSE_CODES: Record<number, string> = {
  4004: "authentication failed (check channels.discord.token)",
  4010: "invalid shard",
  4011: "sharding required",
  4012: "invalid API version",
  4013: "invalid intents",
  4014: "disallowed intents (enable the Message Content intent in the developer portal)",
};

/** Describes a gateway close code. */
export function describeCloseCode(code: number): string {
  return `gateway closed (${code}${CLOSE_CODES[code] ? `: ${CLOSE_CODES[code]}` : ""})`;
}

/** A short message for any thrown value; REST errors (`DiscordAPIError`, `HTTPError`) read `503: Service Unavailable`. */
export function describeError(error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status;
  const message = error instanceof Error ? error.message || error.name : String(error);
  return typeof status === "number" && !message.startsWith(`${status}`) ? `${status}: ${message}` : message;
}

/**
 * Wraps a failed REST call, naming it; the original error is the `cause`.
 * @param call Discord API method name, e.g. `createMessage`.
 */
export function requestError(call: string, error: unknown): Error {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === "number") {
    // DiscordAPIError (a JSON rejection) or HTTPError (a 5xx without a Discord body): the service answered.
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`Call to '${call}' failed (${status}: ${message})`, { cause: error });
  }
  return new Error(`Call to '${call}' failed: ${describeError(error)}`, { cause: error });
}

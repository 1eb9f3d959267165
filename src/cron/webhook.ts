/** @module Cron `delivery.mode: "webhook"`: POSTs a finished agent-turn run to `delivery.to`, with the `cron.webhookToken` bearer. */

/** What a webhook receives. */
export interface CronWebhookPayload {
  jobId: string;
  name: string;
  status: "ok" | "error";
  summary?: string;
  text?: string;
  error?: string;
  finishedAtMs: number;
}

/** How long a webhook may take. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Creates the poster used by the cron executor.
 * @throws {Error} naming the URL and status when the receiver does not answer 2xx.
 */
export function createWebhookPoster(token: string | undefined, fetchImpl: typeof fetch = fetch): (url: string, payload: CronWebhookPayload) => Promise<void> {
  return async function postCronWebhook(url, payload) {
    if (!/^https?:\/\//i.test(url)) throw new Error(`webhook delivery: ${url} is not an http(s) URL`);
    const res = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`webhook delivery to ${new URL(url).origin} failed: HTTP ${res.status}`);
  };
}

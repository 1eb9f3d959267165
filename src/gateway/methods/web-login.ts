/**
 * @module Handlers of `web.login.start` / `web.login.wait`: the channel manager's QR login (WhatsApp, the
 * default channel), each QR also as a PNG data URL.
 */
import { qrDataUrl } from "../../channels/qr.ts";
import { DEFAULT_CHANNEL_ACCOUNT } from "../../channels/config.ts";
import type { LoginStep } from "../../channels/types.ts";
import type { WebLoginStartParams, WebLoginStartResult, WebLoginWaitParams, WebLoginWaitResult } from "../../protocol/methods/web-login.ts";
import type { MethodTable } from "../context.ts";

const DEFAULT_LOGIN_CHANNEL = "whatsapp";

/** The raw QR text behind recently sent data URLs, so `web.login.wait {currentQrDataUrl}` knows which QR the client shows. */
const sentQrs = new Map<string, string>();
const SENT_QR_MEMORY = 16;

async function withDataUrl<T extends LoginStep>(step: T): Promise<T & { qrDataUrl?: string }> {
  if (!step.qr) return step;
  const dataUrl = await qrDataUrl(step.qr);
  sentQrs.delete(dataUrl);
  sentQrs.set(dataUrl, step.qr);
  if (sentQrs.size > SENT_QR_MEMORY) sentQrs.delete(sentQrs.keys().next().value as string);
  return { ...step, qrDataUrl: dataUrl };
}

/** QR login handlers. */
export const webLoginMethods: MethodTable = {
  /**
   * Starts a QR login; answers with the first QR or `connected` when already linked.
   * @throws {GatewayError} `INVALID_REQUEST` when the channel is not configured or has no QR login; `UNAVAILABLE` when the login cannot start
   */
  "web.login.start": async (p: WebLoginStartParams, { services }): Promise<WebLoginStartResult> =>
    withDataUrl(await services.channels.loginStart(p.channel ?? DEFAULT_LOGIN_CHANNEL, p.accountId || DEFAULT_CHANNEL_ACCOUNT, {
      ...(p.force !== undefined && { force: p.force }), ...(p.timeoutMs !== undefined && { timeoutMs: p.timeoutMs }),
    })),
  /**
   * Waits for the login to connect, a QR other than `currentQrDataUrl`, the attempt ending, or `timeoutMs`.
   * @throws {GatewayError} as `web.login.start`
   */
  "web.login.wait": async (p: WebLoginWaitParams, { services }): Promise<WebLoginWaitResult> => {
    const channel = p.channel ?? DEFAULT_LOGIN_CHANNEL;
    const accountId = p.accountId || DEFAULT_CHANNEL_ACCOUNT;
    const currentQr = p.currentQrDataUrl ? sentQrs.get(p.currentQrDataUrl) : undefined;
    const step = await services.channels.loginWait(channel, accountId, { ...(p.timeoutMs !== undefined && { timeoutMs: p.timeoutMs }), ...(currentQr && { currentQr }) });
    return withDataUrl(step);
  },
};

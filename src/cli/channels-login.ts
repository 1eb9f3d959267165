/**
 * @module `mayros channels login whatsapp`: the QR login through the running gateway (`web.login.start`, then
 * `web.login.wait` until linked), each QR drawn in the terminal. The gateway is the only process that opens the
 * WhatsApp session; this command never does.
 */
import { qrTerminal } from "../channels/qr.ts";
import type { WebLoginStartResult, WebLoginWaitResult } from "../protocol/methods/web-login.ts";
import type { GatewayClient } from "./client.ts";
import { CliError, ExitCode } from "./errors.ts";
import { printJson, printLines } from "./output.ts";

/** Channels with a QR login. */
export const QR_LOGIN_CHANNELS = ["whatsapp"] as const;

/** Options of {@link runQrLogin}. */
export interface QrLoginOptions {
  channel: string;
  accountId?: string;
  force?: boolean;
  /** How long to wait for the scan in all, ms. */
  waitMs: number;
  json?: boolean;
  /** Where the QR and progress go (stdout by default). */
  write?: (text: string) => void;
}

/** One `web.login.wait` at most this long, so a new QR shows up promptly. */
const WAIT_STEP_MS = 30_000;
/** Extra time the client gives the gateway beyond the wait it asked for. */
const WAIT_SLACK_MS = 10_000;

/**
 * Runs a QR login against the connected gateway: prints each QR until the phone links the device.
 * @throws {CliError} exit 1 when the attempt ends (QR expired, refused) or `waitMs` passes without a scan
 */
export async function runQrLogin(client: GatewayClient, opts: QrLoginOptions): Promise<void> {
  const write = opts.write ?? ((text: string) => process.stdout.write(text));
  const target = { channel: opts.channel, ...(opts.accountId && { accountId: opts.accountId }) };
  const start = (await client.request("web.login.start", { ...target, ...(opts.force && { force: true }) }, 30_000 + WAIT_SLACK_MS)) as WebLoginStartResult;
  if (start.connected) return done(opts, write, { connected: true, message: start.message });
  if (!start.qr) throw new CliError(start.message, ExitCode.FAILURE);
  let shown = { qr: start.qr, dataUrl: start.qrDataUrl };
  if (!opts.json) await drawQr(write, shown.qr, start.message);
  const deadline = Date.now() + opts.waitMs;
  while (Date.now() < deadline) {
    const stepMs = Math.min(WAIT_STEP_MS, deadline - Date.now());
    const wait = (await client.request("web.login.wait", { ...target, timeoutMs: stepMs, ...(shown.dataUrl && { currentQrDataUrl: shown.dataUrl }) }, stepMs + WAIT_SLACK_MS)) as WebLoginWaitResult;
    if (wait.connected) return done(opts, write, wait);
    if (wait.qr && wait.qr !== shown.qr) {
      shown = { qr: wait.qr, dataUrl: wait.qrDataUrl };
      if (!opts.json) await drawQr(write, shown.qr, "The QR code changed; scan this one.");
      continue;
    }
    if (!wait.qr) throw new CliError(`${opts.channel} login ended: ${wait.message}`, ExitCode.FAILURE);
  }
  throw new CliError(`${opts.channel} login: no scan within ${Math.round(opts.waitMs / 1000)} s; run the command again`, ExitCode.FAILURE);
}

async function drawQr(write: (text: string) => void, qr: string, message: string): Promise<void> {
  write(`${await qrTerminal(qr)}\n${message}\nwaiting for the scan…\n`);
}

function done(opts: QrLoginOptions, write: (text: string) => void, result: { connected: boolean; message: string }): void {
  if (opts.json) return printJson(result);
  if (opts.write) return write(`${result.message}\n`);
  printLines(result.message);
}

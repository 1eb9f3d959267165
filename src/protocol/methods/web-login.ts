/**
 * @module `web.login.start` / `web.login.wait` (channels.md §5.4): the WhatsApp-Web style QR login, with the
 * OpenClaw params and results (`qrDataUrl` is a PNG data URL) plus `qr`, the raw QR text, so a terminal can
 * draw it too.
 */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Str = Type.String({ minLength: 1 });
/** A QR code as a PNG data URL. */
const QrDataUrl = Type.String({ maxLength: 16384, pattern: "^data:image/png;base64," });

/** `web.login.start` params. */
export const WebLoginStartParams = Type.Object(
  {
    channel: Opt(Str),
    force: Opt(Type.Boolean({ description: "Forget the linked device and show a new QR." })),
    timeoutMs: Opt(Type.Integer({ minimum: 0, description: "How long to wait for the first QR (default 30 000)." })),
    verbose: Opt(Type.Boolean()),
    accountId: Opt(Type.String()),
  },
  { ...Closed, $id: "WebLoginStartParams" },
);
/** `web.login.start` params. */
export type WebLoginStartParams = Static<typeof WebLoginStartParams>;

/** `web.login.start` result: a QR to scan, or `connected` when already linked. */
export const WebLoginStartResult = Type.Object(
  { message: Type.String(), qrDataUrl: Opt(QrDataUrl), qr: Opt(Type.String()), connected: Opt(Type.Boolean()), sessionKey: Opt(Type.String()) },
  { ...Closed, $id: "WebLoginStartResult" },
);
/** `web.login.start` result. */
export type WebLoginStartResult = Static<typeof WebLoginStartResult>;

/** `web.login.wait` params. */
export const WebLoginWaitParams = Type.Object(
  {
    channel: Opt(Str),
    sessionKey: Opt(Str),
    timeoutMs: Opt(Type.Integer({ minimum: 0, description: "How long to wait (default 120 000)." })),
    accountId: Opt(Type.String()),
    currentQrDataUrl: Opt(QrDataUrl),
  },
  { ...Closed, $id: "WebLoginWaitParams" },
);
/** `web.login.wait` params. */
export type WebLoginWaitParams = Static<typeof WebLoginWaitParams>;

/** `web.login.wait` result: `connected`, or a new QR (`qrDataUrl`/`qr`), or why the attempt ended. */
export const WebLoginWaitResult = Type.Object(
  { connected: Type.Boolean(), message: Type.String(), qrDataUrl: Opt(QrDataUrl), qr: Opt(Type.String()) },
  { ...Closed, $id: "WebLoginWaitResult" },
);
/** `web.login.wait` result. */
export type WebLoginWaitResult = Static<typeof WebLoginWaitResult>;

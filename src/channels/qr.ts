/**
 * @module QR codes of channel logins, drawn by the `qrcode` library (imported on first use): a PNG data URL for
 * `web.login.*` and the web UI, and block characters for a terminal.
 */

/** The QR of `text` as a `data:image/png;base64,…` URL. */
export async function qrDataUrl(text: string): Promise<string> {
  const { default: QRCode } = await import("qrcode");
  return QRCode.toDataURL(text, { errorCorrectionLevel: "L", margin: 2, scale: 4 });
}

/** The QR of `text` drawn with half-block characters for a terminal (two modules per character row). */
export async function qrTerminal(text: string): Promise<string> {
  const { default: QRCode } = await import("qrcode");
  return QRCode.toString(text, { type: "terminal", small: true, errorCorrectionLevel: "L" });
}

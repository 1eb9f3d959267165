/**
 * @module WhatsApp ids: JIDs (`<number>[:device]@s.whatsapp.net` for people, `<id>@g.us` for groups,
 * `<id>@lid` for privacy ids, `…@broadcast` for status and lists) ↔ the E.164 numbers users write.
 */

const USER_SERVER = "@s.whatsapp.net";

/** Whether a JID is a group. */
export const isGroupJid = (jid: string): boolean => jid.endsWith("@g.us");

/** Whether messages from this JID are never routed: status updates, broadcast lists, newsletters. */
export const isIgnoredJid = (jid: string): boolean => jid.endsWith("@broadcast") || jid.endsWith("@newsletter");

/** Drops the device part: `15551234567:12@s.whatsapp.net` → `15551234567@s.whatsapp.net`. */
export function bareJid(jid: string): string {
  const [user = "", server = ""] = jid.split("@");
  return `${user.split(":")[0]}@${server}`;
}

/** `15551234567@s.whatsapp.net` → `+15551234567`; other JIDs (lid, group) unchanged (device part dropped). */
export function jidToE164(jid: string): string {
  const bare = bareJid(jid);
  return bare.endsWith(USER_SERVER) ? `+${bare.slice(0, -USER_SERVER.length)}` : bare;
}

/**
 * Where a `send` to `to` goes: a JID as is; a phone number (`+1 555-123 4567`, `whatsapp:+1555…`) → its user JID.
 * @throws {Error} when `to` is neither.
 */
export function toJid(to: string): string {
  const v = to.trim().replace(/^whatsapp:/i, "");
  if (v.includes("@")) return v;
  const digits = v.replace(/[\s().-]/g, "").replace(/^\+/, "");
  if (!/^\d{5,20}$/.test(digits)) throw new Error(`not a WhatsApp number or JID: ${to}`);
  return `${digits}${USER_SERVER}`;
}

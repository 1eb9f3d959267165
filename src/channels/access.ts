/**
 * @module Channel access control (channels.md §2), run on every normalized inbound message before any
 * agent work: DM policy (pairing codes, allowlists), group policy, per-group allowlist and mention gating.
 */
import type { InboundMessage } from "./types.ts";
import type { ChannelAccessPolicy } from "./config.ts";
import type { ChannelPairingStore, PairingRequest } from "./pairing-store.ts";

/** What to do with an inbound message. */
export type AccessDecision =
  | { action: "admit" }
  | { action: "drop"; reason: "dm-disabled" | "not-allowed" | "pairing-pending" | "pairing-capped" | "group-disabled" | "group-not-allowed" | "no-mention" }
  /** Tell the sender how to get approved (a new pairing request was created). */
  | { action: "pair"; reply: string; request: PairingRequest }
  /** Tell the sender to wait: too many pending requests on this channel. */
  | { action: "wait"; reply: string };

/**
 * Normalizes an allowFrom entry or sender id for comparison: Telegram strips `telegram:`/`tg:` and
 * lowercases; Discord strips `<@…>`, `discord:` and `user:`; Slack lowercases; Signal strips `signal:`;
 * iMessage strips `imessage:` and lowercases (email handles); WhatsApp writes numbers and user JIDs as E.164.
 */
export function normalizeSenderId(channel: string, id: string): string {
  let v = id.trim();
  if (channel === "telegram") v = v.replace(/^(telegram|tg):/i, "").toLowerCase();
  else if (channel === "discord") v = v.replace(/^<@!?(\d+)>$/, "$1").replace(/^(discord|user):/i, "");
  else if (channel === "slack") v = v.replace(/^slack:/i, "").toLowerCase();
  else if (channel === "signal") v = v.replace(/^signal:/i, "");
  else if (channel === "imessage") v = v.replace(/^imessage:/i, "").toLowerCase();
  else if (channel === "whatsapp") v = whatsappId(v.replace(/^whatsapp:/i, ""));
  return v;
}

/** A WhatsApp number or user JID (`+1 555-0100`, `15550100:3@s.whatsapp.net`) as E.164; other ids (lid, group) lowercased. */
function whatsappId(v: string): string {
  const user = v.endsWith("@s.whatsapp.net") ? (v.split("@")[0] ?? "").split(":")[0] ?? "" : v.replace(/[\s().-]/g, "");
  return /^\+?\d{5,20}$/.test(user) ? `+${user.replace(/^\+/, "")}` : v.toLowerCase();
}

/** The message an unknown DM sender gets with a new pairing code. */
export function pairingReply(channel: string, senderId: string, code: string): string {
  return [
    "Mayros: access not configured.",
    `Your ${channel} id: ${senderId}`,
    `Pairing code: ${code}`,
    "Ask the owner to approve with:",
    `mayros pairing approve ${channel} ${code}`,
  ].join("\n");
}

/** The message an unknown DM sender gets when the channel has too many pending requests. */
export const PAIRING_WAIT_REPLY = "Mayros: access not configured, and too many pairing requests are pending. Please try again later.";

/** Decides whether `msg` may reach the agent under `policy` (creating a pairing request when due). */
export function checkAccess(msg: InboundMessage, policy: ChannelAccessPolicy, store: ChannelPairingStore): AccessDecision {
  return msg.chatType === "dm" ? checkDm(msg, policy, store) : checkGroup(msg, policy);
}

function isAllowed(msg: InboundMessage, policy: ChannelAccessPolicy, store: ChannelPairingStore): boolean {
  if (policy.allowFrom.includes("*")) return true;
  const sender = normalizeSenderId(msg.channel, msg.senderId);
  if (policy.allowFrom.some((e) => normalizeSenderId(msg.channel, e) === sender)) return true;
  return store.isApproved(msg.channel, msg.accountId, sender);
}

function checkDm(msg: InboundMessage, policy: ChannelAccessPolicy, store: ChannelPairingStore): AccessDecision {
  switch (policy.dmPolicy) {
    case "disabled":
      return { action: "drop", reason: "dm-disabled" };
    case "open":
      return { action: "admit" };
    case "allowlist":
      return isAllowed(msg, policy, store) ? { action: "admit" } : { action: "drop", reason: "not-allowed" };
    case "pairing": {
      if (isAllowed(msg, policy, store)) return { action: "admit" };
      const sender = normalizeSenderId(msg.channel, msg.senderId);
      const r = store.request({ channel: msg.channel, accountId: msg.accountId, senderId: sender, senderName: msg.senderName, chatId: msg.chatId });
      if (r.status === "created") return { action: "pair", reply: pairingReply(msg.channel, sender, r.request.code), request: r.request };
      if (r.status === "capped") return { action: "wait", reply: PAIRING_WAIT_REPLY };
      return { action: "drop", reason: "pairing-pending" };
    }
  }
}

function checkGroup(msg: InboundMessage, policy: ChannelAccessPolicy): AccessDecision {
  if (policy.groupPolicy === "disabled") return { action: "drop", reason: "group-disabled" };
  const entry = policy.groups[msg.chatId];
  const wildcard = policy.groups["*"];
  const allow = entry?.allow ?? wildcard?.allow;
  if (policy.groupPolicy === "allowlist" ? allow !== true : allow === false) return { action: "drop", reason: "group-not-allowed" };
  const requireMention = entry?.requireMention ?? wildcard?.requireMention ?? policy.requireMention;
  if (requireMention && !msg.mentionsBot) return { action: "drop", reason: "no-mention" };
  return { action: "admit" };
}

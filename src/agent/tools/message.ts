/**
 * @module The `message` tool (`group:messaging`): send on chat channels through the channel layer
 * (the same path as the `send` method). Without a configured channel every call is answered with an
 * error result naming it; polls and reactions are not supported yet.
 */
import type { Tool } from "./registry.ts";

/** Actions the tool declares (agent.md §5). */
export const MESSAGE_ACTIONS = ["send", "poll", "react"] as const;

/** What the tool sends through (the channel manager); absent = no channel configured. */
export interface MessageToolDeps {
  send(p: { to: string; text: string; channel: string }): Promise<{ channel: string; chatId: string; messageId: string }>;
}

/** The `message` tool. */
export function messageTool(deps?: MessageToolDeps): Tool {
  return {
    name: "message",
    group: "group:messaging",
    description: "Send a message, a poll or a reaction on a chat channel (e.g. telegram, discord, slack, signal).",
    inputSchema: {
      type: "object",
      properties: {
        action: { type: "string", enum: [...MESSAGE_ACTIONS], description: "What to do (default send)." },
        channel: { type: "string", description: "The channel id, e.g. telegram." },
        to: { type: "string", description: "Recipient: a user, group or chat id on that channel." },
        text: { type: "string", description: "Message text (send), question (poll)." },
        options: { type: "array", items: { type: "string" }, description: "Poll options." },
        messageId: { type: "string", description: "The message to react to." },
        emoji: { type: "string", description: "The reaction." },
      },
      required: ["channel"],
    },
    async execute(input) {
      const action = typeof input.action === "string" ? input.action : "send";
      if (!(MESSAGE_ACTIONS as readonly string[]).includes(action)) return { content: `unknown action: ${action}`, isError: true };
      const channel = typeof input.channel === "string" && input.channel.trim() ? input.channel.trim() : "(none)";
      const notConfigured = { content: `channel not configured: ${channel}`, isError: true };
      if (!deps || channel === "(none)") return notConfigured;
      if (action !== "send") return { content: `${action} is not supported on ${channel} yet`, isError: true };
      const to = typeof input.to === "string" ? input.to.trim() : "";
      const text = typeof input.text === "string" ? input.text : "";
      if (!to) return { content: "to is required", isError: true };
      if (!text.trim()) return { content: "text is required", isError: true };
      try {
        const r = await deps.send({ to, text, channel });
        return { content: `sent to ${r.chatId} on ${r.channel} (message ${r.messageId})` };
      } catch (e) {
        const err = e as { message?: string; options?: { details?: { code?: unknown } } };
        if (err.options?.details?.code === "CHANNEL_NOT_CONFIGURED") return notConfigured;
        return { content: `send failed: ${err.message ?? String(e)}`, isError: true };
      }
    },
  };
}

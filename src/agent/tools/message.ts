/**
 * @module The `message` tool (`group:messaging`): send, poll and react on chat channels. No channel
 * exists yet, so every call is answered with an error result naming the channel.
 */
import type { Tool } from "./registry.ts";

/** Actions the tool declares (agent.md §5). */
export const MESSAGE_ACTIONS = ["send", "poll", "react"] as const;

/** The `message` tool. */
export function messageTool(): Tool {
  return {
    name: "message",
    group: "group:messaging",
    description: "Send a message, a poll or a reaction on a chat channel (e.g. telegram, discord, slack).",
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
      return { content: `channel not configured: ${channel}`, isError: true };
    },
  };
}

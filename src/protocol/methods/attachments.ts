/** @module The `attachments` of `chat.send` and `agent` (protocol.md §6): the OpenClaw attachment shape, open to extra keys. */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;

/**
 * One attachment as clients send it. Only images are accepted for now: `{type: "image", mimeType,
 * content: <base64 or data: URL>}`; the content itself is checked by the agent runtime
 * (src/agent/attachments.ts), which names the offending `attachments/<i>/…` field.
 */
export const ChatAttachment = Type.Object(
  {
    type: Opt(Type.String({ maxLength: 64 })),
    mimeType: Opt(Type.String({ maxLength: 256 })),
    fileName: Opt(Type.String({ maxLength: 1024 })),
    origin: Opt(Type.Union([Type.Literal("paste"), Type.Literal("file")])),
    content: Opt(Type.Unknown()),
    sizeBytes: Opt(Type.Integer({ minimum: 0 })),
    width: Opt(Type.Integer({ minimum: 0 })),
    height: Opt(Type.Integer({ minimum: 0 })),
    durationMs: Opt(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: true, $id: "ChatAttachment" },
);
/** One attachment of `chat.send` / `agent`. */
export type ChatAttachment = Static<typeof ChatAttachment>;

/** The `attachments` param. */
export const ChatAttachments = Type.Array(ChatAttachment);

/** @module `channels.status` and `channels.logout` (channels.md §1): channel account state and logout. */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Str = Type.String({ minLength: 1 });

/** `channels.status` params. */
export const ChannelsStatusParams = Opt(Type.Object(
  { probe: Opt(Type.Boolean()), timeoutMs: Opt(Type.Integer({ minimum: 1000 })) },
  { ...Closed, $id: "ChannelsStatusParams" },
));
/** `channels.status` params. */
export type ChannelsStatusParams = Static<typeof ChannelsStatusParams>;

/**
 * One channel account's state. `linked` (channels with a linked device: WhatsApp) tells whether the gateway
 * holds that device's credentials — false before the QR login and after a logout or a logged-out (401) wipe.
 */
export const ChannelAccountStatus = Type.Object(
  {
    channel: Type.String(),
    accountId: Type.String(),
    state: Type.Union([Type.Literal("connecting"), Type.Literal("connected"), Type.Literal("disconnected"), Type.Literal("stopped"), Type.Literal("error")]),
    botId: Opt(Type.String()),
    botName: Opt(Type.String()),
    lastError: Opt(Type.String()),
    linked: Opt(Type.Boolean()),
    since: Type.Integer(),
    enabled: Type.Boolean(),
    configured: Type.Boolean(),
    mode: Opt(Type.String()),
    dmPolicy: Type.String(),
  },
  { ...Closed, $id: "ChannelAccountStatus" },
);
/** One channel account's state. */
export type ChannelAccountStatus = Static<typeof ChannelAccountStatus>;

/** `channels.status` result: every configured account. */
export const ChannelsStatusResult = Type.Object(
  { ts: Type.Integer(), channels: Type.Array(ChannelAccountStatus) },
  { ...Closed, $id: "ChannelsStatusResult" },
);
/** `channels.status` result. */
export type ChannelsStatusResult = Static<typeof ChannelsStatusResult>;

/** `channels.logout` params. */
export const ChannelsLogoutParams = Type.Object({ channel: Str, accountId: Opt(Str) }, { ...Closed, $id: "ChannelsLogoutParams" });
/** `channels.logout` params. */
export type ChannelsLogoutParams = Static<typeof ChannelsLogoutParams>;

/** `channels.logout` result. */
export const ChannelsLogoutResult = Type.Object(
  { channel: Type.String(), accountId: Type.String(), loggedOut: Type.Boolean() },
  { ...Closed, $id: "ChannelsLogoutResult" },
);
/** `channels.logout` result. */
export type ChannelsLogoutResult = Static<typeof ChannelsLogoutResult>;

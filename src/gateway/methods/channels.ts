/** @module Handlers of `channels.status` and `channels.logout`: the channel manager's accounts. */
import type { ChannelsLogoutParams, ChannelsLogoutResult, ChannelsStatusResult } from "../../protocol/methods/channels.ts";
import type { MethodTable } from "../context.ts";

/** Channel handlers. */
export const channelsMethods: MethodTable = {
  /** Every configured channel account with its connection state. */
  "channels.status": (_p, { services }): ChannelsStatusResult => ({ ts: Date.now(), channels: services.channels.status() }),
  /**
   * Stops an account and clears its login state.
   * @throws {GatewayError} `INVALID_REQUEST` for an unknown channel account
   */
  "channels.logout": (p: ChannelsLogoutParams, { services }): Promise<ChannelsLogoutResult> => services.channels.logout(p.channel, p.accountId),
};

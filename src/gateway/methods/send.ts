/** @module Handler of `send`: no channel adapter is configured yet, so every target is refused by name. */
import { GatewayError } from "../../protocol/errors.ts";
import type { SendParams } from "../../protocol/methods/send.ts";
import type { MethodTable } from "../context.ts";

/** Messaging handlers. */
export const sendMethods: MethodTable = {
  /** @throws {GatewayError} `UNAVAILABLE` "channel not configured: <channel|default>" (details `CHANNEL_NOT_CONFIGURED`). */
  send: (p: SendParams) => {
    const channel = p.channel ?? "default";
    throw new GatewayError("UNAVAILABLE", `channel not configured: ${channel}`, {
      details: { code: "CHANNEL_NOT_CONFIGURED", channel }, retryable: false,
    });
  },
};

/** @module Handlers of `pairing.list` and `pairing.approve`: DM pairing codes of channel senders. */
import { GatewayError } from "../../protocol/errors.ts";
import type { PairingApproveParams, PairingApproveResult, PairingListParams, PairingListResult } from "../../protocol/methods/pairing.ts";
import type { MethodTable } from "../context.ts";

/** Channel pairing handlers. */
export const pairingMethods: MethodTable = {
  /** Unexpired pairing requests, of one channel or all. */
  "pairing.list": (p: PairingListParams, { services }): PairingListResult => ({
    requests: services.channels.listPairing(p?.channel).map(({ chatId: _chatId, ...r }) => r),
  }),
  /**
   * Approves a pairing code: its sender is admitted from now on.
   * @throws {GatewayError} `INVALID_REQUEST` "unknown or expired pairing code" (details `PAIRING_CODE_NOT_FOUND`)
   */
  "pairing.approve": async (p: PairingApproveParams, { services }): Promise<PairingApproveResult> => {
    const r = await services.channels.approvePairing(p.channel, p.code);
    if (!r) {
      throw new GatewayError("INVALID_REQUEST", `unknown or expired pairing code for ${p.channel}: ${p.code}`, {
        details: { code: "PAIRING_CODE_NOT_FOUND", channel: p.channel }, retryable: false,
      });
    }
    return { channel: r.channel, accountId: r.accountId, senderId: r.senderId, ...(r.senderName && { senderName: r.senderName }) };
  },
};

import { describe, expect, it } from "bun:test";
import { normalizeSlackEvent } from "../../../src/channels/slack/normalize.ts";

const opts = { accountId: "default", botUserId: "UBOT" };

describe("normalizeSlackEvent", () => {
  it("should drop edits, bot messages and the bot's own messages", () => {
    const base = { type: "message", channel: "C1", channel_type: "channel", user: "U1", text: "hi", ts: "1.000001" };
    expect(normalizeSlackEvent({ ...base, subtype: "message_changed" }, opts)).toBeUndefined();
    expect(normalizeSlackEvent({ ...base, subtype: "bot_message", bot_id: "B2" }, opts)).toBeUndefined();
    expect(normalizeSlackEvent({ ...base, bot_id: "B2" }, opts)).toBeUndefined();
    expect(normalizeSlackEvent({ ...base, user: "UBOT" }, opts)).toBeUndefined();
    expect(normalizeSlackEvent({ ...base, type: "reaction_added" }, opts)).toBeUndefined();
  });

  it("should map mpim and private channels to group and strip the bot mention", () => {
    const msg = normalizeSlackEvent(
      { type: "message", channel: "G1", channel_type: "mpim", user: "U1", text: "<@UBOT|mayros> hello", ts: "1700000000.5" },
      opts,
    );
    expect(msg).toMatchObject({ chatType: "group", mentionsBot: true, text: "hello", timestamp: 1_700_000_000_500 });
  });

  it("should infer a DM from the channel id of an app_mention", () => {
    const msg = normalizeSlackEvent({ type: "app_mention", channel: "D9", user: "U1", text: "<@UBOT> yo", ts: "2.0" }, opts);
    expect(msg?.chatType).toBe("dm");
  });
});

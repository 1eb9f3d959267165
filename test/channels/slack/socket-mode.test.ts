import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { createSlackAdapter, type SlackAdapter } from "../../../src/channels/slack/index.ts";
import { startSlackFake, type SlackFake } from "../../fakes/slack-fake.ts";
import { recordingContext } from "./context.ts";

let fake: SlackFake;
let adapter: SlackAdapter;

beforeEach(() => {
  fake = startSlackFake();
  adapter = createSlackAdapter({ botToken: "xoxb-test", appToken: "xapp-test", apiUrl: fake.apiUrl, backoff: { initialMs: 5, maxMs: 50 } });
});

afterEach(async () => {
  await adapter.stop();
  fake.close();
});

describe("slack adapter (socket mode)", () => {
  it("should connect over Socket Mode and report the bot identity", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    expect(adapter.status()).toMatchObject({ channel: "slack", accountId: "default", state: "connected", botId: "BBOT", botName: "mayros" });
    expect(rec.statuses.map((s) => s.state)).toEqual(["connecting", "connected"]);
    expect(fake.calls.map((c) => c.method)).toEqual(["auth.test", "apps.connections.open"]);
    expect(fake.calls[1]?.token).toBe("xapp-test");
  });

  it("should ack envelopes and normalize a DM", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    const { envelopeId, ts } = fake.dm("hello there");
    await fake.waitForAck(envelopeId);
    expect(await rec.message()).toEqual({
      channel: "slack",
      accountId: "default",
      chatId: "D1",
      chatType: "dm",
      messageId: ts,
      senderId: "U1",
      text: "hello there",
      mentionsBot: false,
      timestamp: Math.round(Number(ts) * 1000),
    });
  });

  it("should flag a channel mention and carry thread_ts as threadId", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    fake.mention("what's up?");
    expect(await rec.message(1)).toMatchObject({ chatId: "C1", chatType: "group", mentionsBot: true, text: "what's up?" });
    fake.threadReply("in thread", "1699999999.000001");
    const reply = await rec.message(2);
    expect(reply).toMatchObject({ chatType: "group", threadId: "1699999999.000001", mentionsBot: false, text: "in thread" });
  });

  it("should ignore the bot's own messages and edits but still ack them", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    const own = fake.pushEvent({ type: "message", channel: "C1", channel_type: "channel", user: "UBOT", text: "echo", ts: "5.1" });
    const edit = fake.pushEvent({ type: "message", subtype: "message_changed", channel: "C1", channel_type: "channel", ts: "5.2" });
    const bot = fake.pushEvent({ type: "message", channel: "C1", channel_type: "channel", bot_id: "B9", text: "x", ts: "5.3" });
    fake.dm("real one");
    await Promise.all([own, edit, bot].map((e) => fake.waitForAck(e.envelopeId)));
    expect((await rec.message()).text).toBe("real one");
    expect(rec.messages).toHaveLength(1);
  });

  it("should reconnect after a disconnect envelope", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    const from = rec.statuses.length;
    fake.disconnect("refresh_requested");
    const down = await rec.status("disconnected", from);
    expect(down.lastError).toBe("disconnect (refresh_requested)");
    await rec.status("connected", from);
    expect(fake.connections).toBe(2);
    fake.dm("after reconnect");
    expect((await rec.message()).text).toBe("after reconnect");
  });

  it("should reconnect after the socket closes", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    const from = rec.statuses.length;
    fake.down();
    expect((await rec.status("disconnected", from)).lastError).toContain("socket closed (1011");
    const again = rec.statuses.length;
    await rec.status("disconnected", again);
    fake.up();
    await rec.status("connected", from);
    expect(adapter.status().state).toBe("connected");
  });

  it("should report disconnected when Slack is down at start, then connect", async () => {
    fake.down();
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    expect(adapter.status()).toMatchObject({ state: "disconnected", lastError: "Network request for 'auth.test' failed (HTTP 503)" });
    fake.up();
    await rec.status("connected");
    expect(adapter.status().state).toBe("connected");
  });

  it("should go to error without retrying when the token is rejected", async () => {
    fake.failNext("auth.test", "invalid_auth");
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    expect(adapter.status()).toMatchObject({ state: "error", lastError: "Call to 'auth.test' failed (invalid_auth)" });
  });

  it("should make no further attempt after a rejected token until started again", async () => {
    fake.failNext("auth.test", "invalid_auth");
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    await Bun.sleep(60);
    expect(fake.calls.map((c) => c.method)).toEqual(["auth.test"]);
    expect(rec.statuses.map((s) => s.state)).toEqual(["connecting", "error"]);
    await adapter.start(rec.ctx);
    expect(adapter.status()).toMatchObject({ state: "connected", botId: "BBOT" });
    expect(rec.statuses.map((s) => s.state)).toEqual(["connecting", "error", "stopped", "connecting", "connected"]);
  });

  it("should close the socket on stop", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    await adapter.stop();
    await fake.waitFor(() => fake.openSockets === 0);
    expect(adapter.status().state).toBe("stopped");
  });
});

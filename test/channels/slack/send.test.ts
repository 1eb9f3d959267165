import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { createSlackAdapter, type SlackAdapter } from "../../../src/channels/slack/index.ts";
import { chunkText } from "../../../src/channels/types.ts";
import { startSlackFake, type SlackFake } from "../../fakes/slack-fake.ts";
import { recordingContext } from "./context.ts";

let fake: SlackFake;
let adapter: SlackAdapter;

beforeEach(async () => {
  fake = startSlackFake();
  adapter = createSlackAdapter({ accountId: "work", botToken: "xoxb-test", appToken: "xapp-test", apiUrl: fake.apiUrl });
  await adapter.start(recordingContext().ctx);
});

afterEach(async () => {
  await adapter.stop();
  fake.close();
});

describe("slack adapter send", () => {
  it("should post mrkdwn into the thread with the bot token", async () => {
    const { messageId } = await adapter.send(
      { accountId: "work", chatId: "C1", threadId: "1699999999.000001" },
      { text: "**Done** see [docs](https://x.io) & <stuff>" },
    );
    expect(messageId).toMatch(/^1700000000\.\d{6}$/);
    expect(fake.posts).toEqual([{ channel: "C1", text: "*Done* see <https://x.io|docs> &amp; &lt;stuff&gt;", thread_ts: "1699999999.000001" }]);
    expect(fake.calls.at(-1)?.token).toBe("xoxb-test");
  });

  it("should post without thread_ts outside threads", async () => {
    await adapter.send({ accountId: "work", chatId: "D1" }, { text: "hi" });
    expect(fake.posts).toEqual([{ channel: "D1", text: "hi" }]);
  });

  it("should split a 9000-char text into 3 ordered chunks", async () => {
    const text = Array.from({ length: 1600 }, (_, i) => `w${String(i).padStart(4, "0")}`).join(" ").slice(0, 9000);
    expect(text).toHaveLength(9000);
    await adapter.send({ accountId: "work", chatId: "C1" }, { text });
    const texts = fake.posts.map((p) => p.text);
    expect(texts).toEqual(chunkText(text, 4000));
    expect(texts).toHaveLength(3);
    expect(texts.every((t) => typeof t === "string" && t.length <= adapter.textLimit)).toBe(true);
  });

  it("should name the method when Slack refuses", async () => {
    fake.failNext("chat.postMessage", "channel_not_found");
    await expect(adapter.send({ accountId: "work", chatId: "C404" }, { text: "x" })).rejects.toThrow(
      "Call to 'chat.postMessage' failed (channel_not_found)",
    );
  });

  it("should treat typing as a no-op", async () => {
    const before = fake.calls.length;
    await adapter.typing?.({ accountId: "work", chatId: "C1" });
    expect(fake.calls.length).toBe(before);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { createHmac } from "node:crypto";
import { createSlackAdapter, type SlackAdapter } from "../../../src/channels/slack/index.ts";
import { startSlackFake, type SlackFake } from "../../fakes/slack-fake.ts";
import { recordingContext } from "./context.ts";

const SECRET = "test-signing-secret";
let fake: SlackFake;
let adapter: SlackAdapter;
let rec: ReturnType<typeof recordingContext>;

/** A signed Events API request; `age` shifts the timestamp into the past (seconds). */
function signed(body: unknown, { age = 0, secret = SECRET, retry }: { age?: number; secret?: string; retry?: number } = {}) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000) - age);
  const sig = "v0=" + createHmac("sha256", secret).update(`v0:${ts}:${raw}`).digest("hex");
  const headers: Record<string, string> = { "content-type": "application/json", "x-slack-request-timestamp": ts, "x-slack-signature": sig };
  if (retry !== undefined) headers["x-slack-retry-num"] = String(retry);
  return new Request("http://127.0.0.1/slack/events", { method: "POST", headers, body: raw });
}

beforeEach(async () => {
  fake = startSlackFake();
  adapter = createSlackAdapter({ botToken: "xoxb-test", signingSecret: SECRET, apiUrl: fake.apiUrl, mode: "http" });
  rec = recordingContext();
  await adapter.start(rec.ctx);
});

afterEach(async () => {
  await adapter.stop();
  fake.close();
});

describe("slack adapter (http events)", () => {
  it("should be connected after auth.test without opening a socket", () => {
    expect(adapter.status().state).toBe("connected");
    expect(fake.calls.map((c) => c.method)).toEqual(["auth.test"]);
  });

  it("should answer url_verification with the challenge", async () => {
    const res = await adapter.eventsHandler!(signed({ type: "url_verification", token: "t", challenge: "abc123" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "abc123" });
  });

  it("should deliver a signed event once and drop its retry", async () => {
    const body = fake.eventCallback({ type: "message", channel: "C1", channel_type: "channel", user: "U1", text: "<@UBOT> hi", ts: "1700000001.000100" }, "EvA");
    const first = await adapter.eventsHandler!(signed(body));
    expect(first.status).toBe(200);
    expect(await rec.message()).toMatchObject({ chatId: "C1", chatType: "group", mentionsBot: true, text: "hi", messageId: "1700000001.000100" });
    const retry = await adapter.eventsHandler!(signed(body, { retry: 1 }));
    expect(retry.status).toBe(200);
    const next = fake.eventCallback({ type: "message", channel: "D1", channel_type: "im", user: "U1", text: "later", ts: "1700000002.000100" }, "EvB");
    await adapter.eventsHandler!(signed(next));
    expect((await rec.message(2)).text).toBe("later");
    expect(rec.messages.map((m) => m.text)).toEqual(["hi", "later"]);
  });

  it("should reject a bad signature with 401 and deliver nothing", async () => {
    const body = fake.eventCallback({ type: "message", channel: "D1", channel_type: "im", user: "U1", text: "x", ts: "1.1" });
    const res = await adapter.eventsHandler!(signed(body, { secret: "wrong" }));
    expect(res.status).toBe(401);
    const tampered = signed(body);
    const forged = new Request(tampered.url, { method: "POST", headers: tampered.headers, body: JSON.stringify({ ...body, extra: 1 }) });
    expect((await adapter.eventsHandler!(forged)).status).toBe(401);
    const unsigned = new Request(tampered.url, { method: "POST", body: JSON.stringify(body) });
    expect((await adapter.eventsHandler!(unsigned)).status).toBe(401);
    await Promise.resolve();
    expect(rec.messages).toHaveLength(0);
  });

  it("should reject a timestamp older than 5 minutes with 401", async () => {
    const body = fake.eventCallback({ type: "message", channel: "D1", channel_type: "im", user: "U1", text: "x", ts: "1.1" });
    const res = await adapter.eventsHandler!(signed(body, { age: 301 }));
    expect(res.status).toBe(401);
    await Promise.resolve();
    expect(rec.messages).toHaveLength(0);
  });

  it("should not exist in socket mode", () => {
    expect(createSlackAdapter({ botToken: "xoxb-x", appToken: "xapp-x" }).eventsHandler).toBeUndefined();
  });

  it("should name the missing option", () => {
    expect(() => createSlackAdapter({ botToken: "xoxb-x", mode: "http" })).toThrow("channels.slack.signingSecret: required in http mode (account default)");
    expect(() => createSlackAdapter({ botToken: "xoxb-x" })).toThrow("channels.slack.appToken: required in socket mode (account default)");
  });
});

/**
 * @module The channel layer with the real Slack adapter (@slack/web-api) against the loopback Slack
 * fake and the fake model: socket mode (pairing through the CLI, DM and threaded replies, mention
 * gating, chunked replies, `send` idempotency), HTTP events on the gateway port (v0 signatures,
 * stale timestamps, retries) and reconnecting after Slack was down at start.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentConfig, lastUserText, startFake } from "../helpers/agent.ts";
import { TEST_TOKEN } from "../helpers/gateway.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { startSlackFake, type SlackFake } from "../fakes/slack-fake.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";
import { runCli } from "../cli/spawn.ts";

const slackStatus = async (h: ChannelHarness) =>
  ((await h.admin.request("channels.status", {})).payload.channels as any[]).find((c) => c.channel === "slack");

describe("slack through the channel layer (socket mode)", () => {
  let model: SseFake;
  let slack: SlackFake;
  let h: ChannelHarness;
  let cliState: string;

  beforeAll(async () => {
    model = startFake("anthropic");
    slack = startSlackFake();
    cliState = mkdtempSync(join(tmpdir(), "mayros-slack-cli-"));
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { slack: { botToken: "xoxb-test", appToken: "xapp-test", apiUrl: slack.apiUrl, requireMention: true } },
    }));
  });
  afterAll(async () => {
    await h.stop();
    slack.close();
    await model.stop();
    rmSync(cliState, { recursive: true, force: true });
  });

  it("should pair an unknown DM sender through the CLI and then answer in the DM", async () => {
    expect(await slackStatus(h)).toMatchObject({ state: "connected", mode: "socket", dmPolicy: "pairing" });
    expect(slack.calls.find((c) => c.method === "apps.connections.open")?.token).toBe("xapp-test");

    slack.dm("hi there", { user: "U1", channel: "D1" });
    await slack.waitFor(() => slack.posts.length >= 1);
    const pairing = slack.posts[0]!;
    expect(pairing.channel).toBe("D1");
    expect(pairing.thread_ts).toBeUndefined();
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(String(pairing.text))?.[1];
    expect(code).toBeDefined();
    expect(String(pairing.text)).toContain(`mayros pairing approve slack ${code}`);
    expect(model.requests).toHaveLength(0);

    const cli = await runCli(["pairing", "approve", "slack", code!, "--url", h.gateway.url, "--token", TEST_TOKEN], { stateDir: cliState });
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: "" });
    expect(cli.stdout).toContain("approved u1 on slack/default");
    await slack.waitFor(() => slack.posts.length >= 2); // the approval notice
    expect(slack.posts[1]!.channel).toBe("D1");

    model.script({ text: ["**Hello** ", "Ana"] });
    slack.dm("how are you?", { user: "U1", channel: "D1" });
    await slack.waitFor(() => slack.posts.length >= 3);
    expect(slack.posts[2]).toMatchObject({ channel: "D1", text: "*Hello* Ana" });
    expect(slack.posts[2]!.thread_ts).toBeUndefined();
    expect(model.requests).toHaveLength(1);
    expect(lastUserText(model.requests[0]!.body)).toContain("how are you?");
    expect(slack.posts.every((p) => slack.calls.find((c) => c.body === p)?.token === "xoxb-test")).toBe(true);
  });

  it("should answer a mention in a thread in that thread and ignore a thread message without a mention", async () => {
    const requests = model.requests.length;
    const before = slack.posts.length;
    const parent = "1699999999.000100";
    model.script({ text: ["In the thread"] });
    const plain = slack.threadReply("just chatter", parent, { user: "U2", channel: "C1" });
    const mention = slack.threadReply(`<@${slack.botUserId}> what is up?`, parent, { user: "U2", channel: "C1" });
    // Slack also sends `app_mention` for the same message: it must not run the agent twice.
    const twin = slack.pushEvent({ type: "app_mention", channel: "C1", user: "U2", text: `<@${slack.botUserId}> what is up?`, ts: mention.ts, thread_ts: parent });
    await slack.waitForAck(twin.envelopeId);
    await slack.waitFor(() => slack.posts.length >= before + 1);
    expect(slack.posts.slice(before)).toEqual([expect.objectContaining({ channel: "C1", thread_ts: parent, text: "In the thread" })]);
    expect(model.requests.length - requests).toBe(1);
    const seen = lastUserText(model.requests.at(-1)!.body);
    expect(seen).toContain("what is up?");
    expect(seen).not.toContain("chatter");
    expect(seen).not.toContain("<@");
    expect(slack.acks).toContain(plain.envelopeId); // it did arrive: dropped by the mention gate, not lost

    // A later mention in the same thread is handled after anything the twin could have queued.
    model.script({ text: ["Still one answer each"] });
    slack.threadReply(`<@${slack.botUserId}> and now?`, parent, { user: "U2", channel: "C1" });
    await slack.waitFor(() => slack.posts.length >= before + 2);
    expect(slack.posts.slice(before).map((p) => p.text)).toEqual(["In the thread", "Still one answer each"]);
    expect(model.requests.length - requests).toBe(2);
  });

  it("should deliver a ~9000-character reply as ordered chunks in the thread", async () => {
    const before = slack.posts.length;
    const parent = "1699999999.000200";
    const words = Array.from({ length: 1500 }, (_, i) => `n${String(i).padStart(4, "0")}`);
    const full = words.join(" ");
    expect(full.length).toBeGreaterThan(8900);
    model.script({ text: [full.slice(0, 3000), full.slice(3000, 6000), full.slice(6000)] });
    slack.threadReply(`<@${slack.botUserId}> count for me`, parent, { user: "U2", channel: "C1" });
    const received = () => slack.posts.slice(before).flatMap((p) => String(p.text).split(/\s+/).filter(Boolean));
    await slack.waitFor(() => received().length >= words.length);
    const chunks = slack.posts.slice(before);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const c of chunks) {
      expect(String(c.text).length).toBeLessThanOrEqual(4000);
      expect(c).toMatchObject({ channel: "C1", thread_ts: parent });
    }
    expect(received()).toEqual(words);
  });

  it("should send through slack once per idempotency key", async () => {
    const before = slack.posts.length;
    const params = { channel: "slack", to: "C9", message: "from the operator", idempotencyKey: "slack-send-1" };
    const first = await h.admin.request("send", params);
    expect(first.ok).toBe(true);
    expect(first.payload).toMatchObject({ runId: "slack-send-1", channel: "slack", chatId: "C9" });
    expect(first.payload.messageId).toMatch(/^\d+\.\d{6}$/);
    const retry = await h.admin.request("send", params);
    expect(retry.payload).toEqual(first.payload);
    expect(slack.posts.slice(before)).toEqual([expect.objectContaining({ channel: "C9", text: "from the operator" })]);
  });
});

/** Signs `body` the way Slack does (v0, HMAC-SHA256 over `v0:<ts>:<body>`). */
function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

describe("slack through the channel layer (HTTP events on the gateway port)", () => {
  const secret = "shh-signing-secret";
  let model: SseFake;
  let slack: SlackFake;
  let h: ChannelHarness;
  let eventsUrl: string;

  const post = (body: string, headers: Record<string, string>) =>
    fetch(eventsUrl, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const signed = (body: string, ts = Math.floor(Date.now() / 1000), extra: Record<string, string> = {}) =>
    post(body, { "x-slack-request-timestamp": String(ts), "x-slack-signature": slackSignature(secret, ts, body), ...extra });
  const dmEvent = (text: string, ts: string, eventId: string) =>
    JSON.stringify(slack.eventCallback({ type: "message", channel: "D7", channel_type: "im", user: "U7", text, ts }, eventId));

  beforeAll(async () => {
    model = startFake("anthropic");
    slack = startSlackFake();
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { slack: { botToken: "xoxb-http", signingSecret: secret, mode: "http", apiUrl: slack.apiUrl, dmPolicy: "allowlist", allowFrom: ["U7"] } },
    }));
    eventsUrl = `${h.gateway.url.replace(/^ws/, "http")}/channels/slack/events`;
  });
  afterAll(async () => {
    await h.stop();
    slack.close();
    await model.stop();
  });

  it("should reject bad signatures and stale timestamps and deliver a signed event once", async () => {
    expect(await slackStatus(h)).toMatchObject({ state: "connected", mode: "http" });
    const challenge = JSON.stringify({ type: "url_verification", challenge: "chal-1", token: "t" });
    expect(await (await signed(challenge)).json()).toEqual({ challenge: "chal-1" });

    const forged = dmEvent("forged", "1700000100.000001", "EvForged");
    const now = Math.floor(Date.now() / 1000);
    const bad = await post(forged, { "x-slack-request-timestamp": String(now), "x-slack-signature": slackSignature("wrong-secret", now, forged) });
    expect(bad.status).toBe(401);
    const unsigned = await post(forged, {});
    expect(unsigned.status).toBe(401);
    const stale = await signed(dmEvent("stale", "1700000100.000002", "EvStale"), now - 6 * 60);
    expect(stale.status).toBe(401);

    model.script({ text: ["signed and delivered"] });
    const body = dmEvent("hello over http", "1700000100.000003", "EvGood");
    const ok = await signed(body);
    expect(ok.status).toBe(200);
    await slack.waitFor(() => slack.posts.length >= 1);
    expect(slack.posts[0]).toMatchObject({ channel: "D7", text: "signed and delivered" });
    expect(model.requests).toHaveLength(1);
    expect(lastUserText(model.requests[0]!.body)).toContain("hello over http");

    // Slack retries the same event_id (freshly signed): acked, not delivered again.
    const retry = await signed(body, undefined, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" });
    expect(retry.status).toBe(200);
    // A later event is handled after anything the retry could have queued.
    model.script({ text: ["second answer"] });
    expect((await signed(dmEvent("a second message", "1700000100.000004", "EvNext"))).status).toBe(200);
    await slack.waitFor(() => slack.posts.length >= 2);
    expect(slack.posts.map((p) => p.text)).toEqual(["signed and delivered", "second answer"]);
    expect(model.requests.map((r) => lastUserText(r.body))).toEqual([
      expect.stringContaining("hello over http"),
      expect.stringContaining("a second message"),
    ]);
  });
});

describe("slack down when the gateway starts", () => {
  let slack: SlackFake;
  let h: ChannelHarness;

  beforeAll(async () => {
    slack = startSlackFake();
    slack.down();
    h = await startChannelGateway({ channels: { slack: { botToken: "xoxb-down", appToken: "xapp-down", apiUrl: slack.apiUrl } } });
  });
  afterAll(async () => {
    await h.stop();
    slack.close();
  });

  it("should report slack disconnected, reconnect after it is back and answer health throughout", async () => {
    const down = await slackStatus(h);
    expect(down).toMatchObject({ state: "disconnected" });
    expect(down.lastError).toContain("auth.test");
    expect((await h.admin.request("health", {})).ok).toBe(true);

    slack.up();
    await slack.waitFor(() => slack.connections >= 1); // the adapter retried on its own
    let status = await slackStatus(h);
    for (let i = 0; i < 50 && status.state !== "connected"; i++) {
      expect((await h.admin.request("health", {})).ok).toBe(true);
      status = await slackStatus(h);
    }
    expect(status).toMatchObject({ state: "connected", botName: "mayros" });
    expect((await h.admin.request("health", {})).ok).toBe(true);
  }, 15_000);
});

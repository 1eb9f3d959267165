/**
 * @module The channel layer with the real iMessage adapter against the loopback BlueBubbles fake and the
 * fake model, webhook events POSTed to the gateway's `/channels/imessage/webhook`: pairing through the CLI,
 * DM replies, name-mention gating in groups (answered as a reply), tapbacks ignored, webhook secrets,
 * chunked replies, `send` idempotency, and connecting after the server was down at start.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { agentConfig, lastUserText, startFake } from "../helpers/agent.ts";
import { approveWithCli, channelStatus, expectChunkedReply, longReply, squash, waitForChannelState } from "../helpers/channels-e2e.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { dmChat, messageEvent, postWebhook, startBlueBubblesFake, type BlueBubblesFake } from "../fakes/bluebubbles-fake.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

const ANA = "+15551110001";
const BEA = "bea@icloud.test";
const GROUP = "iMessage;+;chat987654";
const SECRET = "mayros-hook-secret";

describe("imessage through the channel layer", () => {
  let model: SseFake;
  let bb: BlueBubblesFake;
  let h: ChannelHarness;
  let base: string;
  /** POSTs `event` to the gateway with the server password and expects 200. */
  const post = async (event: ReturnType<typeof messageEvent>) => {
    const res = await postWebhook(base, event, { password: bb.password });
    expect(res.status).toBe(200);
    return event.data.guid as string;
  };

  beforeAll(async () => {
    model = startFake("anthropic");
    bb = startBlueBubblesFake({ password: "bb-server-pass" });
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { imessage: { serverUrl: bb.url, password: bb.password, webhookSecret: SECRET, requireMention: true } },
    }));
    base = h.gateway.url.replace(/^ws/, "http");
  });
  afterAll(async () => {
    await h.stop();
    bb.close();
    await model.stop();
  });

  it("should pair an unknown DM sender through the CLI and then answer in that chat", async () => {
    expect(await channelStatus(h.admin, "imessage")).toMatchObject({ state: "connected", dmPolicy: "pairing" });

    await post(messageEvent(dmChat(ANA), ANA, "hi there"));
    await bb.waitFor(() => bb.sends.length >= 1);
    const pairing = bb.sends[0]!;
    expect(pairing.chatGuid).toBe(dmChat(ANA));
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(pairing.message)?.[1];
    expect(code).toBeDefined();
    expect(pairing.message).toContain(`mayros pairing approve imessage ${code}`);
    expect(model.requests).toHaveLength(0);

    const cli = await approveWithCli(h.gateway.url, "imessage", code!);
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: "" });
    expect(cli.stdout).toContain("on imessage/default");
    await bb.waitFor(() => bb.sends.length >= 2); // the approval notice
    expect(bb.sends[1]!.chatGuid).toBe(dmChat(ANA));

    model.script({ text: ["**Hello** ", "Ana"] });
    const guid = await post(messageEvent(dmChat(ANA), ANA, "how are you?"));
    await bb.waitFor(() => bb.sends.length >= 3);
    expect(bb.sends[2]).toMatchObject({ chatGuid: dmChat(ANA), message: "Hello Ana", method: "private-api", selectedMessageGuid: guid });
    expect(model.requests).toHaveLength(1);
    expect(lastUserText(model.requests[0]!.body)).toContain("how are you?");
  });

  it("should answer 401 to a webhook without the right secret and accept the x-mayros-token header", async () => {
    const before = bb.sends.length;
    const event = messageEvent(dmChat(ANA), ANA, "sneaky");
    expect((await postWebhook(base, event, {})).status).toBe(401);
    expect((await postWebhook(base, event, { password: "wrong" })).status).toBe(401);
    expect((await postWebhook(base, event, { token: "wrong" })).status).toBe(401);
    expect((await postWebhook(base, event, { token: SECRET }, "other")).status).toBe(404);
    const tapback = messageEvent(dmChat(ANA), ANA, "Liked “how are you?”", { associatedMessageType: "like" });
    expect((await postWebhook(base, tapback, { token: SECRET })).status).toBe(200);
    expect(bb.sends.length).toBe(before);
    expect(model.requests).toHaveLength(1);
  });

  it("should ignore a group message without a mention and a tapback, and answer a mention as a reply", async () => {
    const requests = model.requests.length;
    const before = bb.sends.length;
    model.script({ text: ["In the group"] });
    await post(messageEvent(GROUP, BEA, "just chatter"));
    await post(messageEvent(GROUP, BEA, "Laughed at “just chatter”", { associatedMessageType: 2003 }));
    const guid = await post(messageEvent(GROUP, BEA, "Mayros, what is up?"));
    await bb.waitFor(() => bb.sends.length >= before + 1);
    expect(bb.sends.slice(before)).toEqual([{ chatGuid: GROUP, message: "In the group", method: "private-api", selectedMessageGuid: guid, tempGuid: bb.sends[before]!.tempGuid }]);
    expect(model.requests.length - requests).toBe(1);
    const seen = lastUserText(model.requests.at(-1)!.body);
    expect(seen).toContain("what is up?");
    expect(seen).not.toContain("chatter");
  });

  it("should deliver a ~9000-character reply as ordered chunks in the group", async () => {
    const before = bb.sends.length;
    const full = longReply(9000);
    model.script({ text: [full.slice(0, 3000), full.slice(3000, 6000), full.slice(6000)] });
    const guid = await post(messageEvent(GROUP, BEA, "mayros tell me a lot"));
    const received = () => squash(bb.sends.slice(before).map((s) => s.message).join(" "));
    await bb.waitFor(() => received().length >= squash(full).length);
    const chunks = bb.sends.slice(before).map((s) => ({ chat: s.chatGuid, text: s.message, replyTo: s.selectedMessageGuid }));
    expectChunkedReply(chunks, { full, chat: GROUP, replyTo: guid, limit: 2000 });
  });

  it("should send through imessage once per idempotency key", async () => {
    const before = bb.sends.length;
    const to = dmChat("+15559990000");
    const params = { channel: "imessage", to, message: "from the operator", idempotencyKey: "imessage-send-1" };
    const first = await h.admin.request("send", params);
    expect(first.ok).toBe(true);
    expect(first.payload).toMatchObject({ runId: "imessage-send-1", channel: "imessage", chatId: to });
    expect(first.payload.messageId).toMatch(/^bb-out-\d+$/);
    const retry = await h.admin.request("send", params);
    expect(retry.payload).toEqual(first.payload);
    expect(bb.sends.slice(before).map(({ chatGuid, message, method }) => ({ chatGuid, message, method }))).toEqual([{ chatGuid: to, message: "from the operator", method: "private-api" }]);
  });
});

describe("imessage server down when the gateway starts", () => {
  let bb: BlueBubblesFake;
  let h: ChannelHarness;

  beforeAll(async () => {
    bb = startBlueBubblesFake();
    bb.down();
    h = await startChannelGateway({ channels: { imessage: { serverUrl: bb.url, password: bb.password } } });
  });
  afterAll(async () => {
    await h.stop();
    bb.close();
  });

  it("should report imessage disconnected, connect after the server is back and answer health throughout", async () => {
    const down = await channelStatus(h.admin, "imessage");
    expect(down).toMatchObject({ state: "disconnected" });
    expect(down.lastError).toContain("HTTP 503");
    expect((await h.admin.request("health", {})).ok).toBe(true);

    bb.up();
    await bb.waitFor(() => bb.pings >= 1); // the adapter retried on its own
    expect(await waitForChannelState(h.admin, "imessage", "connected")).toMatchObject({ state: "connected" });
    expect((await h.admin.request("health", {})).ok).toBe(true);
  }, 15_000);
});

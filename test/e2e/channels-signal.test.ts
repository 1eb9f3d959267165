/**
 * @module The channel layer with the real Signal adapter against the loopback signal-cli fake and the
 * fake model: pairing through the CLI, DM replies, mention gating in groups (answered with a quote),
 * chunked replies, `send` idempotency, and reconnecting after the daemon was down at start.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { agentConfig, lastUserText, startFake } from "../helpers/agent.ts";
import { approveWithCli, channelStatus, longReply, squash, waitForChannelState } from "../helpers/channels-e2e.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { startSignalFake, type SignalFake } from "../fakes/signal-fake.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

const ANA = "+15551110001";
const BEA = "+15551110002";
const GROUP = "c2lnbmFsLWdyb3VwLWlk==";

describe("signal through the channel layer", () => {
  let model: SseFake;
  let signal: SignalFake;
  let h: ChannelHarness;

  beforeAll(async () => {
    model = startFake("anthropic");
    signal = startSignalFake({ account: "+15550000000" });
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { signal: { url: signal.url, account: signal.account, requireMention: true } },
    }));
  });
  afterAll(async () => {
    await h.stop();
    signal.close();
    await model.stop();
  });

  it("should pair an unknown DM sender through the CLI and then answer the sender", async () => {
    expect(await channelStatus(h.admin, "signal")).toMatchObject({ state: "connected", dmPolicy: "pairing", botId: "+15550000000" });
    expect(signal.openStreams).toBe(1);

    signal.dm(ANA, "hi there");
    await signal.waitFor(() => signal.sends.length >= 1);
    const pairing = signal.sends[0]!;
    expect(pairing.recipient).toEqual([ANA]);
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(String(pairing.message))?.[1];
    expect(code).toBeDefined();
    expect(String(pairing.message)).toContain(`mayros pairing approve signal ${code}`);
    expect(model.requests).toHaveLength(0);

    const cli = await approveWithCli(h.gateway.url, "signal", code!);
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: "" });
    expect(cli.stdout).toContain(`approved Ana (${ANA}) on signal/default`);
    await signal.waitFor(() => signal.sends.length >= 2); // the approval notice
    expect(signal.sends[1]!.recipient).toEqual([ANA]);

    model.script({ text: ["**Hello** ", "Ana"] });
    const ts = signal.dm(ANA, "how are you?");
    await signal.waitFor(() => signal.sends.length >= 3);
    expect(signal.sends[2]).toMatchObject({ recipient: [ANA], message: "Hello Ana", quoteTimestamp: ts, quoteAuthor: ANA });
    expect(model.requests).toHaveLength(1);
    expect(lastUserText(model.requests[0]!.body)).toContain("how are you?");
  });

  it("should ignore a group message without a mention and answer a mention in the group with a quote", async () => {
    const requests = model.requests.length;
    const before = signal.sends.length;
    model.script({ text: ["In the group"] });
    signal.group(GROUP, BEA, "just chatter");
    const ts = signal.group(GROUP, BEA, "what is up?", { mention: true });
    await signal.waitFor(() => signal.sends.length >= before + 1);
    expect(signal.sends.slice(before)).toEqual([{ account: signal.account, groupId: GROUP, message: "In the group", quoteTimestamp: ts, quoteAuthor: BEA }]);
    expect(model.requests.length - requests).toBe(1);
    const seen = lastUserText(model.requests.at(-1)!.body);
    expect(seen).toContain("what is up?");
    expect(seen).not.toContain("chatter");
    expect(seen).not.toContain("\uFFFC");
  });

  it("should deliver a ~9000-character reply as ordered chunks in the group", async () => {
    const before = signal.sends.length;
    const full = longReply(9000);
    model.script({ text: [full.slice(0, 3000), full.slice(3000, 6000), full.slice(6000)] });
    const ts = signal.group(GROUP, BEA, "tell me a lot", { mention: true });
    const received = () => squash(signal.sends.slice(before).map((s) => String(s.message)).join(" "));
    await signal.waitFor(() => received().length >= squash(full).length);
    const chunks = signal.sends.slice(before);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    for (const c of chunks) {
      expect(String(c.message).length).toBeLessThanOrEqual(2000);
      expect(c.groupId).toBe(GROUP);
    }
    expect(chunks[0]).toMatchObject({ quoteTimestamp: ts, quoteAuthor: BEA });
    expect(chunks.slice(1).every((c) => c.quoteTimestamp === undefined)).toBe(true);
    expect(received()).toBe(squash(full));
  });

  it("should send through signal once per idempotency key", async () => {
    const before = signal.sends.length;
    const params = { channel: "signal", to: "+15559990000", message: "from the operator", idempotencyKey: "signal-send-1" };
    const first = await h.admin.request("send", params);
    expect(first.ok).toBe(true);
    expect(first.payload).toMatchObject({ runId: "signal-send-1", channel: "signal", chatId: "+15559990000" });
    expect(first.payload.messageId).toMatch(/^\d+$/);
    const retry = await h.admin.request("send", params);
    expect(retry.payload).toEqual(first.payload);
    expect(signal.sends.slice(before)).toEqual([{ account: signal.account, recipient: ["+15559990000"], message: "from the operator" }]);
  });
});

describe("signal down when the gateway starts", () => {
  let signal: SignalFake;
  let h: ChannelHarness;

  beforeAll(async () => {
    signal = startSignalFake();
    signal.down();
    h = await startChannelGateway({ channels: { signal: { url: signal.url, account: signal.account } } });
  });
  afterAll(async () => {
    await h.stop();
    signal.close();
  });

  it("should report signal disconnected, reconnect after it is back and answer health throughout", async () => {
    const down = await channelStatus(h.admin, "signal");
    expect(down).toMatchObject({ state: "disconnected" });
    expect(down.lastError).toContain("HTTP 503");
    expect((await h.admin.request("health", {})).ok).toBe(true);

    signal.up();
    await signal.waitFor(() => signal.connections >= 1); // the adapter retried on its own
    expect(await waitForChannelState(h.admin, "signal", "connected")).toMatchObject({ state: "connected" });
    expect((await h.admin.request("health", {})).ok).toBe(true);
  }, 15_000);
});

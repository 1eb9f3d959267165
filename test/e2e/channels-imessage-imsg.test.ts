/**
 * @module The channel layer with the real iMessage adapter in `imsg` mode: the gateway spawns the fake `imsg`
 * executable (`cliPath`, `dbPath`) and talks line-delimited JSON-RPC to it; inbound messages are pushed as `message`
 * notifications. Covers pairing through the CLI, DM replies threaded with `reply_to`, name-mention gating in groups,
 * chunked replies, `send` idempotency, no BlueBubbles webhook in this mode, and an outage: the child is killed,
 * respawns fail with a stderr message (status disconnected with that tail), then it is respawned and connected again.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { agentConfig, lastUserText, startFake } from "../helpers/agent.ts";
import { approveWithCli, channelStatus, expectChunkedReply, longReply, squash, waitForChannelState } from "../helpers/channels-e2e.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { imsgMessage, startImsgFake, type ImsgFake } from "../fakes/imsg-fake.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

const ANA = "+15551110001";
const BEA = "bea@icloud.test";
const ANA_CHAT = 11;
const GROUP_CHAT = 22;
const DB = "/Users/mayros/Library/Messages/chat.db";

describe("imessage through imsg in the channel layer", () => {
  let model: SseFake;
  let fake: ImsgFake;
  let h: ChannelHarness;
  /** Pushes `message` to the live child and returns its guid. */
  const push = (message: Record<string, any>) => {
    fake.message(message);
    return message.guid as string;
  };

  beforeAll(async () => {
    model = startFake("anthropic");
    fake = startImsgFake();
    h = await startChannelGateway(agentConfig("anthropic", model.url, {
      messages: { queue: { debounceMs: 0 } },
      channels: { imessage: { mode: "imsg", cliPath: fake.cliPath, dbPath: DB, botName: "Jarvis", requireMention: true } },
    }));
  });
  afterAll(async () => {
    await h.stop();
    await fake.waitFor(() => fake.children.every((c) => !c.alive)); // the gateway's stop killed the child
    fake.close();
    await model.stop();
  });

  it("should pair an unknown DM sender through the CLI and then answer in that chat with reply_to", async () => {
    expect(await channelStatus(h.admin, "imessage")).toMatchObject({ state: "connected", mode: "imsg", dmPolicy: "pairing", botName: "Jarvis" });
    expect(fake.children.map((c) => c.argv)).toEqual([["rpc", "--db", DB]]);

    push(imsgMessage(ANA_CHAT, ANA, "hi there"));
    await fake.waitFor(() => fake.sends.length >= 1);
    const pairing = fake.sends[0]!;
    expect(pairing.chat_id).toBe(ANA_CHAT);
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(pairing.text)?.[1];
    expect(code).toBeDefined();
    expect(pairing.text).toContain(`mayros pairing approve imessage ${code}`);
    expect(model.requests).toHaveLength(0);

    const cli = await approveWithCli(h.gateway.url, "imessage", code!);
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: "" });
    expect(cli.stdout).toContain("on imessage/default");
    await fake.waitFor(() => fake.sends.length >= 2); // the approval notice
    expect(fake.sends[1]).toMatchObject({ chat_id: ANA_CHAT });

    model.script({ text: ["**Hello** ", "Ana"] });
    const guid = push(imsgMessage(ANA_CHAT, ANA, "how are you?"));
    await fake.waitFor(() => fake.sends.length >= 3);
    expect(fake.sends[2]).toEqual({ chat_id: ANA_CHAT, text: "Hello Ana", reply_to: guid });
    expect(model.requests).toHaveLength(1);
    expect(lastUserText(model.requests[0]!.body)).toContain("how are you?");
  });

  it("should have no BlueBubbles webhook in imsg mode", async () => {
    const base = h.gateway.url.replace(/^ws/, "http");
    const res = await fetch(`${base}/channels/imessage/webhook?password=x`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(404);
  });

  it("should ignore group messages without a mention and our own, and answer a name mention as a reply", async () => {
    const requests = model.requests.length;
    const before = fake.sends.length;
    model.script({ text: ["In the group"] });
    push(imsgMessage(GROUP_CHAT, BEA, "just chatter", { group: true }));
    push(imsgMessage(GROUP_CHAT, BEA, "mayros, from my own phone", { group: true, is_from_me: true }));
    const guid = push(imsgMessage(GROUP_CHAT, BEA, "Jarvis, what is up?", { group: true }));
    await fake.waitFor(() => fake.sends.length >= before + 1);
    expect(fake.sends.slice(before)).toEqual([{ chat_id: GROUP_CHAT, text: "In the group", reply_to: guid }]);
    expect(model.requests.length - requests).toBe(1);
    const seen = lastUserText(model.requests.at(-1)!.body);
    expect(seen).toContain("what is up?");
    expect(seen).not.toContain("chatter");
    expect(seen).not.toContain("own phone");
  });

  it("should deliver a ~9000-character reply as ordered chunks in the group, threading only the first", async () => {
    const before = fake.sends.length;
    const full = longReply(9000);
    model.script({ text: [full.slice(0, 3000), full.slice(3000, 6000), full.slice(6000)] });
    const guid = push(imsgMessage(GROUP_CHAT, BEA, "mayros tell me a lot", { group: true }));
    const received = () => squash(fake.sends.slice(before).map((s) => s.text).join(" "));
    await fake.waitFor(() => received().length >= squash(full).length);
    const chunks = fake.sends.slice(before).map((s) => ({ chat: s.chat_id, text: s.text as string, replyTo: s.reply_to }));
    expectChunkedReply(chunks, { full, chat: GROUP_CHAT, replyTo: guid, limit: 2000 });
  });

  it("should send through imessage once per idempotency key, addressing a handle with `to`", async () => {
    const before = fake.sends.length;
    const to = "+15559990000";
    const params = { channel: "imessage", to, message: "from the **operator**", idempotencyKey: "imsg-send-1" };
    const first = await h.admin.request("send", params);
    expect(first.ok).toBe(true);
    expect(first.payload).toMatchObject({ runId: "imsg-send-1", channel: "imessage", chatId: to });
    expect(first.payload.messageId).toMatch(/^imsg-out-\d+$/);
    const retry = await h.admin.request("send", params);
    expect(retry.payload).toEqual(first.payload);
    expect(fake.sends.slice(before)).toEqual([{ to, text: "from the operator" }]);
  });

  it("should report the killed child as disconnected, show the stderr of failing respawns, then respawn and connect", async () => {
    const spawned = fake.children.length;
    fake.down("imsg: unable to open database file (grant Full Disk Access)\n");
    fake.kill();
    const down = await waitForChannelState(h.admin, "imessage", "disconnected");
    expect(down.lastError).toBe("imsg was killed by SIGKILL");
    expect((await h.admin.request("health", {})).ok).toBe(true);
    const sent = await h.admin.request("send", { channel: "imessage", to: ANA, message: "while down", idempotencyKey: "imsg-send-down" });
    expect(sent.ok).toBe(false);
    expect(sent.error.message).toContain("imsg is not running (imsg was killed by SIGKILL)");

    await fake.waitFor(() => fake.children.length > spawned && !fake.children[spawned]!.alive); // a respawn, failed
    const failing = await waitForChannelState(h.admin, "imessage", (s) => s.state === "disconnected" && s.lastError !== "imsg was killed by SIGKILL");
    expect(failing).toMatchObject({ state: "disconnected", lastError: "imsg exited with code 1: imsg: unable to open database file (grant Full Disk Access)" });

    fake.up();
    await fake.subscribed();
    expect(await waitForChannelState(h.admin, "imessage", "connected")).toMatchObject({ state: "connected", mode: "imsg" });
    expect(fake.children.filter((c) => c.alive)).toHaveLength(1);
    expect(fake.children.at(-1)!.argv).toEqual(["rpc", "--db", DB]);

    model.script({ text: ["Back again"] });
    const before = fake.sends.length;
    const guid = push(imsgMessage(ANA_CHAT, ANA, "are you back?"));
    await fake.waitFor(() => fake.sends.length >= before + 1);
    expect(fake.sends.at(-1)).toEqual({ chat_id: ANA_CHAT, text: "Back again", reply_to: guid });
  }, 20_000);
});

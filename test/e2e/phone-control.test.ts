/**
 * @module Phone control in a running gateway (issue 11, item 3): a signed phone node declares `camera.snap`, which
 * the gateway refuses; `/phone arm camera 30s` from an owner on a chat channel (the relay fixture's channel) lets an
 * operator `node.invoke camera.snap` at once; the user allows another command with `config.patch` meanwhile; once the
 * fake clock passes the expiry and the 15 s check runs, the same invoke is refused and the config file is exactly
 * what it was plus the user's entry.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { clockedPhoneControlDir, e2eClock } from "../extensions/phone-control/clocked-plugin.ts";
import { deviceConnect, newIdentity } from "../helpers/devices.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket, type Frame } from "../helpers/ws-client.ts";

const NODES = { allowCommands: ["location.get"], denyCommands: ["camera.clip", "system.run"] };

let gw: TestGateway;
let op: TestSocket;
let phone: { sock: TestSocket; nodeId: string };
let pluginDir: string;

beforeAll(async () => {
  pluginDir = clockedPhoneControlDir();
  gw = await startTestGateway({
    gateway: { nodes: NODES },
    plugins: {
      load: { paths: [join(import.meta.dir, "..", "fixtures", "plugins-extra"), pluginDir] },
      entries: { "phone-control": { config: { allowFrom: ["relay-chat:owner"] } } },
    },
  });
  ({ sock: op } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.admin", "operator.pairing"] }));
  const identity = newIdentity();
  const node = await deviceConnect(gw.url, { identity, token: gw.token, role: "node", commands: ["camera.snap"], client: { platform: "iOS 18.1" } });
  expect(node.res.ok).toBe(true);
  phone = { sock: node.sock, nodeId: identity.deviceId };
});
afterAll(async () => {
  await phone?.sock.close();
  await op?.close();
  await gw?.stop();
  rmSync(pluginDir, { recursive: true, force: true });
});

const invokeSnap = () => op.request("node.invoke", { nodeId: phone.nodeId, command: "camera.snap", params: { facing: "back" }, idempotencyKey: crypto.randomUUID() });
const fileConfig = async () => (await op.request("config.get", {})).payload.config;
const fileNodes = async () => (await fileConfig()).gateway.nodes;

/** Every message the relay channel sent so far. */
const sent = async () => (await op.request("relay.sent", {})).payload.sent as Array<{ chatId: string; text: string }>;

/** Sends `text` from `senderId` into the relay channel and returns the channel's next message to that chat. */
async function chat(senderId: string, text: string): Promise<string> {
  const before = (await sent()).length;
  await op.request("relay.inject", { senderId, text });
  // The router answers asynchronously; each round trip gives it a turn of the event loop.
  for (let i = 0; i < 2000; i++) {
    const reply = (await sent()).slice(before).find((m) => m.chatId === senderId);
    if (reply) return reply.text;
  }
  throw new Error(`no reply to ${JSON.stringify(text)}`);
}

/** Lets `senderId` through the channel's DM pairing. */
async function pair(senderId: string): Promise<void> {
  const code = /Pairing code: ([A-Z2-9]{8})/.exec(await chat(senderId, "hello"))?.[1];
  expect((await op.request("pairing.approve", { channel: "relay-chat", code })).ok).toBe(true);
}

describe("phone control with a real gateway, a connected node and a fake clock", () => {
  it("should refuse camera.snap before arming, and let only an owner arm", async () => {
    const refused = await invokeSnap();
    expect(refused.error).toMatchObject({ code: "INVALID_REQUEST", message: "command not allowed by the gateway: camera.snap (see gateway.nodes.allowCommands)" });
    await pair("guest");
    expect(await chat("guest", "/phone arm camera 30s")).toStartWith("Not allowed: only the owners in plugins.entries.phone-control.config.allowFrom may arm");
    expect(await fileNodes()).toEqual(NODES);
  });

  it("should let the operator invoke camera.snap once an owner armed camera for 30 s, and disarm at expiry keeping the user's edit", async () => {
    const initial = await fileConfig();
    await pair("owner");
    expect(await chat("owner", "/phone arm camera 30s")).toBe([
      "Phone control: armed camera (camera.snap, camera.clip) by relay-chat:owner.",
      `Disarms at ${new Date(e2eClock.now() + 30_000).toISOString()} (in 30s).`,
    ].join("\n"));
    expect(await fileNodes()).toEqual({ allowCommands: ["location.get", "camera.snap", "camera.clip"], denyCommands: ["system.run"] });

    const pending = invokeSnap();
    const request = await phone.sock.nextEvent("node.invoke.request");
    expect(request.payload).toMatchObject({ nodeId: phone.nodeId, command: "camera.snap", paramsJSON: '{"facing":"back"}' });
    await phone.sock.request("node.invoke.result", { id: request.payload.id, nodeId: phone.nodeId, ok: true, payloadJSON: '{"format":"jpg"}' });
    expect((await pending).payload).toEqual({ ok: true, nodeId: phone.nodeId, command: "camera.snap", payload: { format: "jpg" } });

    // Meanwhile the user allows one more command through the config API.
    const { hash, config } = (await op.request("config.get", {})).payload;
    const allowCommands = [...config.gateway.nodes.allowCommands, "screen.record"];
    expect((await op.request("config.patch", { raw: JSON.stringify({ gateway: { nodes: { allowCommands } } }), baseHash: hash })).ok).toBe(true);

    await e2eClock.advance(15_000);
    expect((await op.request("phone.status", {})).payload).toMatchObject({ armed: true, remainingMs: 15_000 });
    await e2eClock.advance(15_000); // the expiry passes: this 15 s check disarms
    expect((await op.request("phone.status", {})).payload).toEqual({ armed: false });

    const after = await invokeSnap();
    expect(after.error).toMatchObject({ code: "INVALID_REQUEST", message: "command not allowed by the gateway: camera.snap (see gateway.nodes.allowCommands)" });
    // The whole file: what it was, plus the entry the user added.
    expect(await fileConfig()).toEqual({ ...initial, gateway: { ...initial.gateway, nodes: { ...NODES, allowCommands: ["location.get", "screen.record"] } } });
    const listed = (await op.request("node.list", {})).payload.nodes.find((n: Frame) => n.nodeId === phone.nodeId);
    expect(listed).toMatchObject({ connected: true, commands: [] });
    expect(await chat("owner", "/phone status")).toBe("Phone control: disarmed.");
  });
});

/**
 * @module WhatsApp through the channel layer with the real adapter on a fake Baileys socket (the seam of
 * channels.md §5.4) and the fake model: QR login through the real CLI (the QR drawn in the terminal is the
 * qrcode library's drawing of the socket's QR; the web.login data URL decodes back to it), the linked session
 * surviving a restart without a new QR, logged-out wiping it, `linked` in `channels.status` (and the CLI's) following
 * the stored creds through all of it and a logout; then pairing an unknown DM, approving, quoted
 * replies, group mention gating, chunking, `send` idempotency and an outage with reconnect.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import QRCode from "qrcode";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { createWhatsAppAdapter, type WhatsAppAdapterOptions } from "../../src/channels/whatsapp/index.ts";
import { LOGGED_OUT } from "../../src/channels/whatsapp/adapter.ts";
import type { ChannelFactory } from "../../src/channels/manager.ts";
import { agentConfig, lastUserText, startFake } from "../helpers/agent.ts";
import { approveWithCli, channelStatus, longReply, squash, waitForChannelState } from "../helpers/channels-e2e.ts";
import { seedLinkedWhatsApp, WA_SELF, whatsappAuthRows } from "../helpers/whatsapp.ts";
import { TEST_TOKEN } from "../helpers/gateway.ts";
import { runCli, spawnCli } from "../cli/spawn.ts";
import { fakeSocketFactory, waText, type FakeSocketFactory } from "../fakes/baileys-socket-fake.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

const ANA = "15551110001@s.whatsapp.net";
const BEA = "15551110002@s.whatsapp.net";
const GROUP = "120363000000000001@g.us";
const BOT_JID = "15550000000@s.whatsapp.net";

/** The whatsapp factory: our adapter over `fake`'s sockets, with short reconnect delays. */
function whatsappFactory(fake: FakeSocketFactory): Record<string, ChannelFactory> {
  return { whatsapp: (o: WhatsAppAdapterOptions) => createWhatsAppAdapter({ ...o, makeSocket: fake.make, backoff: { initialMs: 5, maxMs: 20 } }) };
}

/** Opens every socket made with linked creds, as WhatsApp does for a known device. */
const openWhenLinked = (s: { config: { auth: { creds: { me?: unknown } } }; open(): void }) => {
  if (s.config.auth.creds.me) s.open();
};

function decodeQrDataUrl(dataUrl: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ""), "base64"));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe("whatsapp login, restart and logged out", () => {
  let stateDir: string;
  let cliState: string;
  const config = { channels: { whatsapp: {} } };
  /** `mayros channels status [--json]` against `h`: the human table, or the whatsapp row of the JSON. */
  const cliStatus = async (h: ChannelHarness, ...extra: string[]) => {
    const r = await runCli(["channels", "status", ...extra, "--url", h.gateway.url, "--token", TEST_TOKEN], { stateDir: cliState });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    return r.stdout;
  };
  const cliJsonStatus = async (h: ChannelHarness) => JSON.parse(await cliStatus(h, "--json")).channels.find((c: { channel: string }) => c.channel === "whatsapp");

  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), "mayros-wa-login-"));
    cliState = mkdtempSync(join(tmpdir(), "mayros-wa-status-cli-"));
    writeFileSync(join(stateDir, "mayros.json"), JSON.stringify(config));
  });
  afterAll(() => {
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(cliState, { recursive: true, force: true });
  });

  it("should link by QR through `mayros channels login whatsapp`, drawing the library's QR in the terminal", async () => {
    const fake = fakeSocketFactory(openWhenLinked);
    const h = await startChannelGateway(config, whatsappFactory(fake), { stateDir });
    try {
      const before = await channelStatus(h.admin, "whatsapp");
      expect(before).toMatchObject({ state: "disconnected", configured: true, linked: false });
      expect(before.lastError).toContain("not linked");
      expect(await cliStatus(h)).toMatch(/whatsapp\s+default\s+disconnected\s+not linked\s/);
      expect(await cliJsonStatus(h)).toMatchObject({ state: "disconnected", linked: false });
      expect(fake.sockets).toHaveLength(0); // no socket without a linked device

      const cliState = mkdtempSync(join(tmpdir(), "mayros-wa-cli-"));
      const cli = spawnCli(["channels", "login", "whatsapp", "--url", h.gateway.url, "--token", TEST_TOKEN, "--wait", "30"], { stateDir: cliState });
      try {
        const socket = await fake.socket(1);
        const qr = "2@loginQrPayload,Base64NoiseKey=,Base64IdentityKey=,Base64AdvSecret=";
        socket.showQr(qr);
        await cli.waitFor(/waiting for the scan/);
        expect(cli.stdout).toContain(await QRCode.toString(qr, { type: "terminal", small: true, errorCorrectionLevel: "L" }));
        expect(cli.stdout).toContain("Linked devices");

        socket.pair({ id: "15550000000:4@s.whatsapp.net", name: "Mayros" });
        socket.close(515, "Stream Errored (restart required)"); // what WhatsApp does right after pairing
        expect(await cli.exited).toBe(0);
        expect(cli.stdout).toContain("linked as 15550000000:4@s.whatsapp.net");
        expect(fake.sockets).toHaveLength(2); // the restart reconnected with the new creds and opened
      } finally {
        await cli.dispose();
        rmSync(cliState, { recursive: true, force: true });
      }
      expect(await channelStatus(h.admin, "whatsapp")).toMatchObject({ state: "connected", botId: "15550000000:4@s.whatsapp.net", linked: true });
      expect(await cliStatus(h)).toMatch(/whatsapp\s+default\s+connected\s+linked\s/);
      expect(await cliJsonStatus(h)).toMatchObject({ state: "connected", linked: true });
      const again = await h.admin.request("web.login.start", {});
      expect(again.payload).toMatchObject({ connected: true });
    } finally {
      await h.stop();
    }
    expect(whatsappAuthRows(stateDir, "creds")).toBe(1);
  });

  it("should start with the stored creds after a restart without asking for a QR, and clear them when logged out", async () => {
    const fake = fakeSocketFactory(openWhenLinked);
    const h = await startChannelGateway(config, whatsappFactory(fake), { stateDir });
    try {
      expect(await channelStatus(h.admin, "whatsapp")).toMatchObject({ state: "connected", botId: "15550000000:4@s.whatsapp.net", linked: true });
      expect(fake.sockets).toHaveLength(1);
      expect(fake.sockets[0]!.config.auth.creds.me?.id).toBe("15550000000:4@s.whatsapp.net");

      fake.sockets[0]!.close(401, "Connection Failure"); // unlinked from the phone
      const out = await waitForChannelState(h.admin, "whatsapp", (s) => s.lastError === LOGGED_OUT);
      expect(out).toMatchObject({ state: "disconnected", linked: false });
      expect(whatsappAuthRows(stateDir, "creds")).toBe(0);
      expect(fake.sockets).toHaveLength(1); // no reconnect after a logout

      // A new login shows a QR again, as a PNG data URL that decodes back to the socket's QR.
      const started = h.admin.request("web.login.start", { timeoutMs: 5000 });
      (await fake.socket(2)).showQr("2@secondQr,AAA=,BBB=,CCC=");
      const res = await started;
      expect(res.ok).toBe(true);
      expect(res.payload.qr).toBe("2@secondQr,AAA=,BBB=,CCC=");
      expect(decodeQrDataUrl(res.payload.qrDataUrl)).toBe("2@secondQr,AAA=,BBB=,CCC=");
      const waited = h.admin.request("web.login.wait", { timeoutMs: 5000, currentQrDataUrl: res.payload.qrDataUrl });
      fake.sockets[1]!.showQr("2@thirdQr,AAA=,BBB=,CCC=");
      expect((await waited).payload).toMatchObject({ connected: false, qr: "2@thirdQr,AAA=,BBB=,CCC=" });
      expect(await channelStatus(h.admin, "whatsapp")).toMatchObject({ linked: false }); // a QR on screen links nothing
    } finally {
      await h.stop();
    }
  });

  it("should report a linked device as not linked once `channels.logout` unlinked it", async () => {
    seedLinkedWhatsApp(stateDir);
    const fake = fakeSocketFactory(openWhenLinked);
    const h = await startChannelGateway(config, whatsappFactory(fake), { stateDir });
    try {
      expect(await channelStatus(h.admin, "whatsapp")).toMatchObject({ state: "connected", linked: true });
      expect((await h.admin.request("channels.logout", { channel: "whatsapp" })).payload).toMatchObject({ loggedOut: true });
      expect(fake.sockets[0]!.loggedOut).toBe(true);
      expect(await channelStatus(h.admin, "whatsapp")).toMatchObject({ state: "stopped", linked: false });
      expect(await cliJsonStatus(h)).toMatchObject({ state: "stopped", linked: false });
      expect(whatsappAuthRows(stateDir, "creds")).toBe(0);
    } finally {
      await h.stop();
    }
  });
});

describe("whatsapp through the channel layer", () => {
  let model: SseFake;
  let fake: FakeSocketFactory;
  let stateDir: string;
  let h: ChannelHarness;
  let autoOpen = true;
  const sock = () => fake.sockets.at(-1)!;
  const text = (i: number) => {
    const c = fake.sends()[i]?.content as { text?: string; caption?: string } | undefined;
    return c?.text ?? c?.caption ?? "";
  };

  beforeAll(async () => {
    model = startFake("anthropic");
    fake = fakeSocketFactory((s) => autoOpen && openWhenLinked(s));
    stateDir = mkdtempSync(join(tmpdir(), "mayros-wa-e2e-"));
    const config = agentConfig("anthropic", model.url, { messages: { queue: { debounceMs: 0 } }, channels: { whatsapp: { requireMention: true } } });
    writeFileSync(join(stateDir, "mayros.json"), JSON.stringify(config));
    seedLinkedWhatsApp(stateDir);
    h = await startChannelGateway(config, whatsappFactory(fake), { stateDir });
  });
  afterAll(async () => {
    await h.stop();
    await model.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("should pair an unknown DM sender through the CLI and then answer with a quoted reply", async () => {
    expect(await channelStatus(h.admin, "whatsapp")).toMatchObject({ state: "connected", dmPolicy: "pairing", botId: WA_SELF.id });
    sock().deliver(waText(ANA, "hi there"));
    await fake.waitFor(() => fake.sends().length >= 1);
    expect(fake.sends()[0]!.jid).toBe(ANA);
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(text(0))?.[1];
    expect(code).toBeDefined();
    expect(text(0)).toContain(`mayros pairing approve whatsapp ${code}`);
    expect(model.requests).toHaveLength(0);

    const cli = await approveWithCli(h.gateway.url, "whatsapp", code!);
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: "" });
    expect(cli.stdout).toContain("+15551110001");
    await fake.waitFor(() => fake.sends().length >= 2); // the approval notice

    model.script({ text: ["**Hello** ", "Ana"] });
    const inbound = waText(ANA, "how are you?");
    sock().deliver(inbound);
    await fake.waitFor(() => fake.sends().length >= 3);
    expect(fake.sends()[2]).toEqual({ jid: ANA, content: { text: "*Hello* Ana" }, quotedId: inbound.key.id! });
    expect(lastUserText(model.requests[0]!.body)).toContain("how are you?");
    expect(sock().read).toHaveLength(0); // read receipts are off by default
  });

  it("should ignore a group message without a mention and answer a mention with a quote", async () => {
    const requests = model.requests.length;
    const before = fake.sends().length;
    model.script({ text: ["In the group"] });
    sock().deliver(waText(BEA, "just chatter", { group: GROUP }));
    const asked = waText(BEA, "@15550000000 what is up?", { group: GROUP, mentions: [BOT_JID] });
    sock().deliver(asked);
    await fake.waitFor(() => fake.sends().length >= before + 1);
    expect(fake.sends().slice(before)).toEqual([{ jid: GROUP, content: { text: "In the group" }, quotedId: asked.key.id! }]);
    expect(model.requests.length - requests).toBe(1);
    const seen = lastUserText(model.requests.at(-1)!.body);
    expect(seen).toContain("what is up?");
    expect(seen).not.toContain("chatter");
    expect(seen).not.toContain("@15550000000");
  });

  it("should deliver a ~9000-character reply as ordered chunks of at most 4000 characters", async () => {
    const before = fake.sends().length;
    const full = longReply(9000);
    model.script({ text: [full.slice(0, 3000), full.slice(3000, 6000), full.slice(6000)] });
    const asked = waText(BEA, "@15550000000 tell me a lot", { group: GROUP, mentions: [BOT_JID] });
    sock().deliver(asked);
    const received = () => squash(fake.sends().slice(before).map((_, i) => text(before + i)).join(" "));
    await fake.waitFor(() => received().length >= squash(full).length);
    const chunks = fake.sends().slice(before);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const [i] of chunks.entries()) expect(text(before + i).length).toBeLessThanOrEqual(4000);
    expect(chunks[0]!.quotedId).toBe(asked.key.id!);
    expect(chunks.slice(1).every((c) => c.quotedId === undefined)).toBe(true);
    expect(received()).toBe(squash(full));
  });

  it("should send through whatsapp once per idempotency key", async () => {
    const before = fake.sends().length;
    const params = { channel: "whatsapp", to: "+1 555 999 0000", message: "from the operator", idempotencyKey: "wa-send-1" };
    const first = await h.admin.request("send", params);
    expect(first.ok).toBe(true);
    expect(first.payload).toMatchObject({ runId: "wa-send-1", channel: "whatsapp" });
    expect(first.payload.messageId).toMatch(/^3EB0SENT\d+$/);
    const retry = await h.admin.request("send", params);
    expect(retry.payload).toEqual(first.payload);
    expect(fake.sends().slice(before)).toEqual([{ jid: "15559990000@s.whatsapp.net", content: { text: "from the operator" } }]);
  });

  it("should report an outage as disconnected and reconnect on its own", async () => {
    const sockets = fake.sockets.length;
    autoOpen = false; // WhatsApp stays unreachable until the test opens the new socket
    sock().close(428, "Connection Closed");
    await fake.waitFor(() => fake.sockets.length > sockets); // reconnecting with backoff
    const down = await channelStatus(h.admin, "whatsapp");
    expect(down.state).not.toBe("connected");
    expect(down.lastError).toBe("connection closed (428): Connection Closed");
    const refused = await h.admin.request("send", { channel: "whatsapp", to: "+15559990001", message: "x", idempotencyKey: "wa-down-1" });
    expect(refused.error).toMatchObject({ code: "UNAVAILABLE" });
    expect(refused.error.message).toContain("whatsapp is not connected");

    sock().open();
    const back = await waitForChannelState(h.admin, "whatsapp", "connected");
    expect(back.lastError).toBeUndefined();
    expect((await h.admin.request("health", {})).ok).toBe(true);
    const before = fake.sends().length;
    model.script({ text: ["still here"] });
    sock().deliver(waText(ANA, "are you back?"));
    await fake.waitFor(() => fake.sends().length > before);
    expect(text(before)).toBe("still here");
  });
});

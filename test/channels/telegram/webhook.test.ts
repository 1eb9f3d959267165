import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { createTelegramAdapter, SECRET_HEADER, type TelegramAdapter } from "../../../src/channels/telegram/index.ts";
import { startTelegramFake, type TelegramFake } from "../../fakes/telegram-fake.ts";
import { recordingContext } from "./context.ts";

let fake: TelegramFake;
let adapter: TelegramAdapter;
let rec: ReturnType<typeof recordingContext>;

beforeEach(async () => {
  fake = await startTelegramFake();
  adapter = createTelegramAdapter({ accountId: "hook", botToken: fake.token, apiRoot: fake.apiRoot, mode: "webhook", webhookSecret: "s3cret" });
  rec = recordingContext();
});

afterEach(async () => {
  await adapter.stop();
  await fake.stop();
});

function post(body: unknown, secret?: string): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== undefined) headers[SECRET_HEADER] = secret;
  return new Request("http://127.0.0.1/telegram-webhook", { method: "POST", headers, body: JSON.stringify(body) });
}

describe("TelegramAdapter.webhookHandler", () => {
  it("should connect with getMe and never long-poll", async () => {
    await adapter.start(rec.ctx);
    expect(adapter.status()).toMatchObject({ state: "connected", accountId: "hook" });
    expect(fake.calls.map((c) => c.method)).toEqual(["getMe"]);
  });

  it("should answer 401 and deliver nothing for a missing or wrong secret", async () => {
    await adapter.start(rec.ctx);
    const update = { update_id: 1, message: fake.privateMessage({ text: "hi" }) };
    expect((await adapter.webhookHandler!(post(update, "wrong"))).status).toBe(401);
    expect((await adapter.webhookHandler!(post(update))).status).toBe(401);
    expect((await adapter.webhookHandler!(post(update, "s3cret-but-longer"))).status).toBe(401);
    expect(rec.messages).toHaveLength(0);
  });

  it("should deliver the update for the right secret", async () => {
    await adapter.start(rec.ctx);
    const msg = fake.groupMessage({ text: "ping", mention: true });
    const res = await adapter.webhookHandler!(post({ update_id: 7, message: msg }, "s3cret"));
    expect(res.status).toBe(200);
    expect(await rec.message(0)).toMatchObject({ accountId: "hook", chatType: "group", mentionsBot: true, text: "ping" });
    expect(fake.callsOf("getUpdates")).toHaveLength(0);
  });

  it("should reject bodies that are not updates and requests before start", async () => {
    expect((await adapter.webhookHandler!(post({ update_id: 1 }, "s3cret"))).status).toBe(503);
    await adapter.start(rec.ctx);
    expect((await adapter.webhookHandler!(post({ nope: true }, "s3cret"))).status).toBe(400);
    expect((await adapter.webhookHandler!(new Request("http://127.0.0.1/x", { headers: { [SECRET_HEADER]: "s3cret" } }))).status).toBe(405);
  });

  it("should answer 503 after stop()", async () => {
    await adapter.start(rec.ctx);
    await adapter.stop();
    expect((await adapter.webhookHandler!(post({ update_id: 2, message: fake.privateMessage({ text: "x" }) }, "s3cret"))).status).toBe(503);
    expect(rec.messages).toHaveLength(0);
  });

  it("should not exist in polling mode", () => {
    expect(createTelegramAdapter({ botToken: fake.token }).webhookHandler).toBeUndefined();
  });
});

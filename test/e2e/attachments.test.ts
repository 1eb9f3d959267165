/**
 * Image attachments end to end, against a real gateway and the loopback model fakes: `chat.send`
 * with an image → the Anthropic request carries a base64 image block before the text → the
 * transcript keeps it, `chat.history` shows it without its data, and the next turn sends it again;
 * messages merged into one turn (queue mode collect) bring all their images; `agent` with an image
 * → an OpenAI `image_url` data URL; refusals name the attachment's field and
 * start no model call; hello-ok v4 advertises the limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { limits } from "../../src/protocol/index.ts";
import {
  chatEvents, hold, nextAssistant, resultProblem, startAgentHarness, startAgentRun, type AgentHarness, type FakeProvider,
} from "../helpers/agent.ts";
import { IMAGE_HEADS, imageAttachment, solidPng } from "../helpers/images.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

const STAMP = /^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\] /;
const png = solidPng(16, 16);
const png64 = png.toString("base64");
const jpeg64 = IMAGE_HEADS["image/jpeg"].toString("base64");

/** A gateway on a fake of `provider` (config sections `extra`) and an admin socket, for the surrounding describe block. */
function harness(provider: FakeProvider, extra: Record<string, unknown> = {}): { h: AgentHarness; sock: TestSocket } {
  const t = {} as { h: AgentHarness; sock: TestSocket };
  beforeAll(async () => {
    t.h = await startAgentHarness(provider, extra);
    t.sock = await t.h.connect();
  });
  afterAll(async () => {
    await t.h.stop();
  });
  return t;
}

describe("chat.send with images (Anthropic)", () => {
  // A short debounce, so merged turns start quickly.
  const t = harness("anthropic", { messages: { queue: { debounceMs: 30 } } });

  it("should send the images as base64 image blocks before the text, keep them in the transcript and send them again next turn", async () => {
    const key = "agent:main:images";
    t.h.fake.script({ text: ["A blue square."] });
    const attachments = [
      { ...imageAttachment(png), fileName: "square.png", origin: "file", sizeBytes: png.length, width: 16, height: 16 },
      { ...imageAttachment(IMAGE_HEADS["image/jpeg"], "image/jpeg", true), origin: "paste" },
    ];
    const res = await t.sock.request("chat.send", { sessionKey: key, message: "what is this?", attachments, idempotencyKey: "img-1" });
    expect(res.payload).toEqual({ runId: "img-1", status: "started" });
    expect((await chatEvents(t.sock, "img-1")).at(-1)!.state).toBe("final");

    const sent = t.h.fake.requests.at(-1)!.body.messages;
    expect(sent).toHaveLength(1);
    const [first, second, text] = sent[0].content;
    expect(first).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: png64 } });
    expect(second).toEqual({ type: "image", source: { type: "base64", media_type: "image/jpeg", data: jpeg64 } });
    expect(text.type).toBe("text");
    expect(text.text).toMatch(STAMP);
    expect(text.text).toEndWith("what is this?");

    // The transcript keeps the data; chat.history shows the blocks without it (agent.md §1.3).
    const stored = t.h.gw.gateway.services.sessions.tail(key, 10).map((r) => r.entry).find((e) => e.type === "message" && e.message.role === "user");
    expect(stored?.type === "message" && stored.message.content.slice(0, 2)).toEqual([
      { type: "image", mediaType: "image/png", data: png64 },
      { type: "image", mediaType: "image/jpeg", data: jpeg64 },
    ]);
    const hist = await t.sock.request("chat.history", { sessionKey: key });
    expect(resultProblem("chat.history", hist.payload)).toBeNull();
    const [user, assistant] = hist.payload.messages;
    expect(user.content).toEqual([
      { type: "image", mediaType: "image/png", omitted: true, bytes: png.length },
      { type: "image", mediaType: "image/jpeg", omitted: true, bytes: IMAGE_HEADS["image/jpeg"].length },
      { type: "text", text: text.text },
    ]);
    expect(assistant.content).toEqual([{ type: "text", text: "A blue square." }]);

    // The history of the next turn is rebuilt from the transcript, images included.
    t.h.fake.script({ text: ["Still blue."] });
    await t.sock.request("chat.send", { sessionKey: key, message: "and now?", idempotencyKey: "img-2" });
    await chatEvents(t.sock, "img-2");
    const next = t.h.fake.requests.at(-1)!.body.messages;
    expect(next).toHaveLength(3);
    expect(next[0].content.slice(0, 2)).toEqual([first, second]);
    expect(next[2].content).toHaveLength(1);
  });

  it("should bring the images of every message merged into one turn (queue mode collect)", async () => {
    const key = "agent:main:images-collect";
    const gate = hold();
    t.h.fake.script({ text: ["Busy"], interrupt: { after: 1, action: "hold", until: gate.until } }, { text: ["Both seen."] });
    await t.sock.request("chat.send", { sessionKey: key, message: "first", idempotencyKey: "merge-1" });
    await nextAssistant(t.sock, "merge-1");
    await t.sock.request("chat.send", { sessionKey: key, message: "second", attachments: [imageAttachment(png)], idempotencyKey: "merge-2" });
    await t.sock.request("chat.send", { sessionKey: key, message: "third", attachments: [imageAttachment(IMAGE_HEADS["image/jpeg"], "image/jpeg")], idempotencyKey: "merge-3" });
    gate.release();
    await chatEvents(t.sock, "merge-1");
    expect((await chatEvents(t.sock, "merge-3")).at(-1)!.state).toBe("final");
    const content = t.h.fake.requests.at(-1)!.body.messages.at(-1).content;
    expect(content.map((b: { type: string; source?: { media_type: string } }) => b.source?.media_type ?? b.type)).toEqual(["image/png", "image/jpeg", "text"]);
    expect(content[2].text).toContain("second");
    expect(content[2].text).toContain("third");
  });

  it("should refuse non-images, bad content and too many bytes, naming the field, and start no run", async () => {
    const requests = t.h.fake.requests.length;
    const refusal = async (attachments: unknown, id: string) => {
      const res = await t.sock.request("chat.send", { sessionKey: "agent:main:refused", message: "look", attachments, idempotencyKey: id });
      expect(res.ok).toBe(false);
      expect(res.error.code).toBe("INVALID_REQUEST");
      return res.error.message as string;
    };
    expect(await refusal([{ type: "file", mimeType: "application/pdf", fileName: "a.pdf", content: "JVBERi0xLjQ=" }], "bad-1"))
      .toBe('invalid chat.send params: at /attachments/0/type: must be "image" (only images are accepted)');
    expect(await refusal([imageAttachment(png), { mimeType: "text/plain", content: "aGk=" }], "bad-2"))
      .toBe('invalid chat.send params: at /attachments/1/mimeType: must be one of "image/png", "image/jpeg", "image/gif", "image/webp" (got "text/plain")');
    expect(await refusal([{ type: "image", mimeType: "image/png", content: "not base64!" }], "bad-3"))
      .toBe("invalid chat.send params: at /attachments/0/content: is not valid base64");
    const big = Buffer.concat([png, Buffer.alloc(limits.MAX_ATTACHMENT_BYTES + 1 - png.length)]);
    expect(await refusal([imageAttachment(big)], "bad-4"))
      .toBe(`invalid chat.send params: at /attachments/0/content: the images total ${limits.MAX_ATTACHMENT_BYTES + 1} bytes so far, more than the ${limits.MAX_ATTACHMENT_BYTES} allowed`);
    // The schema itself: an array of objects, `origin` paste or file.
    expect(await refusal("square.png", "bad-5")).toBe("invalid chat.send params: at /attachments: must be an array");
    expect(await refusal([{ type: "image", origin: "camera", content: png64 }], "bad-6"))
      .toBe('invalid chat.send params: at /attachments/0/origin: must be one of "paste", "file"');
    expect(t.h.fake.requests.length).toBe(requests);
    expect(t.h.gw.gateway.services.sessions.get("agent:main:refused")).toBeUndefined();
  });
});

describe("agent with images (OpenAI)", () => {
  const t = harness("openai");

  it("should send the image as an image_url data URL beside the text", async () => {
    t.h.fake.script({ text: ["A square."] });
    const { ack, final } = await startAgentRun(t.sock, { message: "describe", attachments: [imageAttachment(png, "image/png", true)], idempotencyKey: "agent-img" }, "r-img");
    expect(ack.payload.status).toBe("accepted");
    expect((await final).payload.status).toBe("ok");
    const [user] = t.h.fake.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "user");
    expect(user.content[0]).toEqual({ type: "image_url", image_url: { url: `data:image/png;base64,${png64}` } });
    expect(user.content[1].type).toBe("text");
    expect(user.content[1].text).toEndWith("describe");
  });

  it("should refuse a non-image attachment of agent, naming the field", async () => {
    const res = await t.sock.request("agent", { message: "x", attachments: [{ type: "image", content: Buffer.from("GIF? no").toString("base64") }], idempotencyKey: "agent-bad" });
    expect(res.error).toMatchObject({ code: "INVALID_REQUEST", message: "invalid agent params: at /attachments/0/content: is not a PNG, JPEG, GIF or WebP image" });
  });
});

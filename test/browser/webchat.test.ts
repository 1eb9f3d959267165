/**
 * WebChat in headless Chromium against a real gateway and the loopback Anthropic fake: first load
 * creates a device identity and connects; a reply streams token by token; stop mid-stream; a reload
 * shows history with the same device; model output with HTML renders as text; after a dropped
 * connection it reconnects and fetches the history again; images attached with the file input or
 * pasted go to the model and show in the conversation; screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { agentConfig, hold, startFake } from "../helpers/agent.ts";
import { launchBrowser, pageDeviceId, screenshot, VIEWPORTS, waitForConnection } from "../helpers/browser.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { solidPng } from "../helpers/images.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { TestSocket } from "../helpers/ws-client.ts";

let fake: SseFake;
let gw: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
beforeAll(async () => {
  fake = startFake("anthropic");
  gw = await startTestGateway(agentConfig("anthropic", fake.url));
  base = `http://127.0.0.1:${gw.gateway.port}`;
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: VIEWPORTS.desktop });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await fake?.stop();
});

/** The last assistant bubble. */
const lastReply = () => page.locator('.messages li[data-role="assistant"]').last();

/** Records every text the last assistant bubble shows, from now on (a MutationObserver in the page). */
async function recordReplyTexts(): Promise<void> {
  await page.evaluate(`(() => {
    window.__texts = [];
    const list = document.querySelector(".messages");
    new MutationObserver(() => {
      const bubbles = list.querySelectorAll('li[data-role="assistant"] .body');
      const text = bubbles.length ? bubbles[bubbles.length - 1].textContent : "";
      if (window.__texts[window.__texts.length - 1] !== text) window.__texts.push(text);
    }).observe(list, { childList: true, subtree: true, characterData: true });
  })()`);
}

async function send(text: string): Promise<void> {
  await page.locator(".composer-input").fill(text);
  await page.locator("button.send").click();
}

describe("WebChat in a browser", () => {
  let deviceId: string;

  it("should create a device identity on first load, take the token from the fragment and connect", async () => {
    await page.goto(`${base}/chat#token=${gw.token}`);
    await waitForConnection(page, "connected");
    // The token left the address bar (and the history entry).
    expect(new URL(page.url()).hash).toBe("");
    deviceId = await pageDeviceId(page);
    expect(deviceId).toMatch(/^[0-9a-f]{64}$/);
    const devices = gw.gateway.services.pairing.listDevices();
    expect(devices.map((d) => [d.deviceId, d.clientId])).toEqual([[deviceId, "webchat-ui"]]);
    await expect(page.locator(".messages .empty").textContent()).resolves.toBe("No messages yet. Say hello.");
  });

  it("should stream the reply token by token and end with the fake model's text", async () => {
    const gate = hold();
    fake.script({ text: ["Hello", " brave", " new", " world"], interrupt: { after: 2, action: "hold", until: gate.until } });
    await recordReplyTexts();
    await send("greet me");
    await expect(page.locator('.messages li[data-role="user"]').last().textContent()).resolves.toBe("greet me");
    // Two tokens are out, the rest held back by the fake: the partial text is on screen, still streaming.
    await page.locator('.messages li[data-role="assistant"][data-state="streaming"]', { hasText: "Hello brave" }).waitFor();
    expect(await lastReply().textContent()).toBe("Hello brave");
    gate.release();
    await page.locator('.messages li[data-role="assistant"][data-state="final"]').waitFor();
    expect(await lastReply().textContent()).toBe("Hello brave new world");
    const texts = (await page.evaluate("window.__texts")) as string[];
    const shown = texts.filter((t) => t && t !== "…");
    expect(shown[0]).toBe("Hello");
    expect(shown).toContain("Hello brave");
    expect(shown.at(-1)).toBe("Hello brave new world");
    expect(fake.requests.at(-1)!.body.messages.at(-1).content.at(-1).text).toEndWith("greet me");
  });

  it("should stop a reply mid-stream and keep the partial text", async () => {
    fake.script({ text: ["Partial", " answer", " never", " finished"], interrupt: { after: 2, action: "hold" } });
    await send("tell me a long story");
    await page.locator('.messages li[data-role="assistant"][data-state="streaming"]', { hasText: "Partial answer" }).waitFor();
    await page.locator("button.stop").click();
    await page.locator('.messages li[data-role="assistant"][data-state="aborted"]').waitFor();
    await fake.waitForDisconnects(1);
    expect(await lastReply().locator(".body").textContent()).toBe("Partial answer");
    expect(await lastReply().locator(".run-note").textContent()).toBe("stopped");
    await expect(page.locator("button.send").isVisible()).resolves.toBe(true);
  });

  it("should render a reply containing HTML as text: no element is created and no handler runs", async () => {
    const evil = 'Look: <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> [click](javascript:window.__xss=3) **bold**';
    fake.script({ text: [evil] });
    await send("show me html");
    await page.locator('.messages li[data-role="assistant"][data-state="final"]', { hasText: "Look:" }).waitFor();
    const reply = lastReply();
    expect(await reply.textContent()).toBe('Look: <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> [click](javascript:window.__xss=3) bold');
    expect(await page.locator(".messages img, .messages script, .messages a[href^='javascript']").count()).toBe(0);
    expect(await reply.locator("strong").textContent()).toBe("bold");
    expect(await page.evaluate("window.__xss")).toBeUndefined();
  });

  it("should show the history after a reload and reuse the same device identity", async () => {
    await page.reload();
    await waitForConnection(page, "connected");
    expect(await pageDeviceId(page)).toBe(deviceId);
    expect(gw.gateway.services.pairing.listDevices().map((d) => d.deviceId)).toEqual([deviceId]);
    const users = page.locator('.messages li[data-role="user"]');
    await users.nth(2).waitFor();
    expect(await users.allTextContents()).toEqual(["greet me", "tell me a long story", "show me html"]);
    const replies = await page.locator('.messages li[data-role="assistant"]').allTextContents();
    expect(replies[0]).toBe("Hello brave new world");
    expect(replies[1]).toBe("Partial answer");
    await screenshot(page, "chat-desktop");
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "chat-phone");
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it("should reconnect after the gateway drops the socket and fetch the history again", async () => {
    const offline = page.locator('.badge[data-state="offline"]').waitFor();
    for (const conn of gw.gateway.services.registry.values()) if (conn.identity?.client.id === "webchat-ui") conn.close(1012, "service restart");
    await offline;
    // Written while the page was away: only a fresh chat.history can show it.
    const { sock } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.admin"] });
    expect((await sock.request("chat.inject", { sessionKey: "agent:main:main", message: "written while you were away" })).ok).toBe(true);
    await sock.close();
    await waitForConnection(page, "connected");
    await page.locator('.messages li[data-role="assistant"]', { hasText: "written while you were away" }).waitFor();
    expect(await pageDeviceId(page)).toBe(deviceId);
  });

  it("should send an image attached with the file input, after a refused file and a removed paste, and show it in the conversation", async () => {
    const blue = solidPng(24, 24, [40, 120, 220]);
    const red = solidPng(24, 24, [220, 40, 40]);
    await page.locator("input.attach-input").setInputFiles([
      { name: "blue.png", mimeType: "image/png", buffer: blue },
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an image") },
    ]);
    const previews = page.locator(".attachments li");
    await previews.first().waitFor();
    await expect(page.locator(".composer-error").textContent()).resolves.toBe("notes.txt is not a PNG, JPEG, GIF or WebP image");
    // A pasted image joins the tray, and its remove button takes it out again.
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(red.toString("base64"))}), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "red.png", { type: "image/png" }));
      document.querySelector(".composer-input").dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
    await previews.nth(1).waitFor();
    await screenshot(page, "chat-attachments-desktop");
    await page.locator('.attachments button[aria-label="remove red.png"]').click();
    await expect(previews.count()).resolves.toBe(1);

    fake.script({ text: ["A blue square."] });
    await send("what colour is this?");
    await page.locator('.messages li[data-role="assistant"][data-state="final"]', { hasText: "A blue square." }).waitFor();
    const [image, text] = fake.requests.at(-1)!.body.messages.at(-1).content;
    expect(image).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: blue.toString("base64") } });
    expect(text.text).toEndWith("what colour is this?");

    const mine = page.locator('.messages li[data-role="user"]').last();
    expect(await mine.locator(".body").textContent()).toBe("what colour is this?");
    const thumb = mine.locator("img.thumb");
    expect(await thumb.getAttribute("src")).toBe(`data:image/png;base64,${blue.toString("base64")}`);
    expect(await thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(24);
    await expect(page.locator(".attachments").isHidden()).resolves.toBe(true);
    await screenshot(page, "chat-image-desktop");
  });

  it("should show the image of a history message as a placeholder with its size after a reload", async () => {
    await page.reload();
    await waitForConnection(page, "connected");
    const mine = page.locator('.messages li[data-role="user"]', { hasText: "what colour is this?" });
    await mine.waitFor();
    expect(await mine.locator(".thumb.omitted").textContent()).toBe(`image · ${solidPng(24, 24, [40, 120, 220]).length} B`);
    expect(await mine.locator("img").count()).toBe(0);
  });
});

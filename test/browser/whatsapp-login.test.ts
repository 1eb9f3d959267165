/**
 * The control UI's WhatsApp QR login in headless Chromium against a gateway whose WhatsApp adapter runs on the fake
 * Baileys socket: "Show QR code" shows the socket's QR (a PNG that decodes back to it), a rotated QR replaces it,
 * and once the phone links the device the panel says so and the channel table shows it connected.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import type { Browser, Page } from "playwright-core";
import { createWhatsAppAdapter, type WhatsAppAdapterOptions } from "../../src/channels/whatsapp/index.ts";
import { launchBrowser, screenshot, VIEWPORTS, waitForConnection } from "../helpers/browser.ts";
import { TEST_TOKEN } from "../helpers/gateway.ts";
import { fakeSocketFactory, type FakeSocketFactory } from "../fakes/baileys-socket-fake.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

let h: ChannelHarness;
let fake: FakeSocketFactory;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fake = fakeSocketFactory((s) => { if (s.config.auth.creds.me) s.open(); });
  h = await startChannelGateway({ channels: { whatsapp: {} } }, {
    whatsapp: (o: WhatsAppAdapterOptions) => createWhatsAppAdapter({ ...o, makeSocket: fake.make }),
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: VIEWPORTS.desktop })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

/** The text a QR image on the page encodes. */
async function shownQr(): Promise<string | undefined> {
  const src = await page.locator(".qr-out img.qr").getAttribute("src");
  const png = PNG.sync.read(Buffer.from(src!.replace(/^data:image\/png;base64,/, ""), "base64"));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe("WhatsApp QR login in the control UI", () => {
  it("should show the socket's QR, follow a rotation, and report the link", async () => {
    await page.goto(`http://127.0.0.1:${h.gateway.port}/#token=${TEST_TOKEN}`);
    await waitForConnection(page, "connected");
    await page.goto(`http://127.0.0.1:${h.gateway.port}/#channels`);
    await page.locator("td", { hasText: "not linked" }).first().waitFor();

    await page.getByRole("button", { name: "Show QR code" }).click();
    const socket = await fake.socket(1);
    socket.showQr("2@firstQrOfTheBrowserTest,AAA=,BBB=,CCC=");
    await page.locator(".qr-out img.qr").waitFor();
    expect(await shownQr()).toBe("2@firstQrOfTheBrowserTest,AAA=,BBB=,CCC=");
    await screenshot(page, "whatsapp-qr-desktop");

    const first = await page.locator(".qr-out img.qr").getAttribute("src");
    socket.showQr("2@secondQrOfTheBrowserTest,AAA=,BBB=,CCC=");
    await page.waitForFunction(`document.querySelector(".qr-out img.qr")?.getAttribute("src") !== ${JSON.stringify(first)}`);
    expect(await shownQr()).toBe("2@secondQrOfTheBrowserTest,AAA=,BBB=,CCC=");

    socket.pair({ id: "15550000000:4@s.whatsapp.net", name: "Mayros" });
    socket.close(515, "restart required");
    await page.locator(".qr-out p.good").waitFor();
    expect(await page.locator(".qr-out p.good").textContent()).toContain("linked as 15550000000:4@s.whatsapp.net");
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.locator("span.state-connected").waitFor();
  });
});

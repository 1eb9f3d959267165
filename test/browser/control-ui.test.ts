/**
 * The control UI in headless Chromium against a gateway that approves no device on its own
 * (`gateway.pairing.autoApproveLocal: false`, so every page is treated like a remote one): a page
 * shows "waiting for approval" with its request id, an approved control UI in a second browser
 * context approves it from the Devices view, and it connects; the overview; the config editor's
 * inline errors; screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, pageDeviceId, screenshot, VIEWPORTS, waitForConnection } from "../helpers/browser.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket } from "../helpers/ws-client.ts";

let gw: TestGateway;
let browser: Browser;
let adminContext: BrowserContext;
let admin: Page;
let base: string;
beforeAll(async () => {
  gw = await startTestGateway({ gateway: { pairing: { autoApproveLocal: false } } });
  base = `http://127.0.0.1:${gw.gateway.port}`;
  browser = await launchBrowser();
  adminContext = await browser.newContext({ viewport: VIEWPORTS.desktop });
  admin = await adminContext.newPage();
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

/** The request id a waiting page shows. */
async function shownRequestId(page: Page): Promise<string> {
  await waitForConnection(page, "pairing");
  return (await page.locator(".connect-panel .request-id").getAttribute("data-request-id"))!;
}

describe("control UI pairing in a browser", () => {
  it("should show a new device as waiting for approval with its request id, then connect once approved", async () => {
    await admin.goto(`${base}/#token=${gw.token}`);
    const requestId = await shownRequestId(admin);
    expect(await admin.locator(".connect-panel h2").textContent()).toBe("Waiting for approval");
    const pending = gw.gateway.services.pairing.getPending(requestId);
    expect(pending?.deviceId).toBe(await admin.locator(".connect-panel .device-id").textContent() ?? "");
    expect(pending?.clientId).toBe("mayros-control-ui");
    // The owner approves this first browser with the CLI's way in: a local operator socket.
    const { sock } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.pairing"] });
    expect((await sock.request("device.pair.approve", { requestId })).ok).toBe(true);
    await sock.close();
    await waitForConnection(admin, "connected");
    expect(await admin.locator(".connect-panel").isHidden()).toBe(true);
  });

  it("should let the approved control UI approve a second browser from the Devices view", async () => {
    const userContext = await browser.newContext({ viewport: VIEWPORTS.phone });
    const user = await userContext.newPage();
    await user.goto(`${base}/chat#token=${gw.token}`);
    const requestId = await shownRequestId(user);
    await screenshot(user, "pairing-pending-phone");
    const userDevice = await user.locator(".connect-panel .device-id").textContent();

    await admin.goto(`${base}/#devices`);
    const approve = admin.locator(`button.approve[data-request-id="${requestId}"]`);
    await approve.waitFor();
    await approve.click();
    await waitForConnection(user, "connected");
    expect(await pageDeviceId(user)).toBe(userDevice!);
    // The approved device is listed as paired; nothing waits any more.
    await admin.locator(`button.approve[data-request-id="${requestId}"]`).waitFor({ state: "detached" });
    expect(gw.gateway.services.pairing.getDevice(userDevice!)?.clientId).toBe("webchat-ui");
    await userContext.close();
  });
});

describe("control UI views in a browser", () => {
  it("should show the overview with version, uptime and health, and a /metrics link", async () => {
    await admin.goto(`${base}/#overview`);
    await waitForConnection(admin, "connected");
    await admin.locator(".view[data-view=overview] .version").waitFor();
    expect(await admin.locator(".version").textContent()).toStartWith(gw.gateway.services.version);
    expect(await admin.locator("[data-health]").getAttribute("data-health")).toBe("ok");
    expect(await admin.locator(".uptime").textContent()).toMatch(/^\d+[smhd]/);
    expect(await admin.locator('a[href="/metrics"]').count()).toBeGreaterThan(0);
    await screenshot(admin, "overview-desktop");
    await admin.setViewportSize(VIEWPORTS.phone);
    await screenshot(admin, "overview-phone");
    await admin.setViewportSize(VIEWPORTS.desktop);
  });

  it("should check the config against config.schema while typing and show the gateway's refusal inline", async () => {
    await admin.goto(`${base}/#config`);
    const editor = admin.locator(".config-editor");
    await editor.waitFor();
    await editor.fill(JSON.stringify({ gateway: { port: "abc", nope: 1 } }, null, 2));
    await admin.locator(".config-problems li").first().waitFor();
    expect(await admin.locator(".config-problems li").allTextContents()).toEqual(["gateway.port: expected integer, got string", "gateway.nope: unknown key"]);
    expect(await admin.locator(".config-form button[type=submit]").isDisabled()).toBe(true);

    // A valid edit made stale by a change on disk: the gateway refuses it and says why, in place.
    await editor.fill(JSON.stringify({ gateway: { pairing: { autoApproveLocal: false } }, logging: { level: "debug" } }, null, 2));
    expect(await admin.locator(".config-problems li").count()).toBe(0);
    const path = gw.gateway.services.config.path;
    writeFileSync(path, `${readFileSync(path, "utf8")}\n`);
    await admin.locator(".config-form button[type=submit]").click();
    await admin.locator(".config-problems li").first().waitFor();
    expect(await admin.locator(".config-problems li").textContent()).toStartWith("INVALID_REQUEST: baseHash does not match");
  });

  it("should list channels with the QR login panel, and the other views without errors", async () => {
    for (const view of ["channels", "nodes", "sessions", "cron", "logs", "usage"]) {
      await admin.goto(`${base}/#${view}`);
      await admin.locator(`.view[data-view=${view}] .card`).first().waitFor();
      expect(await admin.locator(`.view[data-view=${view}] > .error`).count()).toBe(0);
    }
    await admin.goto(`${base}/#channels`);
    await admin.locator(".view[data-view=channels] .card").first().waitFor();
    expect(await admin.locator("h2", { hasText: "WhatsApp QR login" }).count()).toBe(1);
  });
});

/** The published `openclaw-node` client (npm) against our gateway: handshake, reads and a config write. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OpenClawClient } from "openclaw-node";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";

let gw: TestGateway;
let identityDir: string;
beforeAll(async () => {
  gw = await startTestGateway();
  identityDir = mkdtempSync(join(tmpdir(), "mayros-openclaw-node-"));
});
afterAll(async () => {
  await gw.stop();
  rmSync(identityDir, { recursive: true, force: true });
});

let identities = 0;
/** A client with its own device identity (openclaw-node prefers a stored device token over `token`). */
function client(token = gw.token, scopes = ["operator.admin"]): OpenClawClient {
  const deviceIdentityPath = join(identityDir, `device-${++identities}.json`);
  return new OpenClawClient({ url: gw.url, token, scopes, autoReconnect: false, deviceIdentityPath });
}

describe("openclaw-node client", () => {
  it("should connect, read the config and patch it with the returned hash", async () => {
    const c = client();
    await c.connect();
    expect(c.isConnected).toBe(true);
    const before = (await c.config.get()) as { hash: string; config: unknown };
    expect(before.config).toEqual({});
    await c.config.patch(JSON.stringify({ logging: { level: "debug" } }), before.hash, { note: "compat test" });
    const after = (await c.config.get()) as { hash: string; config: { logging?: { level?: string } } };
    expect(after.config.logging?.level).toBe("debug");
    expect(after.hash).not.toBe(before.hash);
    await c.disconnect();
  });

  it("should be denied config writes with its default read/write scopes", async () => {
    const c = client(gw.token, ["operator.read", "operator.write"]);
    await c.connect();
    const { hash } = (await c.config.get()) as { hash: string };
    await expect(c.config.patch(JSON.stringify({ logging: { level: "warn" } }), hash)).rejects.toThrow("missing scope: operator.admin");
    await c.disconnect();
  });

  it("should be refused for a wrong token", async () => {
    const c = client("wrong-token-value");
    // openclaw-node reports only the close, not the error response that precedes it.
    await expect(c.connect()).rejects.toThrow(/closed before handshake/);
    expect(c.isConnected).toBe(false);
    await c.disconnect();
  });
});

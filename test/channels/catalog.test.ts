/** @module Catalog facts of the channel methods, and redaction of channel secrets in config.get. */
import { describe, expect, it } from "bun:test";
import { METHODS, firstError } from "../../src/protocol/index.ts";
import { channelsMethods } from "../../src/gateway/methods/channels.ts";
import { pairingMethods } from "../../src/gateway/methods/pairing.ts";
import { redactSecrets } from "../../src/config/redact.ts";

const SPECS: Record<string, { role: string; scope: string | null; params: any }> = METHODS;

describe("channel methods in the catalog", () => {
  it("should have a catalog entry for every handler", () => {
    for (const name of Object.keys({ ...channelsMethods, ...pairingMethods })) expect(SPECS[name]).toBeDefined();
  });

  it("should need operator.read for status, operator.admin for logout and operator.pairing for pairing", () => {
    expect(SPECS["channels.status"]).toMatchObject({ role: "operator", scope: "operator.read" });
    expect(SPECS["channels.logout"]).toMatchObject({ role: "operator", scope: "operator.admin" });
    expect(SPECS["pairing.list"]).toMatchObject({ role: "operator", scope: "operator.pairing" });
    expect(SPECS["pairing.approve"]).toMatchObject({ role: "operator", scope: "operator.pairing" });
  });

  it("should require channel and code to approve", () => {
    expect(firstError(SPECS["pairing.approve"]!.params, { channel: "telegram" })).toBe("at /code: is required");
    expect(firstError(SPECS["channels.logout"]!.params, {})).toBe("at /channel: is required");
    expect(firstError(SPECS["pairing.list"]!.params, {})).toBeNull();
  });

  it("should redact channel credentials in the config", () => {
    const redacted = redactSecrets({ channels: { telegram: { botToken: "a", webhookSecret: "b" }, discord: { token: "c" }, slack: { botToken: "d", appToken: "e", signingSecret: "f" } } });
    expect(JSON.stringify(redacted)).not.toMatch(/"[a-f]"/);
  });
});

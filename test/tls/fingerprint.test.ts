import { describe, expect, it } from "bun:test";
import { X509Certificate } from "node:crypto";
import { createSelfSignedCertificate } from "../../src/tls/certificate.ts";
import {
  derToPem, fingerprintOf, fingerprintsEqual, isFingerprint, normalizeFingerprint, pemToDer,
} from "../../src/tls/index.ts";

const { certPem } = createSelfSignedCertificate({ commonName: "mayros-gateway", hosts: ["localhost"], days: 30 });
const canonical = new X509Certificate(certPem).fingerprint256;
const bare = canonical.replaceAll(":", "");

describe("fingerprintOf", () => {
  it("should equal node:crypto's X509Certificate.fingerprint256", () => {
    expect(fingerprintOf(certPem)).toBe(canonical);
  });

  it("should format 32 uppercase hex pairs joined by colons", () => {
    expect(fingerprintOf(certPem)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("should read the first certificate of a chain and ignore surrounding text", () => {
    const other = createSelfSignedCertificate({ commonName: "other", hosts: ["localhost"], days: 1 }).certPem;
    expect(fingerprintOf(`subject=CN=mayros-gateway\n${certPem}${other}`)).toBe(canonical);
  });

  it("should round-trip through pemToDer and derToPem", () => {
    expect(fingerprintOf(derToPem(pemToDer(certPem)))).toBe(canonical);
    expect(derToPem(pemToDer(certPem))).toBe(certPem);
  });

  it("should throw for text without a certificate", () => {
    expect(() => fingerprintOf("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")).toThrow(/not a PEM certificate/);
  });
});

describe("normalizeFingerprint", () => {
  it("should accept colon pairs, bare hex, any case and a sha256 prefix", () => {
    for (const input of [canonical, bare, bare.toLowerCase(), canonical.toLowerCase(), `sha256:${bare}`, `SHA256:${canonical}`, `sha-256=${bare}`, `  ${canonical}\n`]) {
      expect(normalizeFingerprint(input)).toBe(canonical);
    }
  });

  it("should reject wrong lengths and non-hex digits", () => {
    for (const input of ["", "AB:CD", bare.slice(2), `${bare}00`, `${bare.slice(1)}G`, "sha1:" + bare]) {
      expect(() => normalizeFingerprint(input)).toThrow(/invalid SHA-256 fingerprint/);
      expect(isFingerprint(input)).toBe(false);
    }
    expect(isFingerprint(bare)).toBe(true);
  });
});

describe("fingerprintsEqual", () => {
  it("should ignore format differences", () => {
    expect(fingerprintsEqual(canonical, `sha256:${bare.toLowerCase()}`)).toBe(true);
  });

  it("should be false for different or malformed fingerprints", () => {
    const different = (bare.startsWith("0") ? "1" : "0") + bare.slice(1);
    expect(fingerprintsEqual(canonical, different)).toBe(false);
    expect(fingerprintsEqual(canonical, "nonsense")).toBe(false);
    expect(fingerprintsEqual("nonsense", "nonsense")).toBe(false);
  });
});

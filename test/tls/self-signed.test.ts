import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSelfSignedCertificate } from "../../src/tls/certificate.ts";
import { ensureSelfSignedCert } from "../../src/tls/index.ts";

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "mayros-tls-")); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const snapshot = (path: string) => ({ text: readFileSync(path, "utf8"), mtimeMs: statSync(path).mtimeMs });

describe("ensureSelfSignedCert", () => {
  it("should create the certificate and key under <dir>/tls on the first call", async () => {
    const made = await ensureSelfSignedCert(dir);
    expect(made.created).toBe(true);
    expect(made.certPath).toBe(join(dir, "tls", "gateway-cert.pem"));
    expect(made.keyPath).toBe(join(dir, "tls", "gateway-key.pem"));
    expect(readFileSync(made.certPath, "utf8")).toBe(made.certPem);
    expect(readFileSync(made.keyPath, "utf8")).toBe(made.keyPem);
    expect(made.fingerprint256).toBe(new X509Certificate(made.certPem).fingerprint256);
    expect(readdirSync(join(dir, "tls")).sort()).toEqual(["gateway-cert.pem", "gateway-key.pem"]); // no temp files left
  });

  it("should write the key with mode 0600 and the directory with 0700", async () => {
    const made = await ensureSelfSignedCert(dir);
    expect(statSync(made.keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "tls")).mode & 0o777).toBe(0o700);
  });

  it("should reuse the files on later calls, keeping the fingerprint", async () => {
    const first = await ensureSelfSignedCert(dir);
    const cert = snapshot(first.certPath);
    const key = snapshot(first.keyPath);
    const second = await ensureSelfSignedCert(dir, { hosts: ["192.0.2.9"], days: 10 });
    expect(second.created).toBe(false);
    expect(second.fingerprint256).toBe(first.fingerprint256);
    expect(second.certPem).toBe(first.certPem);
    expect(second.keyPem).toBe(first.keyPem);
    expect(snapshot(first.certPath)).toEqual(cert);
    expect(snapshot(first.keyPath)).toEqual(key);
  });

  it("should make a CN mayros-gateway P-256 certificate for loopback and the given hosts, valid about 825 days", async () => {
    const made = await ensureSelfSignedCert(dir, { hosts: ["gateway.example.com", "192.0.2.9", "0.0.0.0"] });
    const cert = new X509Certificate(made.certPem);
    expect(cert.subject).toBe("CN=mayros-gateway");
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(cert.subjectAltName).toBe(
      "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:gateway.example.com, IP Address:192.0.2.9",
    );
    const days = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / 86_400_000;
    expect(days).toBe(825);
    expect(made.validTo.getTime()).toBe(new Date(cert.validTo).getTime());
  });

  it("should replace an expired certificate", async () => {
    const old = createSelfSignedCertificate({ commonName: "mayros-gateway", hosts: ["localhost"], days: 1, now: new Date(Date.now() - 3 * 86_400_000) });
    mkdirSync(join(dir, "tls"), { recursive: true });
    writeFileSync(join(dir, "tls", "gateway-cert.pem"), old.certPem);
    writeFileSync(join(dir, "tls", "gateway-key.pem"), old.keyPem, { mode: 0o600 });
    const made = await ensureSelfSignedCert(dir);
    expect(made.created).toBe(true);
    expect(made.certPem).not.toBe(old.certPem);
    expect(made.validTo.getTime()).toBeGreaterThan(Date.now());
  });

  it("should regenerate both files when only the key survived", async () => {
    const first = await ensureSelfSignedCert(dir);
    rmSync(first.certPath);
    const second = await ensureSelfSignedCert(dir);
    expect(second.created).toBe(true);
    expect(second.keyPem).not.toBe(first.keyPem);
    expect(new X509Certificate(second.certPem).checkPrivateKey((await import("node:crypto")).createPrivateKey(second.keyPem))).toBe(true);
  });

  it("should refuse, without overwriting, files that do not belong together", async () => {
    const first = await ensureSelfSignedCert(dir);
    const stranger = createSelfSignedCertificate({ commonName: "x", hosts: [], days: 30 });
    writeFileSync(first.keyPath, stranger.keyPem);
    await expect(ensureSelfSignedCert(dir)).rejects.toThrow(/delete both/);
    expect(readFileSync(first.keyPath, "utf8")).toBe(stranger.keyPem);
    expect(readFileSync(first.certPath, "utf8")).toBe(first.certPem);
  });

  it("should refuse a corrupt certificate file", async () => {
    const first = await ensureSelfSignedCert(dir);
    writeFileSync(first.certPath, "garbage");
    await expect(ensureSelfSignedCert(dir)).rejects.toThrow(/unusable TLS files/);
    expect(existsSync(first.keyPath)).toBe(true);
  });

  it("should tighten a key file that other users can read", async () => {
    const first = await ensureSelfSignedCert(dir);
    const { chmodSync } = await import("node:fs");
    chmodSync(first.keyPath, 0o644);
    await ensureSelfSignedCert(dir);
    expect(statSync(first.keyPath).mode & 0o777).toBe(0o600);
  });

  it("should reject a non-positive validity", async () => {
    await expect(ensureSelfSignedCert(dir, { days: 0 })).rejects.toThrow(/invalid certificate validity/);
  });
});

import { describe, expect, it } from "bun:test";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { createSelfSignedCertificate, ipBytes } from "../../src/tls/certificate.ts";
import { oid, sequence, time, tlv, unsignedInteger } from "../../src/tls/der.ts";
import { pemToDer } from "../../src/tls/index.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("DER encoding", () => {
  it("should encode OIDs as in X.690 (ecdsa-with-SHA256, commonName)", () => {
    expect(hex(oid("1.2.840.10045.4.3.2"))).toBe("06082a8648ce3d040302");
    expect(hex(oid("2.5.4.3"))).toBe("0603550403");
  });

  it("should use the long length form from 128 bytes on", () => {
    expect(hex(tlv(0x04, new Uint8Array(127))).slice(0, 4)).toBe("047f");
    expect(hex(tlv(0x04, new Uint8Array(128))).slice(0, 6)).toBe("048180");
    expect(hex(tlv(0x04, new Uint8Array(300))).slice(0, 8)).toBe("0482012c");
    expect(hex(sequence())).toBe("3000");
  });

  it("should encode unsigned integers minimally", () => {
    expect(hex(unsignedInteger(Uint8Array.of(0, 0, 5)))).toBe("020105");
    expect(hex(unsignedInteger(Uint8Array.of(0x80)))).toBe("02020080");
    expect(hex(unsignedInteger(Uint8Array.of(0)))).toBe("020100");
  });

  it("should use UTCTime before 2050 and GeneralizedTime from 2050", () => {
    expect(Buffer.from(time(new Date("2049-12-31T23:59:59.900Z"))).subarray(2).toString()).toBe("491231235959Z");
    expect(time(new Date("2049-01-01T00:00:00Z"))[0]).toBe(0x17);
    expect(Buffer.from(time(new Date("2050-01-01T00:00:00Z"))).subarray(2).toString()).toBe("20500101000000Z");
    expect(time(new Date("2050-01-01T00:00:00Z"))[0]).toBe(0x18);
  });
});

describe("ipBytes", () => {
  it("should give network-order bytes for IPv4 and IPv6 literals and null for names", () => {
    expect([...ipBytes("192.0.2.1")!]).toEqual([192, 0, 2, 1]);
    expect([...ipBytes("[::1]")!]).toEqual([...Array(15).fill(0), 1]);
    expect(hex(ipBytes("2001:db8::a:b")!)).toBe("20010db80000000000000000000a000b");
    expect(hex(ipBytes("::ffff:10.1.2.3")!)).toBe("00000000000000000000ffff0a010203");
    expect(ipBytes("gateway.local")).toBeNull();
  });
});

describe("createSelfSignedCertificate", () => {
  const now = new Date("2030-06-01T12:00:00Z");
  const made = createSelfSignedCertificate({
    commonName: "mayros-gateway", hosts: ["localhost", "127.0.0.1", "::1", "Gateway.Example.com", "192.0.2.7", "localhost"], days: 825, now,
  });
  const cert = new X509Certificate(made.certPem);

  it("should be a valid self-signed certificate for the generated key", () => {
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(made.keyPem))).toBe(true);
    expect(cert.subject).toBe("CN=mayros-gateway");
    expect(cert.issuer).toBe("CN=mayros-gateway");
    expect(cert.ca).toBe(false);
    expect(made.keyPem).toContain("-----BEGIN PRIVATE KEY-----");
  });

  it("should use an ECDSA P-256 key", () => {
    expect(cert.publicKey.asymmetricKeyType).toBe("ec");
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it("should name every host once in the subjectAltName, lowercased", () => {
    expect(cert.subjectAltName).toBe(
      "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:gateway.example.com, IP Address:192.0.2.7",
    );
    expect(cert.checkIP("192.0.2.7")).toBe("192.0.2.7");
    expect(cert.checkHost("gateway.example.com")).toBe("gateway.example.com");
  });

  it("should be valid from an hour before now for the given number of days", () => {
    expect(new Date(cert.validFrom).toISOString()).toBe("2030-06-01T11:00:00.000Z");
    expect(new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()).toBe(825 * 86_400_000);
  });

  it("should allow only server authentication", () => {
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
  });

  it("should have a positive 16-byte serial that differs between certificates", () => {
    const other = new X509Certificate(createSelfSignedCertificate({ commonName: "x", hosts: [], days: 1 }).certPem);
    expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(other.serialNumber).not.toBe(cert.serialNumber);
  });

  it("should encode the signature algorithm without parameters", () => {
    const der = pemToDer(made.certPem);
    const ecdsaWithSha256 = "300a06082a8648ce3d040302";
    expect(hex(der).split(ecdsaWithSha256).length - 1).toBe(2); // in TBSCertificate and Certificate
  });

  it("should leave out the subjectAltName when there are no hosts", () => {
    const bare = new X509Certificate(createSelfSignedCertificate({ commonName: "x", hosts: [], days: 1 }).certPem);
    expect(bare.subjectAltName).toBeUndefined();
    expect(bare.verify(bare.publicKey)).toBe(true);
  });

  it("should reject a host that is neither a name nor an IP", () => {
    expect(() => createSelfSignedCertificate({ commonName: "x", hosts: ["bad host"], days: 1 })).toThrow(/not a host name or IP/);
  });
});

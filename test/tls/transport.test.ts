import { describe, expect, it } from "bun:test";
import { assertSafeTransport, InsecureTransportError, isLoopbackHost, isTlsUrl } from "../../src/tls/index.ts";

describe("assertSafeTransport", () => {
  it("should allow plaintext ws:// to loopback hosts", () => {
    for (const url of [
      "ws://127.0.0.1:18789", "ws://localhost:18789/", "ws://[::1]:18789", "ws://127.1.2.3", "ws://LOCALHOST",
      "ws://127.1:18789", "ws://[0:0:0:0:0:0:0:1]:1", "ws://[::ffff:127.0.0.1]:1", "http://127.0.0.1:18789",
    ]) {
      expect(() => assertSafeTransport(url)).not.toThrow();
    }
  });

  it("should refuse plaintext ws:// to a non-loopback host, naming --insecure and the alternatives", () => {
    let caught: unknown;
    try {
      assertSafeTransport("ws://192.0.2.1:18789");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InsecureTransportError);
    const message = (caught as Error).message;
    expect(message).toContain("192.0.2.1");
    expect(message).toContain("--insecure");
    expect(message).toContain("wss://");
    expect(message).toContain("SSH tunnel");
  });

  it("should refuse look-alikes of loopback", () => {
    for (const url of ["ws://127.example.com", "ws://localhost.example.com", "ws://[::2]", "ws://0.0.0.0", "ws://10.0.0.1", "ws://gateway.lan", "http://192.0.2.1"]) {
      expect(() => assertSafeTransport(url)).toThrow(InsecureTransportError);
    }
  });

  it("should allow wss:// to any host", () => {
    for (const url of ["wss://192.0.2.1:18789", "wss://gateway.example.com", "wss://[2001:db8::1]:443", "https://192.0.2.1"]) {
      expect(() => assertSafeTransport(url)).not.toThrow();
    }
  });

  it("should allow plaintext to a remote host with the insecure flag", () => {
    expect(() => assertSafeTransport("ws://192.0.2.1:18789", { insecure: true })).not.toThrow();
  });

  it("should reject other schemes and unparsable URLs", () => {
    expect(() => assertSafeTransport("ftp://127.0.0.1")).toThrow(/unsupported gateway URL scheme/);
    expect(() => assertSafeTransport("not a url")).toThrow(TypeError);
  });
});

describe("isLoopbackHost", () => {
  it("should classify hosts without resolving names", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("127.255.255.254")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("::1")).toBe(true);
    expect(isLoopbackHost("localhost.")).toBe(true);
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
    expect(isLoopbackHost("127.evil.example")).toBe(false);
    expect(isLoopbackHost("::")).toBe(false);
  });
});

describe("isTlsUrl", () => {
  it("should be true only for wss: and https:", () => {
    expect(isTlsUrl("wss://a")).toBe(true);
    expect(isTlsUrl(new URL("https://a"))).toBe(true);
    expect(isTlsUrl("ws://a")).toBe(false);
  });
});

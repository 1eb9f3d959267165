import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSelfSignedCertificate } from "../../src/tls/certificate.ts";
import {
  checkTlsPin, describeTlsFailure, ensureSelfSignedCert, fingerprintOf, InsecureTransportError, prepareWebSocket, TlsPinError,
  webSocketOptions, type SelfSignedCert,
} from "../../src/tls/index.ts";

type Server = ReturnType<typeof Bun.serve>;

/** A wss:// echo server on 127.0.0.1 with the given certificate. */
function echoServer(tls?: { cert: string; key: string }): Server {
  return Bun.serve<undefined>({
    hostname: "127.0.0.1",
    port: 0,
    ...(tls && { tls }),
    fetch(req, server) {
      return server.upgrade(req) ? undefined : new Response("not a websocket", { status: 400 });
    },
    websocket: { message(ws, message) { ws.send(`echo:${message}`); } },
  });
}

type Outcome = { ok: true; reply: string } | { ok: false; error: unknown };

/** Opens a WebSocket, sends "ping" and resolves with the reply or with the connection's error. */
function exchange(url: string, options?: Bun.WebSocketOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    let error: unknown;
    ws.addEventListener("open", () => ws.send("ping"));
    ws.addEventListener("message", (ev) => { resolve({ ok: true, reply: String(ev.data) }); ws.close(); });
    ws.addEventListener("error", (ev) => { error = (ev as ErrorEvent).error ?? ev; });
    ws.addEventListener("close", () => resolve({ ok: false, error }));
  });
}

let dir: string;
let cert: SelfSignedCert;
let server: Server;
let url: string;
const wrongPin = "00:".repeat(31) + "00";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mayros-tls-client-"));
  cert = await ensureSelfSignedCert(dir);
  server = echoServer({ cert: cert.certPem, key: cert.keyPem });
  url = `wss://127.0.0.1:${server.port}/`;
});

afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

describe("a wss:// gateway with the generated certificate", () => {
  it("should exchange a message with a client that pins the right fingerprint", async () => {
    const pinned = await checkTlsPin(url, cert.fingerprint256, 5_000);
    expect(pinned.fingerprint256).toBe(cert.fingerprint256);
    expect(pinned.certPem).toBe(cert.certPem);
    expect(await exchange(url, webSocketOptions(url, { pin: pinned }))).toEqual({ ok: true, reply: "echo:ping" });
  });

  it("should accept the pin in any accepted format", async () => {
    const options = await prepareWebSocket(url, { pin: `sha256:${cert.fingerprint256.replaceAll(":", "").toLowerCase()}`, timeoutMs: 5_000 });
    expect(await exchange(url, options)).toEqual({ ok: true, reply: "echo:ping" });
  });

  it("should refuse a wrong pin with TlsPinError naming both fingerprints", async () => {
    let caught: unknown;
    try {
      await prepareWebSocket(url, { pin: wrongPin, timeoutMs: 5_000 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TlsPinError);
    expect((caught as Error).message).toStartWith(`TLS certificate fingerprint mismatch: expected ${wrongPin}, got ${cert.fingerprint256}`);
    expect((caught as TlsPinError).actual).toBe(cert.fingerprint256);
  });

  it("should reject the self-signed certificate without a pin and without rejectUnauthorized:false", async () => {
    const outcome = await exchange(url, webSocketOptions(url));
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: { code?: string } }).error.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(describeTlsFailure((outcome as { error: unknown }).error)).toContain("--tls-fingerprint");
    expect((await exchange(url)).ok).toBe(false);
  });

  it("should connect without verification only when insecure", async () => {
    expect(webSocketOptions(url, { insecure: true })).toEqual({ tls: { rejectUnauthorized: false } });
    expect(await exchange(url, await prepareWebSocket(url, { insecure: true }))).toEqual({ ok: true, reply: "echo:ping" });
  });

  it("should refuse a server whose certificate changed after the pin check", async () => {
    const pinned = await checkTlsPin(url, cert.fingerprint256, 5_000);
    const other = createSelfSignedCertificate({ commonName: "mayros-gateway", hosts: ["127.0.0.1"], days: 30 });
    const impostor = echoServer({ cert: other.certPem, key: other.keyPem });
    try {
      const impostorUrl = `wss://127.0.0.1:${impostor.port}/`;
      const outcome = await exchange(impostorUrl, webSocketOptions(impostorUrl, { pin: pinned }));
      expect(outcome.ok).toBe(false);
      expect(describeTlsFailure((outcome as { error: unknown }).error, { pinned: true })).toBeString();
    } finally {
      impostor.stop(true);
    }
  });

  it("should enforce the fingerprint on the WebSocket connection itself", async () => {
    // The trusted certificate is right but the expected fingerprint is not: only checkServerIdentity can refuse.
    const outcome = await exchange(url, webSocketOptions(url, { pin: { certPem: cert.certPem, fingerprint256: wrongPin } }));
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: { code?: string } }).error.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("should check the fingerprint instead of the host name when pinned", async () => {
    const named = createSelfSignedCertificate({ commonName: "mayros-gateway", hosts: ["gateway.example.com"], days: 30 });
    const remote = echoServer({ cert: named.certPem, key: named.keyPem });
    try {
      const remoteUrl = `wss://127.0.0.1:${remote.port}/`;
      const options = await prepareWebSocket(remoteUrl, { pin: fingerprintOf(named.certPem), timeoutMs: 5_000 });
      expect(await exchange(remoteUrl, options)).toEqual({ ok: true, reply: "echo:ping" });
    } finally {
      remote.stop(true);
    }
  });
});

describe("prepareWebSocket and checkTlsPin", () => {
  it("should refuse plaintext to a remote host before connecting", async () => {
    await expect(prepareWebSocket("ws://192.0.2.1:18789", { pin: wrongPin })).rejects.toBeInstanceOf(InsecureTransportError);
  });

  it("should leave a loopback ws:// URL alone", async () => {
    expect(await prepareWebSocket("ws://127.0.0.1:18789")).toEqual({});
  });

  it("should require wss:// for a pin", async () => {
    await expect(checkTlsPin("ws://127.0.0.1:18789", cert.fingerprint256)).rejects.toThrow(/needs a wss:\/\/ URL/);
    expect(() => webSocketOptions("ws://127.0.0.1:1", { pin: { certPem: cert.certPem, fingerprint256: cert.fingerprint256 } })).toThrow(/needs a wss:\/\//);
  });

  it("should reject a malformed pin before connecting", async () => {
    await expect(checkTlsPin("wss://192.0.2.1:1", "abc")).rejects.toThrow(/invalid SHA-256 fingerprint/);
  });

  it("should explain a gateway that does not speak TLS", async () => {
    const plain = echoServer();
    try {
      await expect(checkTlsPin(`wss://127.0.0.1:${plain.port}/`, cert.fingerprint256, 5_000)).rejects.toThrow(/gateway\.tls must be enabled/);
    } finally {
      plain.stop(true);
    }
  });

  it("should report an unreachable gateway", async () => {
    const gone = echoServer();
    const port = gone.port;
    gone.stop(true);
    await expect(checkTlsPin(`wss://127.0.0.1:${port}/`, cert.fingerprint256, 5_000)).rejects.toThrow(/TLS fingerprint check of wss:\/\/127\.0\.0\.1.*is the gateway running/);
  });
});

describe("describeTlsFailure", () => {
  it("should say nothing about failures unrelated to certificates", () => {
    expect(describeTlsFailure(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBeUndefined();
    expect(describeTlsFailure(undefined)).toBeUndefined();
    expect(describeTlsFailure(Object.assign(new Error("x"), { code: "CERT_HAS_EXPIRED" }))).toContain("expired");
  });
});

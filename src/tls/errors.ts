/** @module The errors this module throws, so callers can tell them apart and print their messages as they are. */

/** The server's certificate does not have the pinned SHA-256 fingerprint (`--tls-fingerprint`). */
export class TlsPinError extends Error {
  override readonly name = "TlsPinError";
  /**
   * @param expected the pinned fingerprint, canonical `AB:CD:…` form.
   * @param actual what the server presented.
   */
  constructor(readonly url: string, readonly expected: string, readonly actual: string) {
    super(
      `TLS certificate fingerprint mismatch: expected ${expected}, got ${actual} (server ${url}). ` +
        "Refusing to connect: the gateway's certificate changed or someone is intercepting the connection. " +
        "If the gateway regenerated its certificate, pass the fingerprint it prints at start-up.",
    );
  }
}

/** A plaintext `ws://` connection to a host that is not loopback, without `--insecure`. */
export class InsecureTransportError extends Error {
  override readonly name = "InsecureTransportError";
  constructor(readonly url: string, readonly host: string) {
    super(
      `refusing plaintext ws:// to non-loopback host ${host}: the gateway token and all traffic would be readable on the network. ` +
        "Use wss:// (enable gateway.tls on the gateway and pass --tls-fingerprint <its SHA-256 fingerprint>), " +
        `or an SSH tunnel (ssh -N -L 18789:127.0.0.1:18789 <gateway-host>, then ws://127.0.0.1:18789), or pass --insecure to connect anyway.`,
    );
  }
}

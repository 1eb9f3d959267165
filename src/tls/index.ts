/**
 * @module TLS for remote use: the gateway's self-signed certificate, SHA-256 fingerprints, certificate pinning
 * for the CLI's WebSocket client, and the refusal of plaintext `ws://` to remote hosts.
 * The certificate generator itself (`./certificate.ts`) is deliberately not re-exported: {@link ensureSelfSignedCert}
 * loads it on demand.
 */
export {
  ensureSelfSignedCert, LOOPBACK_HOSTS, SELF_SIGNED_COMMON_NAME, SELF_SIGNED_DEFAULT_DAYS,
  type SelfSignedCert, type SelfSignedOptions,
} from "./self-signed.ts";
export { derToPem, fingerprintOf, fingerprintOfDer, fingerprintsEqual, isFingerprint, normalizeFingerprint, pemToDer } from "./fingerprint.ts";
export {
  checkTlsPin, describeTlsFailure, prepareWebSocket, webSocketOptions,
  type PinnedCertificate, type SecureConnectOptions, type WebSocketTlsOptions,
} from "./client.ts";
export { assertSafeTransport, isLoopbackHost, isTlsUrl } from "./transport.ts";
export { InsecureTransportError, TlsPinError } from "./errors.ts";

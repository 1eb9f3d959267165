/** @module Wire limits and timers shared by server and clients (protocol.md §1, protocol-v4.md §2). */

/** Largest frame accepted after the handshake (25 MiB), advertised as `policy.maxPayload`. */
export const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;
/** Largest frame accepted before `hello-ok` (64 KiB); larger closes with 1009. */
export const MAX_PREAUTH_PAYLOAD_BYTES = 64 * 1024;
/** Per-connection send buffer before droppable events are skipped (50 MiB), `policy.maxBufferedBytes`. */
export const MAX_BUFFERED_BYTES = 50 * 1024 * 1024;
/** Decoded bytes the images of one `chat.send` / `agent` call may total (agent.md §1.1); v4 `policy.attachments`. */
export const MAX_ATTACHMENT_BYTES = 5_000_000;
/** Interval of the `tick` keepalive event. */
export const TICK_INTERVAL_MS = 30_000;
/** Time a socket has to complete `connect`. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Interval of server WebSocket pings after authentication; a peer silent for one interval after a ping is terminated. */
export const PING_INTERVAL_MS = 25_000;
/** Interval at which the health snapshot is recomputed and broadcast when it changed. */
export const HEALTH_REFRESH_INTERVAL_MS = 60_000;
/** Idempotency dedupe cache time-to-live. */
export const DEDUPE_TTL_MS = 5 * 60_000;
/** Idempotency dedupe cache capacity (oldest evicted first). */
export const DEDUPE_MAX = 1000;

/** WebSocket close codes the gateway uses. */
export const CloseCode = {
  NORMAL: 1000,
  PROTOCOL_ERROR: 1002,
  POLICY_VIOLATION: 1008,
  TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  /** An authenticated socket whose credential or access was withdrawn (protocol-v4.md §6). */
  CLIENT_INVALIDATED: 4001,
} as const;

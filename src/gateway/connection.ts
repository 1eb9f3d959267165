/**
 * @module One WebSocket client: its handshake state, identity, per-connection event `seq`, and a
 * send path that never trusts `ws.send()` blindly (bun.md §7): droppable events are skipped past the
 * soft buffer limit and the socket is closed "slow consumer" past the hard one.
 */
import type { GatewayStats } from "./stats.ts";
import type { ServerWebSocket } from "bun";
import { toJson } from "./serialized.ts";
import { CloseCode, type ClientInfo, type ErrorShape, type ProtocolVersion, type Role, type StateVersion } from "../protocol/index.ts";

/** Data Bun keeps on each socket. */
export interface SocketData {
  /** `control`: the protocol socket; `reload`: a canvas page waiting for live-reload messages. */
  kind: "control" | "reload";
  connId: string;
  /** The client's address (the forwarded one when the request came through a trusted proxy). */
  remoteAddress: string;
  isLoopback: boolean;
  /** Loopback or this host's own tailnet address, and not forwarded by an untrusted proxy. */
  isLocal: boolean;
  origin: string | null;
  /** The Host header of the upgrade request (to build URLs the client can reach). */
  host: string | null;
}

/** Buffer limits of a connection's send path. */
export interface SendLimits {
  /** Past this many buffered bytes, droppable events are skipped. */
  softBytes: number;
  /** Past this many, the socket is closed 1008 "slow consumer". */
  hardBytes: number;
}

/** Handshake progress: waiting for `connect`, verifying it, open, closed. */
export type ConnectionState = "handshake" | "authenticating" | "open" | "closed";

/** The authenticated identity of an open connection. */
export interface Identity {
  protocol: ProtocolVersion;
  role: Role;
  scopes: ReadonlySet<string>;
  client: ClientInfo;
  caps: readonly string[];
  /** Commands a node declared (a claim: the gateway filters them through its allowlist). */
  commands: readonly string[];
  permissions: Readonly<Record<string, boolean>>;
  authMethod: string;
  deviceId?: string;
  /** A device token minted during this connect, returned once in hello-ok. */
  issuedToken?: { token: string; issuedAtMs: number };
  /** When set, the only methods this connection may call (remote connects without a device). */
  methodAllowlist?: ReadonlySet<string>;
  /** The canvas capability minted for a node. */
  canvasCapability?: string;
}

/** Largest UTF-8 byte length of a close reason allowed by RFC 6455. */
const MAX_CLOSE_REASON_BYTES = 123;

/** One client socket. */
export class Connection {
  state: ConnectionState = "handshake";
  identity: Identity | null = null;
  /** Per-connection event counter; the last number handed out. */
  seq = 0;
  /** Set when a ping is in flight; a peer that has not answered by the next round is terminated. */
  awaitingPong = false;
  /** Events skipped for this client because it was slow. */
  droppedEvents = 0;
  readonly connectedAt = Date.now();
  readonly nonce = crypto.randomUUID();
  handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Frames that arrived while `connect` was being verified, dispatched in order once open. */
  readonly queued: string[] = [];

  constructor(
    readonly ws: ServerWebSocket<SocketData>,
    private readonly limits: SendLimits,
    private readonly onSlow: (conn: Connection, buffered: number) => void,
    /** The gateway's frame counters. */
    private readonly stats?: Pick<GatewayStats, "framesOut" | "eventsDropped">,
  ) {}

  get id(): string { return this.ws.data.connId; }
  get remoteAddress(): string { return this.ws.data.remoteAddress; }
  get isLoopback(): boolean { return this.ws.data.isLoopback; }
  get isLocal(): boolean { return this.ws.data.isLocal; }

  /** Sends one serialized frame; returns false when it was not sent (dropped or socket closing). */
  sendText(text: string, droppable = false): boolean {
    if (this.state === "closed") return false;
    const buffered = this.ws.getBufferedAmount();
    if (droppable && buffered > this.limits.softBytes) return false;
    if (buffered + text.length > this.limits.hardBytes) return this.closeSlow(buffered);
    const result = this.ws.send(text);
    // 0 means Bun dropped it: never lose a frame silently, treat it as a slow consumer.
    if (result === 0) return this.closeSlow(buffered);
    if (this.stats) this.stats.framesOut += 1;
    return true;
  }

  /** Sends an event, consuming the next `seq` even when the event is dropped for slowness. */
  sendEvent(event: string, payloadJson: string | undefined, droppable: boolean, stateVersion?: StateVersion): boolean {
    return this.sendSequenced(sequencedEventFrame(event, payloadJson, stateVersion), droppable);
  }

  /** Sends an event frame split around its `seq` (shared by a broadcast's recipients), consuming the next `seq`. */
  sendSequenced(frame: SequencedEventFrame, droppable: boolean): boolean {
    if (!this.sendText(`${frame.head}${++this.seq}${frame.tail}`, droppable)) {
      this.droppedEvents++;
      if (this.stats) this.stats.eventsDropped += 1;
      return false;
    }
    return true;
  }

  /** Sends an event that carries no `seq` (pre-handshake or targeted handshake events). */
  sendUnsequencedEvent(event: string, payload: unknown): void {
    this.sendText(eventFrameText(event, JSON.stringify(payload)));
  }

  /** Sends a successful response. */
  respondOk(id: string, payload: unknown): void {
    this.sendText(`{"type":"res","id":${JSON.stringify(id)},"ok":true${payload === undefined ? "" : `,"payload":${toJson(payload)}`}}`);
  }

  /** Sends a failed response (a two-phase final may carry a payload too). */
  respondError(id: string, error: ErrorShape, payload?: unknown): void {
    this.sendText(JSON.stringify({ type: "res", id, ok: false, ...(payload !== undefined && { payload }), error }));
  }

  /** Closes the socket (once) with `code` and a reason cut to the protocol limit. */
  close(code: number, reason = ""): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.clearHandshakeTimer();
    try { this.ws.close(code, truncateReason(reason)); } catch { /* already closed */ }
  }

  /** Drops the socket without a close handshake (dead peers). */
  terminate(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.clearHandshakeTimer();
    this.ws.terminate();
  }

  clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  private closeSlow(buffered: number): false {
    this.onSlow(this, buffered);
    this.close(CloseCode.POLICY_VIOLATION, "slow consumer");
    return false;
  }
}

/** A sequenced event frame serialized once, up to its `seq`: the frame text is `head + seq + tail`. */
export interface SequencedEventFrame {
  head: string;
  tail: string;
}

/** The start of an event frame: type, event name and payload. */
function eventFrameHead(event: string, payloadJson: string | undefined): string {
  const head = `{"type":"event","event":${JSON.stringify(event)}`;
  return payloadJson === undefined ? head : `${head},"payload":${payloadJson}`;
}

/**
 * Splits an event frame around its `seq`, so a broadcast serializes everything else once for all recipients
 * (one short string per connection also sends faster than one concatenated piece by piece).
 */
export function sequencedEventFrame(event: string, payloadJson?: string, stateVersion?: StateVersion): SequencedEventFrame {
  const tail = stateVersion ? `,"stateVersion":{"presence":${stateVersion.presence},"health":${stateVersion.health}}}` : "}";
  return { head: `${eventFrameHead(event, payloadJson)},"seq":`, tail };
}

/** Builds an event frame that carries no `seq`. */
export function eventFrameText(event: string, payloadJson?: string): string {
  return `${eventFrameHead(event, payloadJson)}}`;
}

/** Cuts a close reason to 123 UTF-8 bytes without splitting a character. */
export function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let out = reason;
  while (Buffer.byteLength(out) > MAX_CLOSE_REASON_BYTES - 3) out = out.slice(0, -1);
  return `${out}…`;
}

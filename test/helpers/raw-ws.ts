/**
 * A hand-rolled WebSocket client over a raw TCP socket (`node:net`): it performs the HTTP upgrade
 * itself, so a test controls what Bun's own WebSocket never allows: it can stop reading (to make
 * the server's send buffer grow), ignore pings (a dead peer), and send arbitrary frame bytes.
 */
import { Socket } from "node:net";
import { randomBytes } from "node:crypto";

/** One frame received from the server. */
export interface RawFrame {
  opcode: number;
  payload: Buffer;
}

/** How the server closed the connection. */
export interface RawClose {
  /** Close code from the close frame; `null` when the TCP connection ended without one. */
  code: number | null;
  reason: string;
}

/** Opcodes of RFC 6455. */
export const Opcode = { TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9, PONG: 0xa } as const;

/** Options of {@link RawWsClient.connect}. */
export interface RawConnectOptions {
  /** Answer server pings with pongs (like any real client). @default true */
  answerPings?: boolean;
}

/** A WebSocket client on a raw TCP socket. */
export class RawWsClient {
  /** Every data frame (text/binary) received, in order. */
  readonly frames: RawFrame[] = [];
  /** Every text frame received, parsed as JSON (in order). */
  readonly messages: Array<Record<string, any>> = [];
  /** Number of pings received. */
  pings = 0;
  /** Resolves when the server's close frame arrives or the TCP connection ends, whichever is first. */
  readonly closed: Promise<RawClose>;
  private resolveClosed!: (c: RawClose) => void;
  private pending: Buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private ended = false;

  private constructor(readonly socket: Socket, private readonly answerPings: boolean) {
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
  }

  /** Opens a TCP connection to `url` (`ws://127.0.0.1:port/path`) and completes the WebSocket upgrade. */
  static async connect(url: string, { answerPings = true }: RawConnectOptions = {}): Promise<RawWsClient> {
    const u = new URL(url);
    const socket = new Socket();
    const client = new RawWsClient(socket, answerPings);
    const key = randomBytes(16).toString("base64");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(Number(u.port), u.hostname, () => resolve());
    });
    socket.on("error", () => { /* reported through `closed` */ });
    const upgraded = new Promise<void>((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        const status = head.subarray(0, end).toString("latin1").split("\r\n")[0] ?? "";
        if (!status.includes(" 101 ")) return reject(new Error(`upgrade refused: ${status}`));
        socket.on("data", (c: Buffer) => client.onData(c));
        socket.on("close", () => client.onEnd());
        const rest = head.subarray(end + 4);
        if (rest.length > 0) client.onData(rest);
        resolve();
      };
      socket.on("data", onData);
    });
    socket.write(
      `GET ${u.pathname || "/"} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await upgraded;
    return client;
  }

  /** Sends one masked text frame. */
  sendText(text: string): void {
    this.socket.write(encodeFrame(Opcode.TEXT, Buffer.from(text)));
  }

  /** Sends one masked frame with any opcode and payload. */
  sendFrame(opcode: number, payload: Buffer): void {
    this.socket.write(encodeFrame(opcode, payload));
  }

  /** Stops reading from the kernel socket (the server's sends then back up). */
  pause(): void {
    this.socket.pause();
  }

  /** Resumes reading. */
  resume(): void {
    this.socket.resume();
  }

  /** The text frames received so far, parsed as JSON (a copy of {@link messages}). */
  jsonFrames(): Array<Record<string, any>> {
    return [...this.messages];
  }

  /** Sends a value as one JSON text frame. */
  sendJson(value: unknown): void {
    this.sendText(JSON.stringify(value));
  }

  /** Sends many values, one JSON text frame each, in a single socket write (fast pipelining). */
  sendJsonBatch(values: unknown[]): void {
    this.socket.write(Buffer.concat(values.map((v) => encodeFrame(Opcode.TEXT, Buffer.from(JSON.stringify(v))))));
  }

  /** Waits until `predicate` holds for the received frames (checked on every new frame), or the connection ends. */
  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    let timedOut = false;
    const deadline = setTimeout(() => { timedOut = true; this.wake(); }, timeoutMs);
    try {
      while (!predicate()) {
        if (this.ended) throw new Error("connection ended before the condition held");
        if (timedOut) throw new Error(`condition not met within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Destroys the TCP socket. */
  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const frame = decodeFrame(this.pending);
      if (!frame) break;
      this.pending = this.pending.subarray(frame.size);
      if (frame.opcode === Opcode.PING) {
        this.pings++;
        if (this.answerPings) this.sendFrame(Opcode.PONG, frame.payload);
      } else if (frame.opcode === Opcode.CLOSE) {
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : null;
        this.resolveClosed({ code, reason: frame.payload.subarray(2).toString("utf8") });
      } else if (frame.opcode !== Opcode.PONG) {
        this.frames.push({ opcode: frame.opcode, payload: frame.payload });
        if (frame.opcode === Opcode.TEXT) this.messages.push(JSON.parse(frame.payload.toString("utf8")));
      }
    }
    this.wake();
  }

  private onEnd(): void {
    this.ended = true;
    this.resolveClosed({ code: null, reason: "" });
    this.wake();
  }
}

/** Encodes one final, masked client frame. */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.alloc(headerLen + 4 + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65536) { out[1] = 0x80 | 126; out.writeUInt16BE(len, 2); }
  else { out[1] = 0x80 | 127; out.writeBigUInt64BE(BigInt(len), 2); }
  const mask = randomBytes(4);
  mask.copy(out, headerLen);
  for (let i = 0; i < len; i++) out[headerLen + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

/** Decodes one unmasked server frame from the front of `buf`, or null when it is incomplete. */
function decodeFrame(buf: Buffer): { opcode: number; payload: Buffer; size: number } | null {
  if (buf.length < 2) return null;
  const opcode = buf[0]! & 0x0f;
  let len = buf[1]! & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  if (buf.length < offset + len) return null;
  return { opcode, payload: buf.subarray(offset, offset + len), size: offset + len };
}

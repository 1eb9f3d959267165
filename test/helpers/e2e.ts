/** Small shared pieces of the end-to-end tests: first-frame outcomes, HTTP URLs, a seeded PRNG. */
import type { TestGateway } from "./gateway.ts";
import { TestSocket, type Frame } from "./ws-client.ts";

/** What a socket got back for its first frame. */
export interface FirstFrameOutcome {
  /** The response frame, when one was sent. */
  res: Frame | undefined;
  close: { code: number; reason: string };
  /** Every frame after the challenge. */
  frames: Frame[];
}

/**
 * Opens a socket, waits for `connect.challenge`, sends `data` as its first frame (a string as is,
 * an object as JSON, bytes as a binary frame) and waits for the server to close it.
 */
export async function firstFrameOutcome(url: string, data: string | object | Uint8Array): Promise<FirstFrameOutcome> {
  const sock = await TestSocket.open(url);
  await sock.nextEvent("connect.challenge");
  if (data instanceof Uint8Array) sock.ws.send(data);
  else sock.send(data);
  const close = await sock.closed;
  const frames = sock.received.filter((f) => !(f.type === "event" && f.event === "connect.challenge"));
  return { res: frames.find((f) => f.type === "res"), close, frames };
}

/** The HTTP base URL of a test gateway (same port as the WebSocket). */
export function httpUrl(gw: TestGateway): string {
  return gw.url.replace(/^ws(s?):/, "http$1:");
}

/** A connect request frame. */
export function connectFrame(params: unknown, id: unknown = "c1"): Record<string, unknown> {
  return { type: "req", id, method: "connect", params };
}

/** mulberry32: a tiny seeded PRNG, so fuzz failures are reproducible from the seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One HTTP/1.1 request over a raw TCP socket (`node:net`): the request target is sent byte for byte,
 * so tests can send what `fetch` would normalise away (`/a/../b`, `%2e%2e`, backslashes).
 */
import { Socket } from "node:net";

/** A parsed HTTP response. */
export interface RawHttpResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `<method> <target> HTTP/1.1` with `Connection: close` and reads the response until the
 * server closes the connection.
 */
export function rawHttp(port: number, target: string, { method = "GET", headers = {} as Record<string, string> } = {}): Promise<RawHttpResponse> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no complete response to ${method} ${target}`)); }, 5000);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (err) => { clearTimeout(timer); reject(err); });
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return reject(new Error(`no HTTP response to ${method} ${target}: ${JSON.stringify(text)}`));
      const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
      const parsed: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers: parsed, body: text.slice(end + 4) });
    });
    socket.connect(port, "127.0.0.1", () => {
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
      socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${extra}\r\n`);
    });
  });
}

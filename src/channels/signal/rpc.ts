/**
 * @module A fetch-based JSON-RPC 2.0 client for a `signal-cli` daemon in HTTP mode (`POST <url>/api/v1/rpc`).
 * An HTTP 201 answer means success without a body; `{error:{code,message}}` becomes a {@link SignalRpcError}.
 */

/** A JSON-RPC error answered by signal-cli, or an HTTP failure of the RPC endpoint. */
export class SignalRpcError extends Error {
  constructor(
    /** The RPC method that failed. */
    readonly method: string,
    message: string,
    /** The JSON-RPC error code, or the HTTP status when the endpoint itself failed. */
    readonly code?: number,
  ) {
    super(`signal ${method}: ${message}${code !== undefined ? ` (${code})` : ""}`);
    this.name = "SignalRpcError";
  }
}

/** A JSON-RPC client bound to one daemon. */
export interface SignalRpc {
  /**
   * Calls `method` with `params` and resolves with its `result` (`undefined` for HTTP 201).
   * @throws {SignalRpcError} on a JSON-RPC error or a non-2xx answer; network errors are rethrown as is.
   */
  call<T = unknown>(method: string, params: Record<string, unknown>): Promise<T>;
}

/**
 * Creates a client for the daemon at `baseUrl` (no trailing `/`).
 * @param account Sent as `params.account` (multi-account daemons need it).
 */
export function createSignalRpc(baseUrl: string, account?: string): SignalRpc {
  let nextId = 0;
  return {
    async call<T>(method: string, params: Record<string, unknown>): Promise<T> {
      const id = ++nextId;
      const body = { jsonrpc: "2.0", id, method, params: { ...(account ? { account } : {}), ...params } };
      const res = await fetch(`${baseUrl}/api/v1/rpc`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (res.status === 201) return undefined as T;
      const text = await res.text();
      let parsed: { result?: unknown; error?: { code?: number; message?: string } } | undefined;
      try {
        parsed = text ? (JSON.parse(text) as typeof parsed) : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed?.error) throw new SignalRpcError(method, parsed.error.message ?? "error", parsed.error.code);
      if (!res.ok) throw new SignalRpcError(method, `HTTP ${res.status}`, res.status);
      return parsed?.result as T;
    },
  };
}

/** @module Connected nodes and `node.invoke`: forward a command to one node, complete on its result, time out cleanly. */
import { GatewayError } from "../protocol/index.ts";
import { isCommandAllowed, type CommandPolicyConfig } from "./policy.ts";

/** How the registry reaches a node's socket (the gateway's connection, seen structurally). */
export interface NodeLink {
  /** Connection id. */
  readonly id: string;
  /** Sends a targeted event to this node; false when it could not be sent. */
  sendEvent(event: "node.invoke.request", payload: unknown): boolean;
}

/** A connected node. */
export interface NodeInfo {
  nodeId: string;
  connId: string;
  displayName?: string;
  platform: string;
  version: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  caps: string[];
  /** Declared commands the gateway allows now (under the current policy, not the one the node connected under). */
  commands: string[];
  /** Everything the node claimed. */
  declaredCommands: string[];
  permissions: Record<string, boolean>;
  remoteIp: string;
  connectedAtMs: number;
}

/** What a connecting node registers: its claims (the allowed commands follow the live policy). */
export type NodeRegistration = Omit<NodeInfo, "commands">;

/** The outcome a node reports with `node.invoke.result`. */
export interface InvokeResult {
  id: string;
  nodeId: string;
  ok: boolean;
  payload?: unknown;
  payloadJSON?: string;
  error?: { code?: string; message?: string };
}

interface PendingInvoke {
  nodeId: string;
  command: string;
  resolve: (payload: unknown) => void;
  reject: (err: GatewayError) => void;
  timer: ReturnType<typeof setTimeout>;
  timeoutMs: number;
  /** When the invoke times out (`performance.now()` clock). */
  deadline: number;
}

/** Default and largest invoke timeouts. */
export const DEFAULT_INVOKE_TIMEOUT_MS = 30_000;
export const MAX_INVOKE_TIMEOUT_MS = 10 * 60_000;

/** Connected nodes by id and their in-flight invokes. */
export class NodeRegistry {
  private readonly nodes = new Map<string, { info: NodeRegistration; link: NodeLink }>();
  private readonly pending = new Map<string, PendingInvoke>();

  /**
   * @param policy the node command allowlist as it is now: read on every `invoke`, `get` and `list`, so an
   * allowlist change applies to nodes already connected
   */
  constructor(private readonly policy: () => CommandPolicyConfig) {}

  /** Registers (or replaces) a node. */
  add(info: NodeRegistration, link: NodeLink): void {
    const previous = this.nodes.get(info.nodeId);
    if (previous && previous.link.id !== link.id) this.failPending(info.nodeId, "node reconnected");
    this.nodes.set(info.nodeId, { info, link });
  }

  /** Removes the node on this connection and fails its pending invokes at once. */
  removeConnection(connId: string): NodeInfo | undefined {
    for (const [nodeId, entry] of this.nodes) {
      if (entry.link.id !== connId) continue;
      this.nodes.delete(nodeId);
      this.failPending(nodeId, "node disconnected");
      return this.withCommands(entry.info);
    }
    return undefined;
  }

  /** Every connected node. */
  list(): NodeInfo[] {
    const policy = this.policy();
    return [...this.nodes.values()].map((e) => this.withCommands(e.info, policy));
  }

  /** A connected node by id. */
  get(nodeId: string): NodeInfo | undefined {
    const entry = this.nodes.get(nodeId);
    return entry && this.withCommands(entry.info);
  }

  /** The node id registered for a connection. */
  nodeIdOf(connId: string): string | undefined {
    for (const [nodeId, entry] of this.nodes) if (entry.link.id === connId) return nodeId;
    return undefined;
  }

  /**
   * Sends `command` to a node and waits for its result.
   * @throws {GatewayError} `NOT_LINKED` when the node is not connected; `INVALID_REQUEST` when the
   * command is not allowed or not declared; `AGENT_TIMEOUT` on timeout; `UNAVAILABLE` when the node
   * disconnects or reports a failure.
   */
  invoke(nodeId: string, command: string, params: unknown, timeoutMs = DEFAULT_INVOKE_TIMEOUT_MS, idempotencyKey?: string): Promise<unknown> {
    const entry = this.nodes.get(nodeId);
    if (!entry) return Promise.reject(new GatewayError("NOT_LINKED", `node not connected: ${nodeId}`));
    if (!entry.info.declaredCommands.includes(command)) {
      return Promise.reject(new GatewayError("INVALID_REQUEST", `node ${nodeId} did not declare command: ${command}`));
    }
    if (!isCommandAllowed(command, entry.info.platform, this.policy())) {
      return Promise.reject(new GatewayError("INVALID_REQUEST", `command not allowed by the gateway: ${command} (see gateway.nodes.allowCommands)`));
    }
    const id = crypto.randomUUID();
    const wait = Math.min(timeoutMs, MAX_INVOKE_TIMEOUT_MS);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, (p) => p.reject(timeoutError(p))), wait);
      this.pending.set(id, { nodeId, command, resolve, reject, timer, timeoutMs: wait, deadline: performance.now() + wait });
      const sent = entry.link.sendEvent("node.invoke.request", {
        id, nodeId, command, ...(params !== undefined && { paramsJSON: JSON.stringify(params) }), timeoutMs: wait,
        ...(idempotencyKey && { idempotencyKey }),
      });
      if (!sent) this.settle(id, (p) => p.reject(new GatewayError("UNAVAILABLE", `could not reach node ${nodeId}`, { retryable: true })));
    });
  }

  /**
   * Completes an invoke with a node's result.
   * @returns false when no invoke with that id is pending for the node on `connId`.
   * @throws {GatewayError} `INVALID_REQUEST` when `payloadJSON` is not JSON (the invoke then fails with `UNAVAILABLE`).
   */
  complete(connId: string, result: InvokeResult): boolean {
    const pending = this.pending.get(result.id);
    if (!pending || pending.nodeId !== result.nodeId || this.nodeIdOf(connId) !== result.nodeId) return false;
    // A result read in the same event-loop turn as the overdue timer must not win over it: late is a timeout.
    if (performance.now() >= pending.deadline) {
      this.settle(result.id, (p) => p.reject(timeoutError(p)));
      return false;
    }
    let payload = result.payload;
    if (result.ok && result.payloadJSON !== undefined) {
      try {
        payload = JSON.parse(result.payloadJSON);
      } catch {
        // Parsed before settling: a throw inside settle would drop the invoke without ever answering it.
        this.settle(result.id, (p) => p.reject(new GatewayError("UNAVAILABLE", `${p.command} failed on node ${p.nodeId}: invalid payloadJSON`)));
        throw new GatewayError("INVALID_REQUEST", "payloadJSON is not valid JSON");
      }
    }
    return this.settle(result.id, (p) => {
      if (result.ok) p.resolve(payload);
      else p.reject(new GatewayError("UNAVAILABLE", `${p.command} failed on node ${p.nodeId}: ${result.error?.message ?? "unknown error"}`, {
        details: { nodeError: result.error ?? {} },
      }));
    });
  }

  private withCommands(info: NodeRegistration, policy = this.policy()): NodeInfo {
    return { ...info, commands: info.declaredCommands.filter((c) => isCommandAllowed(c, info.platform, policy)) };
  }

  private settle(id: string, action: (p: PendingInvoke) => void): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    clearTimeout(p.timer);
    action(p);
    return true;
  }

  private failPending(nodeId: string, why: string): void {
    for (const [id, p] of this.pending) {
      if (p.nodeId === nodeId) this.settle(id, (x) => x.reject(new GatewayError("UNAVAILABLE", `${x.command} failed: ${why}`, { retryable: true })));
    }
  }
}

function timeoutError(p: PendingInvoke): GatewayError {
  return new GatewayError("AGENT_TIMEOUT", `node ${p.nodeId} did not answer ${p.command} within ${p.timeoutMs} ms`, { retryable: true });
}

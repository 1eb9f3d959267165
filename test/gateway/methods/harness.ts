/**
 * A minimal GatewayServices for handler-table tests: the real pairing stores over one `:memory:`
 * database, a real NodeRegistry with fake node links, a real CapabilityStore, and recording fakes
 * for the broadcaster, the connection registry and the log. `call` checks params and result
 * against the catalog, as dispatch and the generated clients would.
 */
import { expect } from "bun:test";
import type { Database } from "bun:sqlite";
import { CapabilityStore } from "../../../src/canvas/capabilities.ts";
import { PairingStore, type PendingRequest } from "../../../src/devices/pairing-store.ts";
import type { Connection, Identity } from "../../../src/gateway/connection.ts";
import type { GatewayServices, MethodTable } from "../../../src/gateway/context.ts";
import { NodePairingStore } from "../../../src/nodes/pairing-store.ts";
import type { CommandPolicyConfig } from "../../../src/nodes/policy.ts";
import { NodeRegistry, type NodeLink, type NodeRegistration } from "../../../src/nodes/registry.ts";
import { firstError, GatewayError, METHODS, type EventName } from "../../../src/protocol/index.ts";
import { openDatabase } from "../../../src/store/index.ts";

/** The part of a Connection the handlers use; `close` is recorded. */
export class FakeConnection {
  state: "open" | "closed" = "open";
  closed: { code: number; reason: string } | null = null;
  constructor(readonly id: string, public identity: Identity) {}
  close(code: number, reason = ""): void {
    this.state = "closed";
    this.closed = { code, reason };
  }
}

/** A node's socket as the NodeRegistry sees it, recording what it was sent. */
export class FakeNodeLink implements NodeLink {
  readonly sent: Array<{ event: string; payload: any }> = [];
  reachable = true;
  constructor(readonly id: string) {}
  sendEvent(event: "node.invoke.request", payload: unknown): boolean {
    if (this.reachable) this.sent.push({ event, payload });
    return this.reachable;
  }
}

/** An operator or node identity. */
export function identity(overrides: Partial<Identity> = {}): Identity {
  return {
    protocol: 4, role: "operator", scopes: new Set(["operator.admin"]), caps: [], authMethod: "token",
    client: { id: "mayros-cli", version: "0.0.1", platform: "linux", mode: "cli" },
    ...overrides,
  } as Identity;
}

/** The test clock's start. */
export const T0 = 1_700_000_000_000;

/** Everything a test needs around the services. */
export class Harness {
  readonly db: Database = openDatabase(":memory:");
  now = T0;
  readonly broadcasts: Array<{ event: EventName; payload: any }> = [];
  readonly logs: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  readonly conns: FakeConnection[] = [];
  policy: CommandPolicyConfig = { allowCommands: [], denyCommands: [] };
  readonly services: GatewayServices;
  private nextConn = 1;

  constructor(overrides: Partial<GatewayServices> = {}) {
    const clock = () => this.now;
    const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => { this.logs.push({ level, msg, fields }); };
    const conns = this.conns;
    this.services = {
      log: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
      registry: { *open() { for (const c of conns) if (c.state === "open") yield c; } },
      broadcaster: { broadcast: (event: EventName, payload: unknown) => { this.broadcasts.push({ event, payload }); return 1; } },
      pairing: new PairingStore(this.db, clock),
      nodePairing: new NodePairingStore(this.db, clock),
      nodes: new NodeRegistry(() => this.policy),
      canvas: {
        capabilities: new CapabilityStore({ now: clock }),
        hostUrl: (cap: string) => `http://127.0.0.1:18789/__mayros__/cap/${cap}/`,
      },
      ...overrides,
    } as unknown as GatewayServices;
  }

  /** A new open connection. */
  connect(overrides: Partial<Identity> = {}): FakeConnection {
    const conn = new FakeConnection(`conn-${this.nextConn++}`, identity(overrides));
    this.conns.push(conn);
    return conn;
  }

  /** A connected node: a device paired for role node, its connection and its registry entry. */
  connectNode(nodeId: string, { declared = ["system.run", "system.which"], platform = "linux", displayName = nodeId } = {}) {
    this.pairDevice(nodeId, { role: "node", scopes: [], displayName, platform });
    const conn = this.connect({ role: "node", scopes: new Set(), deviceId: nodeId, authMethod: "device-token" });
    const link = new FakeNodeLink(conn.id);
    const info: NodeRegistration = {
      nodeId, connId: conn.id, displayName, platform, version: "1.0.0", caps: ["system"], declaredCommands: declared,
      permissions: {}, remoteIp: "10.0.0.7", connectedAtMs: this.now,
    };
    this.services.nodes.add(info, link);
    return { conn, link, info };
  }

  /** Requests and approves a device pairing. */
  pairDevice(deviceId: string, overrides: Partial<PendingRequest> = {}) {
    const { request } = this.services.pairing.request({
      deviceId, publicKey: `key-${deviceId}`, displayName: deviceId, platform: "linux", clientId: "mayros-cli", clientMode: "cli",
      role: "operator", scopes: ["operator.read"], remoteIp: "10.0.0.2", silent: false, isRepair: false, ...overrides,
    });
    return this.services.pairing.approve(request.requestId)!;
  }

  /** Broadcasts of one event. */
  sent(event: EventName): any[] {
    return this.broadcasts.filter((b) => b.event === event).map((b) => b.payload);
  }

  /**
   * Runs `method` of `table` as `conn` (default: a fresh admin operator), after checking `params`
   * against the catalog; the result is checked against the catalog's result schema.
   */
  async call(table: MethodTable, method: string, params?: unknown, conn: FakeConnection = this.connect()): Promise<any> {
    const spec = METHODS[method as keyof typeof METHODS];
    expect(spec).toBeDefined();
    expect(firstError(spec.params, params ?? {})).toBeNull();
    const result = await table[method]!(params ?? {}, { conn: conn as unknown as Connection, services: this.services });
    expect(firstError(spec.result, result)).toBeNull();
    return result;
  }

  /** The GatewayError `call` fails with. */
  async error(table: MethodTable, method: string, params?: unknown, conn?: FakeConnection): Promise<GatewayError> {
    try {
      await this.call(table, method, params, conn);
    } catch (err) {
      if (err instanceof GatewayError) return err;
      throw err;
    }
    throw new Error(`${method} did not fail`);
  }
}

/**
 * @module The gateway methods behind `mayros iot`: `iot.fleet`, `iot.status` and `iot.ping` (operator.read),
 * `iot.poll` (operator.write: a poll now, awaited), `iot.add` and `iot.remove` (operator.admin). An unknown node or
 * a rejected change is `INVALID_REQUEST`; an unreachable node or an open breaker is `UNAVAILABLE`.
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import type { IotBridge } from "./bridge.ts";
import type { FleetNode } from "./fleet.ts";

/** What `iot.fleet` and `iot.poll` answer. */
export interface FleetAnswer {
  online: number;
  total: number;
  nodes: FleetNode[];
}

/** The fleet with its counts (only the online nodes with `onlineOnly`). */
export function fleetAnswer(nodes: FleetNode[], onlineOnly = false): FleetAnswer {
  const online = nodes.filter((n) => n.online);
  return { online: online.length, total: nodes.length, nodes: onlineOnly ? online : nodes };
}

/** Registers the `iot.*` methods on `api`; `bridge` is resolved when a method runs. */
export function registerIotMethods(api: MayrosPluginApi, bridge: () => IotBridge): void {
  const { Type } = api;
  const none = Type.Object({}, { additionalProperties: false });
  const byId = Type.Object({ id: Type.String({ minLength: 1 }) }, { additionalProperties: false });
  const id = (params: Record<string, unknown>) => params.id as string;
  api.registerGatewayMethod("iot.fleet", {
    scope: "operator.read",
    params: Type.Object({ onlineOnly: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    handler: (params) => fleetAnswer(bridge().fleet.list(), params.onlineOnly === true),
  });
  api.registerGatewayMethod("iot.poll", {
    scope: "operator.write",
    params: none,
    handler: async () => fleetAnswer(await bridge().pollNow()),
  });
  api.registerGatewayMethod("iot.status", { scope: "operator.read", params: byId, handler: (params) => bridge().status(id(params)) });
  api.registerGatewayMethod("iot.ping", { scope: "operator.read", params: byId, handler: (params) => bridge().fleet.ping(id(params)) });
  api.registerGatewayMethod("iot.add", {
    scope: "operator.admin",
    params: Type.Object({
      host: Type.String({ minLength: 1 }),
      port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
      id: Type.Optional(Type.String({ minLength: 1 })),
      label: Type.Optional(Type.String()),
    }, { additionalProperties: false }),
    handler: (params) => ({ node: bridge().fleet.add(params as { host: string; port?: number; id?: string; label?: string }) }),
  });
  api.registerGatewayMethod("iot.remove", {
    scope: "operator.admin",
    params: byId,
    handler: (params) => {
      bridge().fleet.remove(id(params));
      return { removed: id(params) };
    },
  });
}

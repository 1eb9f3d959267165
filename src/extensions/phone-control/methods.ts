/**
 * @module The gateway methods of phone control, for operators without a chat channel (all `operator.admin`):
 * `phone.status`, `phone.arm {group, duration?}` and `phone.disarm`.
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import { DEFAULT_ARM_MS, parseDuration } from "./duration.ts";
import { GROUP_NAMES, type GroupName } from "./groups.ts";
import type { PhoneControl } from "./phone-control.ts";

/** An error the gateway answers as `INVALID_REQUEST`. */
function invalidRequest(message: string): Error {
  return Object.assign(new Error(message), { code: "INVALID_REQUEST" });
}

/** Registers the methods on `api`; `control` is resolved when a method runs. */
export function registerPhoneMethods(api: MayrosPluginApi, control: () => PhoneControl): void {
  const { Type } = api;
  const none = Type.Object({}, { additionalProperties: false });
  api.registerGatewayMethod("phone.status", { scope: "operator.admin", params: none, handler: () => control().status() });
  api.registerGatewayMethod("phone.arm", {
    scope: "operator.admin",
    params: Type.Object({
      group: Type.Union(GROUP_NAMES.map((g) => Type.Literal(g))),
      duration: Type.Optional(Type.String({ description: "30s, 10m, 2h, 1d… (default 10m)" })),
    }, { additionalProperties: false }),
    handler: (params) => {
      const parsed = params.duration === undefined ? { ms: DEFAULT_ARM_MS } : parseDuration(String(params.duration));
      if ("error" in parsed) throw invalidRequest(parsed.error);
      return control().arm(params.group as GroupName, parsed.ms, "operator");
    },
  });
  api.registerGatewayMethod("phone.disarm", {
    scope: "operator.admin",
    params: none,
    handler: async () => ({ disarmed: (await control().disarm("manual")) !== undefined, status: control().status() }),
  });
}

/**
 * @module The gateway methods of the token economy: `usage.status` and `usage.cost` (operator.read) answer from the
 * gateway's own database; `budget.set`, `budget.reset` (operator.admin) and `budget.pricing` (operator.read) serve
 * the `mayros budget` commands, which always talk to the running gateway.
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import { SCOPES, type Scope } from "./config.ts";
import type { TokenEconomy } from "./economy.ts";

/** Registers the methods on `api`; `economy` is resolved when a method runs. */
export function registerBudgetMethods(api: MayrosPluginApi, economy: () => TokenEconomy): void {
  const { Type } = api;
  const sessionKey = Type.Optional(Type.String({ minLength: 1, description: "Also show this session" }));
  const scope = Type.Union(SCOPES.map((s) => Type.Literal(s)));
  const key = (params: Record<string, unknown>) => params.sessionKey as string | undefined;
  api.registerGatewayMethod("usage.status", {
    scope: "operator.read",
    params: Type.Object({ sessionKey }, { additionalProperties: false }),
    handler: (params) => economy().status(key(params)),
  });
  api.registerGatewayMethod("usage.cost", {
    scope: "operator.read",
    params: Type.Object({ sessionKey }, { additionalProperties: false }),
    handler: (params) => economy().cost(key(params)),
  });
  api.registerGatewayMethod("budget.pricing", {
    scope: "operator.read",
    params: Type.Object({}, { additionalProperties: false }),
    handler: () => ({ models: economy().priceList() }),
  });
  api.registerGatewayMethod("budget.set", {
    scope: "operator.admin",
    params: Type.Object({ scope, limitUsd: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false }),
    handler: (params) => ({ scope: params.scope, limitUsd: params.limitUsd, limits: economy().setLimit(params.scope as Scope, params.limitUsd as number) }),
  });
  api.registerGatewayMethod("budget.reset", {
    scope: "operator.admin",
    params: Type.Object({ scope: Type.Optional(Type.Union([scope, Type.Literal("all")])), sessionKey }, { additionalProperties: false }),
    handler: (params) => {
      const what = (params.scope as Scope | "all" | undefined) ?? "all";
      economy().reset(what, key(params));
      return { reset: what, ...(key(params) !== undefined && { sessionKey: key(params) }), status: economy().status(key(params)) };
    },
  });
}

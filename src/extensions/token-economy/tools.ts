/**
 * @module The budget tools the agent can call: `budget_status`, `budget_set_limit`, `budget_model_usage` and
 * `budget_pricing_catalog`. Each returns readable text and the structured answer as `details`.
 */
import type { MayrosPluginApi, PluginToolResult } from "../../plugins/api.ts";
import { SCOPES, type Scope } from "./config.ts";
import type { TokenEconomy } from "./economy.ts";
import { formatUsd, renderCost, renderPrices, renderStatus } from "./format.ts";

const answer = (text: string, details: unknown): PluginToolResult => ({ content: [{ type: "text", text }], details });
const refuse = (text: string): PluginToolResult => ({ content: [{ type: "text", text }], isError: true });

/** Registers the four budget tools on `api`; `economy` is resolved when a tool runs. */
export function registerBudgetTools(api: MayrosPluginApi, economy: () => TokenEconomy): void {
  const { Type } = api;
  /** A tool without parameters answering a rendered report of the caller's session. */
  const report = (name: string, label: string, description: string, produce: (sessionKey: string) => { text: string; details: unknown }) => api.registerTool({
    name, label, description, parameters: Type.Object({}),
    async execute(_id, _params, ctx) {
      const { text, details } = produce(ctx.sessionKey);
      return answer(text, details);
    },
  });
  report("budget_status", "Budget status", "Show the token budget: spend of this session, today and this month against their limits, and prompt-cache savings.", (key) => {
    const status = economy().status(key);
    return { text: renderStatus(status), details: status };
  });
  report("budget_model_usage", "Model usage", "Show calls, tokens and cost per model for this session, today and this month.", (key) => {
    const cost = economy().cost(key);
    return { text: renderCost(cost), details: cost };
  });
  report("budget_pricing_catalog", "Pricing catalog", "List the model prices used for budgets (USD per 1M input, output, cache-read and cache-write tokens).", () => {
    const models = economy().priceList();
    return { text: renderPrices(models), details: { models } };
  });
  api.registerTool({
    name: "budget_set_limit",
    label: "Set budget limit",
    description: "Set the USD spend limit of a budget scope: session (each session), daily or monthly.",
    parameters: Type.Object({
      scope: Type.Union(SCOPES.map((s) => Type.Literal(s)), { description: "session, daily or monthly" }),
      limitUsd: Type.Number({ exclusiveMinimum: 0, description: "The limit in USD, greater than 0" }),
    }),
    async execute(_id, params) {
      const { scope, limitUsd } = params as { scope: unknown; limitUsd: unknown };
      if (!SCOPES.includes(scope as Scope)) return refuse(`scope must be one of ${SCOPES.join(", ")}`);
      if (typeof limitUsd !== "number" || !Number.isFinite(limitUsd) || limitUsd <= 0) return refuse("limitUsd must be a number greater than 0");
      const limits = economy().setLimit(scope as Scope, limitUsd);
      return answer(`The ${String(scope)} limit is now ${formatUsd(limitUsd)}.`, { scope, limitUsd, limits });
    },
  });
}

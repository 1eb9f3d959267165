/**
 * @module The Token Economy plugin (`token-economy`, kind `economy`; extensions.md §3): USD budgets per session, day
 * and month from the real usage of every model call, priced by the catalog and the config's overrides and kept in
 * the plugin's SQLite database. Hooks: `llm_input` / `llm_output` (prompt cache, usage), `before_prompt_build`
 * (warning and limit notes), `before_tool_call` (hard enforcement, its reason reaching the model). Plus the budget
 * tools, the `usage.*` / `budget.*` gateway methods and `mayros budget`.
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import type { Clock } from "./calendar.ts";
import { registerBudgetCli } from "./cli.ts";
import { readEconomyConfig } from "./config.ts";
import { TokenEconomy } from "./economy.ts";
import { registerBudgetMethods } from "./methods.ts";
import { registerBudgetTools } from "./tools.ts";

/**
 * The plugin's register function. The database is opened on first use (the service opens it when the gateway
 * starts), so a CLI process, which only registers plugins to find their commands, never touches it.
 * @param o.clock the time source of day and month rollover and the cache TTL (default `Date.now`)
 * @throws {Error} naming the field, for a bad `timeZone`
 */
export function tokenEconomyPlugin(o: { clock?: Clock } = {}): (api: MayrosPluginApi) => void {
  return (api) => {
    const config = readEconomyConfig(api.pluginConfig);
    let instance: TokenEconomy | undefined;
    const economy = () => (instance ??= new TokenEconomy({ config, db: api.runtime.database(), logger: api.logger, ...(o.clock && { clock: o.clock }) }));

    api.on("llm_input", (event) => economy().observeRequest(event));
    api.on("llm_output", (event) => economy().recordCall(event));
    api.on("before_prompt_build", (_event, ctx) => {
      const note = economy().promptNote(ctx.sessionKey);
      return note ? { prependContext: note } : undefined;
    });
    api.on("before_tool_call", (_event, ctx) => economy().beforeToolCall(ctx.sessionKey));
    registerBudgetTools(api, economy);
    registerBudgetMethods(api, economy);
    registerBudgetCli(api);
    api.registerService({
      id: "token-economy",
      start: () => {
        const { limits, enforcement, timeZone } = economy().status();
        api.logger.info("token economy ready", { limits, enforcement, timeZone });
      },
    });
  };
}

export default { id: "token-economy", register: tokenEconomyPlugin() };

/**
 * @module `mayros budget status|set|reset|models|pricing`: every command calls the running gateway's methods (with
 * the command's `--url`/`--token` flags), so it shows and changes the gateway's real budget — never a private copy
 * in the CLI process (the reference's commands read a tracker that only existed inside the gateway). `--json`
 * prints the method's answer; otherwise a table.
 */
import type { MayrosPluginApi, PluginCliRegistrar } from "../../plugins/api.ts";
import { SCOPES, type Scope } from "./config.ts";
import type { BudgetStatus, CostReport } from "./economy.ts";
import { formatUsd, renderCost, renderPrices, renderStatus } from "./format.ts";
import type { PriceListEntry } from "./pricing.ts";

type Opts = { json?: boolean; session?: string };
type Command = Parameters<PluginCliRegistrar>[0]["program"];

/** Registers the `budget` command group on `api`. */
export function registerBudgetCli(api: MayrosPluginApi): void {
  const call = (method: string, params: Record<string, unknown> = {}) => api.runtime.call(method, params);
  const print = (opts: Opts, result: unknown, human: () => string) => {
    process.stdout.write(`${opts.json ? JSON.stringify(result, null, 2) : human()}\n`);
  };
  const session = (opts: Opts) => (opts.session !== undefined ? { sessionKey: opts.session } : {});

  api.registerCli(({ program }) => {
    const budget = program.command("budget").description("token budgets of the running gateway (token-economy plugin)");
    /** A read-only command printing a method's answer of the gateway (and of one session with --session). */
    const view = <T>(name: string, description: string, method: string, render: (result: T) => string) =>
      budget.command(name).description(description)
        .option("--session <key>", "also show this session")
        .action(async (opts: Opts) => {
          const result = (await call(method, session(opts))) as T;
          print(opts, result, () => render(result));
        });
    view<BudgetStatus>("status", "spend against the session, daily and monthly limits", "usage.status", renderStatus);
    budget.command("set").description("set a limit in USD (kept across restarts; wins over the config)")
      .argument("<scope>", `one of ${SCOPES.join(", ")}`)
      .argument("<usd>", "the limit in USD, greater than 0")
      .action(async (scope: string, usd: string, opts: Opts, cmd: Command) => {
        if (!SCOPES.includes(scope as Scope)) cmd.error(`error: scope must be one of ${SCOPES.join(", ")} (got "${scope}")`, { exitCode: 2 });
        const limitUsd = Number(usd);
        if (!Number.isFinite(limitUsd) || limitUsd <= 0) cmd.error(`error: usd must be a number greater than 0 (got "${usd}")`, { exitCode: 2 });
        const result = await call("budget.set", { scope, limitUsd });
        print(opts, result, () => `The ${scope} limit is now ${formatUsd(limitUsd)}.`);
      });
    budget.command("reset").description("reset spend: session, daily, monthly or all (default); limits stay")
      .argument("[scope]", "session, daily, monthly or all", "all")
      .option("--session <key>", "with session: only this session (default: every session)")
      .action(async (scope: string, opts: Opts, cmd: Command) => {
        if (scope !== "all" && !SCOPES.includes(scope as Scope)) cmd.error(`error: scope must be one of ${[...SCOPES, "all"].join(", ")} (got "${scope}")`, { exitCode: 2 });
        const result = await call("budget.reset", { scope, ...session(opts) });
        print(opts, result, () => `Budget spend reset (${scope}${opts.session ? `, session ${opts.session}` : ""}).`);
      });
    view<CostReport>("models", "calls, tokens and cost per model today and this month", "usage.cost", renderCost);
    budget.command("pricing").description("the prices used (catalog and config overrides), USD per 1M tokens")
      .action(async (opts: Opts) => {
        const result = (await call("budget.pricing")) as { models: PriceListEntry[] };
        print(opts, result, () => renderPrices(result.models));
      });
  }, { commands: ["budget"] });
}

/**
 * @module The Phone Control plugin (`phone-control`; extensions.md §8): `/phone arm <camera|screen|writes|all>
 * [duration]` lets phone nodes run high-risk commands for a while by editing `gateway.nodes.allowCommands` /
 * `denyCommands` through the config API (which the gateway applies at once); it records exactly what it changed in
 * its SQLite database and reverts only that on `/phone disarm` or at expiry. The expiry is checked when the gateway
 * starts (an arm that ran out while it was down ends then) and every 15 s. Also the `phone.*` gateway methods.
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import { systemClock, type Clock } from "./clock.ts";
import { phoneCommand } from "./command.ts";
import { registerPhoneMethods } from "./methods.ts";
import { PhoneControl } from "./phone-control.ts";
import { ArmedStore } from "./store.ts";

/** How often the expiry is checked. */
export const EXPIRY_CHECK_MS = 15_000;

/**
 * The plugin's register function. The database is opened on first use, so a CLI process, which only registers
 * plugins to find their commands, never touches it.
 * @param o.clock the time source of expiries and the check timer (default the system clock)
 */
export function phoneControlPlugin(o: { clock?: Clock } = {}): (api: MayrosPluginApi) => void {
  return (api) => {
    const clock = o.clock ?? systemClock;
    const owners = (api.pluginConfig.allowFrom as string[] | undefined) ?? [];
    let instance: PhoneControl | undefined;
    const control = () => (instance ??= new PhoneControl({ store: new ArmedStore(api.runtime.database()), config: api.runtime, clock, logger: api.logger }));
    const check = () => control().checkExpiry().catch((e: unknown) => api.logger.warn("phone control expiry check failed", { error: (e as Error).message ?? String(e) }));

    api.registerCommand(phoneCommand(control, owners));
    registerPhoneMethods(api, control);
    let stopTimer: (() => void) | undefined;
    api.registerService({
      id: "phone-control-expiry",
      start: async () => {
        await check();
        stopTimer = clock.every(EXPIRY_CHECK_MS, check);
      },
      stop: () => {
        stopTimer?.();
        stopTimer = undefined;
      },
    });
  };
}

export default { id: "phone-control", register: phoneControlPlugin() };

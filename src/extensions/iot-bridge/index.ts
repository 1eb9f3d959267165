/**
 * @module The IoT Bridge plugin (`iot-bridge`, kind `iot`; extensions.md §7): a fleet of `aingle_minimal` edge nodes
 * over REST, kept in the plugin's SQLite database (config `nodes[]` seeds it; `iot.add`/`iot.remove` change it at
 * run time), polled for health in the background without overlapping polls, each node behind its own circuit
 * breaker with retries, backoff and jitter. The model reads a one-line fleet summary before the user's message
 * (`before_prompt_build`) and has the `iot_*` tools; operators have the `iot.*` methods and `mayros iot`.
 * Registration does no I/O (the CLI registers plugins too): the service opens the registry and starts polling.
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import { IotBridge, type BridgeDeps } from "./bridge.ts";
import { registerIotCli } from "./cli.ts";
import { readIotConfig } from "./config.ts";
import { registerIotMethods } from "./methods.ts";
import { registerIotTools } from "./tools.ts";

/**
 * The plugin's register function.
 * @param deps injectable time (clock, retry sleep, jitter, poll timers); real ones by default
 */
export function iotBridgePlugin(deps: BridgeDeps = {}): (api: MayrosPluginApi) => void {
  return (api) => {
    const config = readIotConfig(api.pluginConfig);
    let created: IotBridge | undefined;
    const bridge = () => (created ??= new IotBridge(config, () => api.runtime.database(), (options) => api.createCircuitBreaker(options), deps));

    api.on("before_prompt_build", () => {
      if (!created) return;
      const prependContext = created.summary();
      return prependContext ? { prependContext } : undefined;
    });
    registerIotTools(api, bridge, deps.now ?? Date.now);
    registerIotMethods(api, bridge);
    registerIotCli(api);
    api.registerService({
      id: "iot-bridge",
      start: () => {
        bridge().start();
        api.logger.info("iot bridge started", { nodes: config.nodes.length, pollIntervalMs: config.pollIntervalMs });
      },
      stop: () => created?.stop(),
    });
  };
}

export default { id: "iot-bridge", register: iotBridgePlugin() };

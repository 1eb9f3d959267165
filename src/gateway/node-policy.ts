/**
 * @module The node command allowlist as the config file says now: `gateway.nodes` changes (a `config.patch`, a
 * `mayros config set`, a plugin such as phone-control) apply to `node.invoke` at once, without a restart.
 */
import { readConfigFile, validateConfig } from "../config/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { CommandPolicyConfig } from "../nodes/policy.ts";

/** The hash recorded while the file cannot be read at all. */
const UNREADABLE = "unreadable";

/**
 * A reader of `gateway.nodes` from the config file, re-validated only when the file's hash changes. While the file
 * is unreadable or invalid, the last good allowlist stays in force (the start-up one at first) and one warning is
 * logged per broken version of the file.
 * @param path the config file
 * @param initial the allowlist the gateway started with
 */
export function liveNodeCommandPolicy(path: string, initial: CommandPolicyConfig, log: Pick<Logger, "warn">): () => CommandPolicyConfig {
  let current = initial;
  let seenHash: string | undefined;
  return () => {
    let hash = UNREADABLE;
    try {
      const file = readConfigFile(path);
      hash = file.hash;
      if (hash !== seenHash) current = validateConfig(file.data, path).gateway.nodes;
    } catch (error) {
      if (hash !== seenHash) log.warn("node command allowlist: config file unusable, keeping the last good one", { error: (error as Error).message });
    }
    seenHash = hash;
    return current;
  };
}

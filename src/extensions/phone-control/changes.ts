/**
 * @module The exact change an arm makes to `gateway.nodes` and its revert, as pure functions over the config file's
 * data. Arming records the allow entries it added, the deny entries it removed and the config keys it had to create;
 * disarming takes out only those allow entries, puts back only those deny entries, and removes a key it created
 * only when nothing else is left in it, so edits the user made meanwhile stay as the user left them.
 */

/** What this plugin changed in `gateway.nodes` (accumulated over re-arms until a disarm). */
export interface NodeListChanges {
  /** Entries this plugin appended to `gateway.nodes.allowCommands` (not ones that were there already). */
  addedToAllow: string[];
  /** Entries this plugin removed from `gateway.nodes.denyCommands`, each with its index in the list before any arm. */
  removedFromDeny: RemovedEntry[];
  /** Config keys the arm created (`gateway`, `gateway.nodes`, `gateway.nodes.allowCommands`). */
  createdKeys: string[];
}

/** A deny entry the arm removed, and where it stood (so the revert puts it back in its place). */
export interface RemovedEntry {
  command: string;
  index: number;
}

/** A merge patch of the config file (JSON Merge Patch: `null` deletes a key, arrays are replaced whole). */
export type ConfigPatch = Record<string, unknown>;

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);
const union = (a: readonly string[], b: readonly string[]) => [...a, ...b.filter((x) => !a.includes(x))];

/** `gateway` and `gateway.nodes` of a config file's data, absent keys as undefined. */
function sections(config: unknown): { gateway?: JsonObject; nodes?: JsonObject } {
  const gateway = isObject(config) && isObject(config.gateway) ? config.gateway : undefined;
  const nodes = gateway && isObject(gateway.nodes) ? gateway.nodes : undefined;
  return { gateway, nodes };
}

/** Where index `at` of the deny list as it is now stood before the earlier arms removed their entries. */
function indexBeforeArms(at: number, earlier: readonly RemovedEntry[]): number {
  let index = at;
  for (const e of [...earlier].sort((a, b) => a.index - b.index)) if (e.index <= index) index++;
  return index;
}

/** `entries` put back into `list` at their recorded indexes (in index order; past the end: appended). */
function reinsert(list: readonly string[], entries: readonly RemovedEntry[]): string[] {
  const out = [...list];
  for (const e of [...entries].sort((a, b) => a.index - b.index)) out.splice(Math.min(e.index, out.length), 0, e.command);
  return out;
}

/** The patch that sets `gateway.nodes` keys (a `null` value deletes the key). */
const nodesPatch = (nodes: JsonObject): ConfigPatch => ({ gateway: { nodes } });

/**
 * Plans arming `commands`: append the missing ones to the allow list, drop them from the deny list.
 * @param config the config file's data as it is now
 * @param previous the changes of an arm still in force (a re-arm adds to them)
 * @returns the patch (null when the lists already allow every command) and the accumulated changes
 */
export function planArm(config: unknown, commands: readonly string[], previous?: NodeListChanges): { patch: ConfigPatch | null; changes: NodeListChanges } {
  const { gateway, nodes } = sections(config);
  const allow = strings(nodes?.allowCommands);
  const deny = strings(nodes?.denyCommands) ?? [];
  const addedToAllow = commands.filter((c) => !(allow ?? []).includes(c));
  const earlier = previous?.removedFromDeny ?? [];
  const removedFromDeny = deny.flatMap((command, at) => (commands.includes(command) ? [{ command, index: indexBeforeArms(at, earlier) }] : []));
  const createdKeys = addedToAllow.length === 0 ? [] : [
    ...(gateway ? [] : ["gateway"]), ...(nodes ? [] : ["gateway.nodes"]), ...(allow ? [] : ["gateway.nodes.allowCommands"]),
  ];
  const changes: NodeListChanges = {
    addedToAllow: union(previous?.addedToAllow ?? [], addedToAllow),
    removedFromDeny: [...earlier, ...removedFromDeny.filter((r) => !earlier.some((e) => e.command === r.command))],
    createdKeys: union(previous?.createdKeys ?? [], createdKeys),
  };
  if (addedToAllow.length === 0 && removedFromDeny.length === 0) return { patch: null, changes };
  return {
    patch: nodesPatch({
      ...(addedToAllow.length > 0 && { allowCommands: [...(allow ?? []), ...addedToAllow] }),
      ...(removedFromDeny.length > 0 && { denyCommands: deny.filter((c) => !commands.includes(c)) }),
    }),
    changes,
  };
}

/**
 * Plans the revert of `changes` on the config as it is now: the added allow entries still there are removed, the
 * removed deny entries not back yet are appended, and a key the arm created is deleted when it ends up empty.
 * @returns the patch, or null when the config already holds none of the changes
 */
export function planDisarm(config: unknown, changes: NodeListChanges): ConfigPatch | null {
  const { gateway, nodes } = sections(config);
  const allow = strings(nodes?.allowCommands);
  const deny = strings(nodes?.denyCommands) ?? [];
  const keptAllow = allow?.filter((c) => !changes.addedToAllow.includes(c));
  const missingDeny = changes.removedFromDeny.filter((r) => !deny.includes(r.command));
  const patch: JsonObject = {};
  if (allow && keptAllow && keptAllow.length !== allow.length) {
    patch.allowCommands = keptAllow.length === 0 && changes.createdKeys.includes("gateway.nodes.allowCommands") ? null : keptAllow;
  }
  if (missingDeny.length > 0) patch.denyCommands = reinsert(deny, missingDeny);
  if (Object.keys(patch).length === 0) return null;
  const nodesLeft = Object.keys({ ...nodes, ...patch }).filter((k) => (k in patch ? patch[k] !== null : true));
  if (nodesLeft.length > 0 || !changes.createdKeys.includes("gateway.nodes")) return nodesPatch(patch);
  const gatewayLeft = Object.keys(gateway ?? {}).filter((k) => k !== "nodes");
  return gatewayLeft.length === 0 && changes.createdKeys.includes("gateway") ? { gateway: null } : { gateway: { nodes: null } };
}

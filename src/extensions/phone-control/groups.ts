/**
 * @module The command groups `/phone arm` takes (extensions.md §8): each names the high-risk node commands it arms.
 * `writes` includes `sms.send`, which upstream added later and the gateway treats as dangerous too.
 */

/** The groups and their node commands. */
export const COMMAND_GROUPS = {
  camera: ["camera.snap", "camera.clip"],
  screen: ["screen.record"],
  writes: ["calendar.add", "contacts.add", "reminders.add", "sms.send"],
} as const satisfies Record<string, readonly string[]>;

/** A group name `/phone arm` accepts: one group, or `all` (their union). */
export type GroupName = keyof typeof COMMAND_GROUPS | "all";

/** Every accepted group name, `all` last. */
export const GROUP_NAMES: readonly GroupName[] = [...(Object.keys(COMMAND_GROUPS) as GroupName[]), "all"];

/** Whether `name` is a group `/phone arm` accepts. */
export function isGroupName(name: string): name is GroupName {
  return (GROUP_NAMES as readonly string[]).includes(name);
}

/** The node commands of a group (`all`: every group's, in group order). */
export function commandsOf(group: GroupName): string[] {
  return group === "all" ? Object.values(COMMAND_GROUPS).flat() : [...COMMAND_GROUPS[group]];
}

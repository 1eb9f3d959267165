/**
 * @module The `/phone` chat command: `status`, `arm <group> [duration]`, `disarm`, and help. The channel router
 * runs it only for senders the channel's access policy admitted (`requireAuth`); arming and disarming also need the
 * sender in the plugin's `allowFrom` list (`<channel>:<senderId>`), so a paired guest can ask for the status but
 * cannot unlock the camera.
 */
import type { PluginCommand } from "../../plugins/api.ts";
import { DEFAULT_ARM_MS, formatDuration, parseDuration } from "./duration.ts";
import { GROUP_NAMES, isGroupName } from "./groups.ts";
import type { PhoneControl, PhoneStatus } from "./phone-control.ts";

const HELP = [
  "Usage:",
  `/phone arm <${GROUP_NAMES.join("|")}> [30s|10m|2h|1d] (default ${formatDuration(DEFAULT_ARM_MS)})`,
  "/phone disarm",
  "/phone status",
].join("\n");

/** The status in one line or two, for chat. */
export function describeStatus(status: PhoneStatus): string {
  if (!status.armed) return "Phone control: disarmed.";
  return [
    `Phone control: armed ${status.groups.join(", ")} (${status.commands.join(", ")}) by ${status.armedBy}.`,
    `Disarms at ${new Date(status.expiresAtMs).toISOString()} (in ${formatDuration(status.remainingMs)}).`,
  ].join("\n");
}

/**
 * The `/phone` command.
 * @param control resolved when the command runs (the database opens on first use)
 * @param owners the senders who may arm and disarm, as `<channel>:<senderId>`
 */
export function phoneCommand(control: () => PhoneControl, owners: readonly string[]): PluginCommand {
  return {
    name: "phone",
    description: "Arm high-risk phone node commands for a while: /phone arm <camera|screen|writes|all> [duration], /phone disarm, /phone status",
    acceptsArgs: true,
    requireAuth: true,
    async handler({ args, channel, senderId }) {
      const [sub = "help", group, duration, ...extra] = args.split(/\s+/).filter(Boolean).map((t) => t.toLowerCase());
      if (sub === "help" || sub === "status") return { text: sub === "help" ? `${describeStatus(control().status())}\n${HELP}` : describeStatus(control().status()) };
      if (sub !== "arm" && sub !== "disarm") return { text: `Unknown subcommand "${sub}".\n${HELP}` };
      const by = `${channel}:${senderId}`;
      if (!owners.includes(by)) return { text: `Not allowed: only the owners in plugins.entries.phone-control.config.allowFrom may ${sub} (you are ${by}).` };
      if (sub === "disarm") {
        const ended = await control().disarm("manual");
        return { text: ended ? `Disarmed ${ended.groups.join(", ")}: the node command lists are back as they were.` : "Phone control was not armed." };
      }
      if (!group || !isGroupName(group) || extra.length > 0) return { text: `Name one group: ${GROUP_NAMES.join(", ")}.\n${HELP}` };
      const parsed = duration === undefined ? { ms: DEFAULT_ARM_MS } : parseDuration(duration);
      if ("error" in parsed) return { text: parsed.error };
      return { text: describeStatus(await control().arm(group, parsed.ms, by)) };
    },
  };
}

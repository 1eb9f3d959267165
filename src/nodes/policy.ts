/**
 * @module The server-side node command allowlist (protocol.md §9): per-platform defaults, plus
 * `gateway.nodes.allowCommands`, minus `gateway.nodes.denyCommands`; dangerous commands only when allowed explicitly.
 */

/** Commands that touch the user's privacy or money: never allowed by default. */
export const DANGEROUS_COMMANDS = new Set([
  "camera.snap", "camera.clip", "screen.record", "contacts.add", "calendar.add", "reminders.add", "sms.send",
]);

const CANVAS = [
  "canvas.present", "canvas.hide", "canvas.navigate", "canvas.eval", "canvas.snapshot",
  "canvas.a2ui.push", "canvas.a2ui.pushJSONL", "canvas.a2ui.reset",
];
const MOBILE = [
  ...CANVAS, "camera.list", "location.get", "device.info", "device.status",
  "contacts.search", "calendar.events", "reminders.list", "photos.latest", "motion.activity",
];
const DESKTOP_SYSTEM = ["system.run", "system.which", "system.notify", "browser.proxy"];

/** Platform families the defaults are keyed by. */
export type PlatformFamily = "ios" | "android" | "macos" | "linux" | "windows" | "unknown";

const DEFAULTS: Record<PlatformFamily, readonly string[]> = {
  ios: MOBILE,
  android: MOBILE,
  macos: [...MOBILE, ...DESKTOP_SYSTEM],
  linux: [...CANVAS, ...DESKTOP_SYSTEM],
  windows: [...CANVAS, ...DESKTOP_SYSTEM],
  unknown: [],
};

/** Maps a client's free-form `platform` to a family. */
export function platformFamily(platform: string): PlatformFamily {
  const p = platform.toLowerCase();
  if (/ios|iphone|ipad|watchos/.test(p)) return "ios";
  if (p.includes("android")) return "android";
  if (/darwin|mac/.test(p)) return "macos";
  if (p.includes("linux")) return "linux";
  if (p.includes("win")) return "windows";
  return "unknown";
}

/** Config of the allowlist. */
export interface CommandPolicyConfig {
  allowCommands: readonly string[];
  denyCommands: readonly string[];
}

/** Whether the gateway lets a node of `platform` run `command`. */
export function isCommandAllowed(command: string, platform: string, { allowCommands, denyCommands }: CommandPolicyConfig): boolean {
  if (denyCommands.includes(command)) return false;
  if (allowCommands.includes(command)) return true;
  if (DANGEROUS_COMMANDS.has(command)) return false;
  return DEFAULTS[platformFamily(platform)].includes(command);
}

/** The subset of a node's declared commands the gateway allows. */
export function allowedCommands(declared: readonly string[], platform: string, config: CommandPolicyConfig): string[] {
  return declared.filter((c) => isCommandAllowed(c, platform, config));
}

/**
 * @module The two service managers behind `mayros service`: systemd (user units, `systemctl --user`,
 * `journalctl --user`) on Linux and launchd (agents in ~/Library/LaunchAgents, `launchctl`) on macOS.
 * Each turns an action into steps (files to write or remove, commands to run) and reads the status.
 */
import { dirname, join } from "node:path";
import { LAUNCHD_LABEL, SYSTEMD_UNIT, launchdPlist, systemdUnit, type ServiceSpec } from "./service-units.ts";

/** One thing `mayros service` does; `--dry-run` prints them instead. */
export type ServiceStep =
  | { kind: "mkdir"; path: string }
  | { kind: "write"; path: string; content: string }
  | { kind: "remove"; path: string }
  /** `mayFail`: a failure is expected in some states (e.g. stopping a service that is not loaded). */
  | { kind: "run"; argv: string[]; mayFail?: boolean };

/** Actions that change something. */
export type ServiceAction = "install" | "uninstall" | "start" | "stop" | "restart";

/** What the service manager reports. */
export interface ServiceState {
  /** The manager knows the service (loaded / unit file present). */
  loaded: boolean;
  /** running, inactive, failed … (the manager's word). */
  state: string;
  pid?: number;
  /** systemd only: enabled, disabled … */
  enabled?: string;
}

/** Where a backend lives on this machine. */
export interface BackendEnv {
  home: string;
  uid: number;
  env: NodeJS.ProcessEnv;
  stateDir: string;
}

/** One platform's service manager. */
export interface ServiceBackend {
  /** "systemd" or "launchd". */
  readonly kind: "systemd" | "launchd";
  /** The unit file or plist. */
  readonly file: string;
  /** The definition written at {@link file}. */
  definition(spec: ServiceSpec): string;
  /** The steps of `action`; `install` writes `definition`. `noStart`: install without starting. */
  steps(action: ServiceAction, definition: string, noStart: boolean): ServiceStep[];
  /** The command whose output is the status. */
  statusCommand(): string[];
  /** Reads {@link statusCommand}'s result. */
  parseStatus(code: number, stdout: string): ServiceState;
  /** The command that prints (or follows) the logs. */
  logsCommand(lines: number, follow: boolean): string[];
  /** Advice printed after install. */
  installNotes(): string[];
}

/** systemd user unit at `$XDG_CONFIG_HOME/systemd/user/mayros.service` (default ~/.config). */
export function systemdBackend(where: BackendEnv): ServiceBackend {
  const configHome = where.env.XDG_CONFIG_HOME?.trim() || join(where.home, ".config");
  const file = join(configHome, "systemd", "user", SYSTEMD_UNIT);
  const systemctl = (...args: string[]) => ["systemctl", "--user", ...args];
  return {
    kind: "systemd",
    file,
    definition: systemdUnit,
    steps(action, definition, noStart) {
      switch (action) {
        case "install":
          return [
            { kind: "mkdir", path: where.stateDir },
            { kind: "mkdir", path: dirname(file) },
            { kind: "write", path: file, content: definition },
            { kind: "run", argv: systemctl("daemon-reload") },
            { kind: "run", argv: systemctl("enable", SYSTEMD_UNIT) },
            // restart, not start: a reinstall must run the new unit.
            ...(noStart ? [] : [{ kind: "run" as const, argv: systemctl("restart", SYSTEMD_UNIT) }]),
          ];
        case "uninstall":
          return [
            { kind: "run", argv: systemctl("disable", "--now", SYSTEMD_UNIT), mayFail: true },
            { kind: "remove", path: file },
            { kind: "run", argv: systemctl("daemon-reload") },
          ];
        default:
          return [{ kind: "run", argv: systemctl(action, SYSTEMD_UNIT) }];
      }
    },
    statusCommand: () => systemctl("show", SYSTEMD_UNIT, "--property=LoadState,ActiveState,SubState,MainPID,UnitFileState"),
    parseStatus(code, stdout) {
      const props = Object.fromEntries(stdout.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
      const pid = Number(props.MainPID);
      return {
        loaded: code === 0 && props.LoadState === "loaded",
        state: code === 0 ? [props.ActiveState, props.SubState && `(${props.SubState})`].filter(Boolean).join(" ") || "unknown" : "unknown",
        ...(pid > 0 && { pid }),
        ...(props.UnitFileState && { enabled: props.UnitFileState }),
      };
    },
    logsCommand: (lines, follow) => ["journalctl", "--user", "-u", SYSTEMD_UNIT, "-n", String(lines), "--no-pager", ...(follow ? ["-f"] : [])],
    installNotes: () => [
      `To keep the gateway running while you are logged out: loginctl enable-linger ${where.env.USER?.trim() || "$USER"}`,
    ],
  };
}

/** launchd agent at `~/Library/LaunchAgents/ai.mayros.gateway.plist`, in the `gui/<uid>` domain. */
export function launchdBackend(where: BackendEnv): ServiceBackend {
  const file = join(where.home, "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);
  const logDir = join(where.stateDir, "logs");
  const logs = { out: join(logDir, "launchd.out.log"), err: join(logDir, "launchd.err.log") };
  const domain = `gui/${where.uid}`;
  const target = `${domain}/${LAUNCHD_LABEL}`;
  return {
    kind: "launchd",
    file,
    definition: (spec) => launchdPlist(spec, logs),
    steps(action, definition, noStart) {
      switch (action) {
        case "install":
          return [
            { kind: "mkdir", path: logDir },
            { kind: "mkdir", path: dirname(file) },
            { kind: "write", path: file, content: definition },
            // Unload an older definition first, so the new one is what runs.
            { kind: "run", argv: ["launchctl", "bootout", target], mayFail: true },
            ...(noStart ? [] : [{ kind: "run" as const, argv: ["launchctl", "bootstrap", domain, file] }]),
          ];
        case "uninstall":
          return [{ kind: "run", argv: ["launchctl", "bootout", target], mayFail: true }, { kind: "remove", path: file }];
        case "start":
          // bootstrap fails when already loaded; kickstart then starts it if it is not running.
          return [{ kind: "run", argv: ["launchctl", "bootstrap", domain, file], mayFail: true }, { kind: "run", argv: ["launchctl", "kickstart", target] }];
        case "stop":
          // KeepAlive would restart a killed gateway: unload it until the next start or login.
          return [{ kind: "run", argv: ["launchctl", "bootout", target] }];
        case "restart":
          return [{ kind: "run", argv: ["launchctl", "kickstart", "-k", target] }];
      }
    },
    statusCommand: () => ["launchctl", "print", target],
    parseStatus(code, stdout) {
      if (code !== 0) return { loaded: false, state: "not loaded" };
      const pid = Number(/^\s*pid = (\d+)/m.exec(stdout)?.[1]);
      return { loaded: true, state: /^\s*state = (.+)$/m.exec(stdout)?.[1]?.trim() ?? "unknown", ...(pid > 0 && { pid }) };
    },
    logsCommand: (lines, follow) => ["tail", "-n", String(lines), ...(follow ? ["-F"] : []), logs.out, logs.err],
    installNotes: () => [`Logs: ${logs.out} and ${logs.err} (also <state>/logs/gateway.log)`],
  };
}

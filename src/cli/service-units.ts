/**
 * @module The service definitions `mayros service install` writes: a systemd user unit (Linux) and a
 * launchd agent plist (macOS), both running `<this executable> gateway`.
 */

/** What a service definition needs to know. */
export interface ServiceSpec {
  /** The command line: `[binary, "gateway"]`, or `[bun, main.ts, "gateway"]` from source. */
  command: string[];
  /** The state directory (working directory, and the one place the sandbox may write). */
  stateDir: string;
  /** Other paths the gateway writes to (config outside the state dir, agent workspace). */
  extraWritablePaths: string[];
  /** Environment of the service (MAYROS_STATE_DIR, PATH, …); never secrets: unit files are readable. */
  env: Record<string, string>;
  /** Omit the options that need unprivileged user namespaces (systemd user units). */
  noSandbox?: boolean;
}

/** The systemd unit name. */
export const SYSTEMD_UNIT = "mayros.service";
/** The launchd label (also the plist's base name). */
export const LAUNCHD_LABEL = "ai.mayros.gateway";

/**
 * A systemd **user** unit: restarts on failure, sandboxed (read-only system and home, writable state
 * dir, private /tmp, no privilege gain). `MemoryDenyWriteExecute` stays off: Bun's JIT needs it.
 */
export function systemdUnit(spec: ServiceSpec): string {
  const sandbox = spec.noSandbox
    ? ["# Sandboxing options that need user namespaces are off (--no-sandbox)."]
    : [
        "PrivateTmp=yes",
        "ProtectSystem=strict",
        "ProtectHome=read-only",
        `ReadWritePaths=${[systemdQuote(spec.stateDir), ...spec.extraWritablePaths.map((p) => systemdQuote(`-${p}`))].join(" ")}`,
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectKernelLogs=yes",
        "ProtectControlGroups=yes",
        "ProtectClock=yes",
        "ProtectHostname=yes",
        "RestrictNamespaces=yes",
        "RestrictRealtime=yes",
        "RestrictSUIDSGID=yes",
        "LockPersonality=yes",
      ];
  return [
    "# Written by `mayros service install`; remove it with `mayros service uninstall`.",
    "[Unit]",
    "Description=Mayros gateway",
    "StartLimitIntervalSec=300",
    "StartLimitBurst=5",
    "",
    "[Service]",
    "Type=simple",
    // systemd expands $VARS in the arguments, not in the executable's path.
    `ExecStart=${spec.command.map((word, i) => systemdQuote(word, i > 0)).join(" ")}`,
    // A single path: taken as is up to the end of the line (no quotes), only specifiers escaped.
    `WorkingDirectory=${spec.stateDir.replace(/%/g, "%%")}`,
    ...Object.entries(spec.env).map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`)}`),
    "Restart=on-failure",
    "RestartSec=5",
    "TimeoutStopSec=30",
    "NoNewPrivileges=yes",
    "SystemCallArchitectures=native",
    "UMask=0077",
    ...sandbox,
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

/**
 * A launchd agent: started at login, restarted when it exits with a failure (`KeepAlive` with
 * `SuccessfulExit: false`, throttled), stdout and stderr to `<state>/logs/launchd.{out,err}.log`.
 */
export function launchdPlist(spec: ServiceSpec, logs: { out: string; err: string }): string {
  const str = (s: string) => `<string>${xmlEscape(s)}</string>`;
  const env = Object.entries(spec.env).flatMap(([k, v]) => [`      <key>${xmlEscape(k)}</key>`, `      ${str(v)}`]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    "  <dict>",
    "    <key>Label</key>",
    `    ${str(LAUNCHD_LABEL)}`,
    "    <key>ProgramArguments</key>",
    "    <array>",
    ...spec.command.map((arg) => `      ${str(arg)}`),
    "    </array>",
    "    <key>WorkingDirectory</key>",
    `    ${str(spec.stateDir)}`,
    "    <key>EnvironmentVariables</key>",
    "    <dict>",
    ...env,
    "    </dict>",
    "    <key>RunAtLoad</key>",
    "    <true/>",
    "    <key>KeepAlive</key>",
    "    <dict>",
    "      <key>SuccessfulExit</key>",
    "      <false/>",
    "    </dict>",
    "    <key>ThrottleInterval</key>",
    "    <integer>10</integer>",
    "    <key>ProcessType</key>",
    `    ${str("Background")}`,
    "    <key>Umask</key>",
    "    <integer>63</integer>",
    "    <key>StandardOutPath</key>",
    `    ${str(logs.out)}`,
    "    <key>StandardErrorPath</key>",
    `    ${str(logs.err)}`,
    "  </dict>",
    "</plist>",
    "",
  ].join("\n");
}

/**
 * Quotes one word of a systemd list or command line: `%` specifiers are escaped (and `$` expansion,
 * which only command-line arguments get, when `argument`), and the word is double-quoted (with C-style escapes)
 * when it has spaces, quotes or backslashes.
 */
export function systemdQuote(word: string, argument = false): string {
  const escaped = argument ? word.replace(/%/g, "%%").replace(/\$/g, "$$$$") : word.replace(/%/g, "%%");
  if (escaped !== "" && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

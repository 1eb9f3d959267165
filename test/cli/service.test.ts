/**
 * `mayros service`: the systemd user unit passes `systemd-analyze verify --user`, the launchd plist parses
 * as a plist with the expected keys, and every action runs the right commands through an injected runner
 * (tests never call systemctl or launchctl). `--dry-run` and `--json` through the real CLI.
 */
import { describe, expect, it } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CliError } from "../../src/cli/errors.ts";
import { runServiceAction, serviceLogs, serviceStatus, type CommandRunner, type ServiceContext } from "../../src/cli/service-manager.ts";
import { selfCommand } from "../../src/cli/service-self.ts";
import { systemdQuote, systemdUnit } from "../../src/cli/service-units.ts";
import { parsePlist } from "./plist.ts";
import { repoRoot, runCli } from "./spawn.ts";
import { useTempDirs } from "./temp-dirs.ts";

const tempDir = useTempDirs("mayros-service-");

/** A runner that records every command and answers from `answers` (by the command's text), else exit 0. */
function fakeRunner(answers: Record<string, { code: number; stdout?: string; stderr?: string }> = {}) {
  const calls: string[] = [];
  const run: CommandRunner = async (argv, options) => {
    const line = argv.join(" ");
    calls.push(options?.inherit ? `${line} (inherit)` : line);
    const a = answers[line];
    return { code: a?.code ?? 0, stdout: a?.stdout ?? "", stderr: a?.stderr ?? "" };
  };
  return { run, calls };
}

/** A context on `platform` with a temp home and state dir. */
function context(platform: NodeJS.Platform, run: CommandRunner, env: NodeJS.ProcessEnv = {}): ServiceContext {
  const home = tempDir();
  const stateDir = join(home, ".mayros");
  return {
    platform, home, uid: 501, run,
    env: { MAYROS_STATE_DIR: stateDir, PATH: "/usr/local/bin:/usr/bin:/bin", USER: "pi", ...env },
    paths: { stateDir, configPath: join(stateDir, "mayros.json") },
    self: ["/opt/mayros/bin/mayros"],
  };
}

/** `systemd-analyze verify --user` on a unit file (a private runtime dir lets it run without a session). */
function verifyUnit(unit: string): { code: number; stderr: string } {
  const dir = tempDir();
  const runtime = join(dir, "runtime");
  mkdirSync(runtime, { mode: 0o700 });
  const path = join(dir, "mayros.service");
  writeFileSync(path, unit);
  const r = Bun.spawnSync(["systemd-analyze", "verify", "--user", path], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, XDG_RUNTIME_DIR: runtime }, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stderr: r.stderr.toString() };
}

describe("systemd user unit", () => {
  it("should pass systemd-analyze verify, with restart on failure and hardening", async () => {
    const stateDir = tempDir();
    const r = await runCli(["service", "install", "--dry-run", "--json"], { stateDir, env: { HOME: tempDir() } });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ action: "install", manager: "systemd", dryRun: true });
    const unit = plan.steps.find((s: { kind: string }) => s.kind === "write").content as string;
    // From source the service runs `bun src/main.ts gateway`, with this bun and this checkout.
    expect(unit).toContain(`\nExecStart=${process.execPath} ${join(repoRoot, "src", "main.ts")} gateway\n`);
    for (const line of ["Restart=on-failure", "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=strict", "ProtectHome=read-only",
      `ReadWritePaths=${stateDir}`, `Environment=MAYROS_STATE_DIR=${stateDir}`, `WorkingDirectory=${stateDir}`, "WantedBy=default.target"]) {
      expect(unit).toContain(`\n${line}\n`);
    }
    expect(unit).not.toContain("MemoryDenyWriteExecute");
    expect(verifyUnit(unit)).toEqual({ code: 0, stderr: "" });
  });

  it("should quote paths with spaces, % and $ so systemd reads them back (verify finds the executable)", () => {
    const dir = join(tempDir(), "my apps %h $HOME");
    mkdirSync(dir);
    const binary = join(dir, "mayros");
    symlinkSync(process.execPath, binary);
    const unit = systemdUnit({ command: [binary, "gateway"], stateDir: dir, extraWritablePaths: [join(dir, "work space")], env: { MAYROS_STATE_DIR: dir } });
    const escaped = binary.replace("%h", "%%h");
    expect(unit).toContain(`ExecStart="${escaped}" gateway`);
    expect(systemdQuote(binary)).toBe(`"${escaped}"`);
    expect(systemdQuote("a $HOME %i", true)).toBe('"a $$HOME %%i"');
    expect(verifyUnit(unit)).toEqual({ code: 0, stderr: "" });
    // And a wrong path is caught, so the check above means something.
    expect(verifyUnit(unit.replace(escaped, "/nonexistent/mayros")).code).not.toBe(0);
    expect(verifyUnit(systemdUnit({ command: [binary, "gateway"], stateDir: dir, extraWritablePaths: [], env: {}, noSandbox: true }))).toEqual({ code: 0, stderr: "" });
  });

  it("should install, start, stop, restart and uninstall through systemctl --user without calling it for real", async () => {
    const fake = fakeRunner();
    const ctx = context("linux", fake.run, { XDG_CONFIG_HOME: "" });
    const unitPath = join(ctx.home, ".config", "systemd", "user", "mayros.service");
    await expect(runServiceAction(ctx, "start")).rejects.toThrow(`the service is not installed (no ${unitPath}): run mayros service install`);
    const installed = await runServiceAction(ctx, "install");
    expect(installed.file).toBe(unitPath);
    expect(readFileSync(unitPath, "utf8")).toContain("ExecStart=/opt/mayros/bin/mayros gateway\n");
    expect(statSync(ctx.paths.stateDir).mode & 0o777).toBe(0o700);
    expect(installed.notes).toContain("To keep the gateway running while you are logged out: loginctl enable-linger pi");
    for (const action of ["start", "stop", "restart", "uninstall"] as const) await runServiceAction(ctx, action);
    expect(fake.calls).toEqual([
      "systemctl --user daemon-reload", "systemctl --user enable mayros.service", "systemctl --user restart mayros.service",
      "systemctl --user start mayros.service", "systemctl --user stop mayros.service", "systemctl --user restart mayros.service",
      "systemctl --user disable --now mayros.service", "systemctl --user daemon-reload",
    ]);
    expect(existsSync(unitPath)).toBe(false);
    // Uninstalling again is fine; --no-start enables without starting; XDG_CONFIG_HOME is honoured.
    expect((await runServiceAction(ctx, "uninstall")).notes).toEqual(["Not installed: nothing to do."]);
    const xdg = context("linux", fake.run, { XDG_CONFIG_HOME: join(tempDir(), "cfg") });
    fake.calls.length = 0;
    const noStart = await runServiceAction(xdg, "install", { noStart: true });
    expect(noStart.file).toBe(join(xdg.env.XDG_CONFIG_HOME!, "systemd", "user", "mayros.service"));
    expect(fake.calls).toEqual(["systemctl --user daemon-reload", "systemctl --user enable mayros.service"]);
  });

  it("should report a failing systemctl with its output and what was already done", async () => {
    const fake = fakeRunner({ "systemctl --user daemon-reload": { code: 1, stderr: "Failed to connect to bus: No medium found" } });
    const ctx = context("linux", fake.run);
    const error = await runServiceAction(ctx, "install").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toStartWith("`systemctl --user daemon-reload` failed with exit code 1: Failed to connect to bus: No medium found (already done: create directory");
    expect(fake.calls).toEqual(["systemctl --user daemon-reload"]);
  });

  it("should read the status from systemctl show and pass logs to journalctl", async () => {
    const show = "LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=4242\nUnitFileState=enabled\n";
    const fake = fakeRunner({ "systemctl --user show mayros.service --property=LoadState,ActiveState,SubState,MainPID,UnitFileState": { code: 0, stdout: show } });
    const ctx = context("linux", fake.run);
    expect(await serviceStatus(ctx)).toMatchObject({ manager: "systemd", installed: false, loaded: true, state: "active (running)", pid: 4242, enabled: "enabled" });
    await serviceLogs(ctx, 50, true);
    expect(fake.calls.at(-1)).toBe("journalctl --user -u mayros.service -n 50 --no-pager -f (inherit)");
  });

  it("should not write secrets from the shell into the unit, and say so", async () => {
    const ctx = context("linux", fakeRunner().run, { ANTHROPIC_API_KEY: "sk-ant-shell", MAYROS_GATEWAY_TOKEN: "tok-shell", MAYROS_GATEWAY_PORT: "19010" });
    const result = await runServiceAction(ctx, "install", { dryRun: true });
    const unit = (result.steps.find((s) => s.kind === "write") as { content: string }).content;
    expect(unit).not.toContain("sk-ant-shell");
    expect(unit).not.toContain("tok-shell");
    expect(unit).toContain("Environment=MAYROS_GATEWAY_PORT=19010");
    expect(result.notes[0]).toContain("MAYROS_GATEWAY_TOKEN, ANTHROPIC_API_KEY are set in this shell but not given to the service");
    expect(existsSync(result.file)).toBe(false); // dry run
  });
});

describe("launchd agent plist", () => {
  it("should write a valid plist with KeepAlive, log paths and the binary's own path, and bootstrap it", async () => {
    const fake = fakeRunner();
    const ctx = context("darwin", fake.run, { MAYROS_STATE_DIR: "" });
    ctx.paths = { stateDir: join(ctx.home, "state & <co>"), configPath: join(ctx.home, "state & <co>", "mayros.json") };
    const result = await runServiceAction(ctx, "install");
    const plistPath = join(ctx.home, "Library", "LaunchAgents", "ai.mayros.gateway.plist");
    expect(result).toMatchObject({ manager: "launchd", file: plistPath });
    const plist = parsePlist(readFileSync(plistPath, "utf8"));
    const logs = join(ctx.paths.stateDir, "logs");
    expect(plist).toEqual({
      Label: "ai.mayros.gateway",
      ProgramArguments: ["/opt/mayros/bin/mayros", "gateway"],
      WorkingDirectory: ctx.paths.stateDir,
      EnvironmentVariables: { MAYROS_STATE_DIR: ctx.paths.stateDir, PATH: "/usr/local/bin:/usr/bin:/bin" },
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ThrottleInterval: 10,
      ProcessType: "Background",
      Umask: 0o077,
      StandardOutPath: join(logs, "launchd.out.log"),
      StandardErrorPath: join(logs, "launchd.err.log"),
    });
    expect(statSync(logs).isDirectory()).toBe(true);
    for (const action of ["start", "stop", "restart", "uninstall"] as const) await runServiceAction(ctx, action);
    expect(fake.calls).toEqual([
      "launchctl bootout gui/501/ai.mayros.gateway", `launchctl bootstrap gui/501 ${plistPath}`,
      `launchctl bootstrap gui/501 ${plistPath}`, "launchctl kickstart gui/501/ai.mayros.gateway",
      "launchctl bootout gui/501/ai.mayros.gateway",
      "launchctl kickstart -k gui/501/ai.mayros.gateway",
      "launchctl bootout gui/501/ai.mayros.gateway",
    ]);
    expect(existsSync(plistPath)).toBe(false);
  });

  it("should read launchctl print and tail the log files", async () => {
    const fake = fakeRunner({ "launchctl print gui/501/ai.mayros.gateway": { code: 0, stdout: "gui/501/ai.mayros.gateway = {\n\tstate = running\n\tpid = 777\n}\n" } });
    const ctx = context("darwin", fake.run);
    expect(await serviceStatus(ctx)).toMatchObject({ manager: "launchd", loaded: true, state: "running", pid: 777 });
    const stopped = context("darwin", fakeRunner({ "launchctl print gui/501/ai.mayros.gateway": { code: 113 } }).run);
    expect(await serviceStatus(stopped)).toMatchObject({ loaded: false, state: "not loaded" });
    await serviceLogs(ctx, 20, false);
    expect(fake.calls.at(-1)).toBe(`tail -n 20 ${join(ctx.paths.stateDir, "logs", "launchd.out.log")} ${join(ctx.paths.stateDir, "logs", "launchd.err.log")} (inherit)`);
  });

  it("should reject a plist that is not well-formed (the parser is strict)", () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">';
    expect(parsePlist(`${head}<dict><key>a</key><string>x &amp; y</string></dict></plist>`)).toEqual({ a: "x & y" });
    for (const bad of ["<dict><key>a</key></dict>", "<dict><string>x</string></dict>", "<string>a & b</string>", "<dict><key>a</key><true/><key>a</key><true/></dict>", "<date>x</date>"]) {
      expect(() => parsePlist(`${head}${bad}</plist>`)).toThrow();
    }
  });
});

describe("mayros service (CLI)", () => {
  it("should document every subcommand and --dry-run / --json", async () => {
    const stateDir = tempDir();
    const help = await runCli(["service", "--help"], { stateDir });
    for (const sub of ["install", "uninstall", "status", "start", "stop", "restart", "logs"]) expect(help.stdout).toContain(sub);
    const install = await runCli(["service", "install", "--help"], { stateDir });
    for (const flag of ["--dry-run", "--json", "--no-start", "--no-sandbox"]) expect(install.stdout).toContain(flag);
  });

  it("should print the unit and the commands on --dry-run and change nothing", async () => {
    const stateDir = tempDir();
    const home = tempDir();
    const r = await runCli(["service", "install", "--dry-run"], { stateDir, env: { HOME: home, XDG_CONFIG_HOME: "" } });
    expect(r.code).toBe(0);
    const unitPath = join(home, ".config", "systemd", "user", "mayros.service");
    expect(r.stdout).toStartWith("install (systemd), dry run: nothing was changed. It would:\n");
    expect(r.stdout).toContain(`----- ${unitPath}\n# Written by \`mayros service install\``);
    expect(r.stdout).toContain("  run systemctl --user daemon-reload\n");
    expect(existsSync(unitPath)).toBe(false);
    const start = await runCli(["service", "start", "--dry-run"], { stateDir, env: { HOME: home } });
    expect(start.code).toBe(1);
    expect(start.stderr).toContain("the service is not installed");
  });

  it("should run itself: [bun, src/main.ts] from source, the executable alone when compiled", () => {
    expect(selfCommand("/work/test.ts", "/usr/bin/bun")).toEqual(["/usr/bin/bun", join(repoRoot, "src", "main.ts")]);
    expect(selfCommand("/$bunfs/root/mayros", "/home/pi/.local/bin/mayros")).toEqual(["/home/pi/.local/bin/mayros"]);
  });
});

/**
 * @module `mayros node`: run this machine as a headless node host (`node run`) and manage the exec
 * allowlist that limits what `system.run` may start (`node allow`, `node deny`, `node allowlist`).
 */
import type { Command } from "commander";
import { basename, isAbsolute, resolve } from "node:path";
import { resolvePaths } from "../config/paths.ts";
import { createLogger } from "../logging/logger.ts";
import { AllowlistError, addToAllowlist, allowlistPath, readAllowlist, removeFromAllowlist } from "../node-host/allowlist.ts";
import { runNodeHost } from "../node-host/host.ts";
import { assertSafeTransport, InsecureTransportError } from "../tls/index.ts";
import { CliError, ExitCode } from "./errors.ts";
import { printJson, printLines } from "./output.ts";
import { resolveTarget } from "./target.ts";

interface RunFlags {
  url?: string;
  token?: string;
  password?: string;
  displayName?: string;
  json?: boolean;
  tlsFingerprint?: string;
  insecure?: boolean;
}

/** Registers `node` and its subcommands. */
export function registerNodeCommand(program: Command): void {
  const node = program
    .command("node")
    .description("run this machine as a node host, and manage what it may execute");
  node
    .command("run")
    .description("connect to a gateway as a node and answer its commands until SIGINT/SIGTERM")
    .option("--url <url>", "gateway WebSocket URL (default: the local gateway from config)")
    .option("--token <token>", "gateway token")
    .option("--password <password>", "gateway password")
    .option("--display-name <name>", "name shown in the gateway's node list (default: the host name)")
    .option("--json", "print connection events as JSON lines")
    .option("--tls-fingerprint <sha256>", "pin the gateway's TLS certificate (wss:// only)")
    .option("--insecure", "allow plaintext ws:// to a remote host, or an unverified wss:// certificate")
    .action(runNode);
  node
    .command("allow <binary>")
    .description("let system.run execute <binary> (a name on PATH or a path; stored as an absolute path)")
    .option("--json", "print machine-readable JSON")
    .action(allowBinary);
  node
    .command("deny <binary>")
    .description("remove <binary> (a name or an absolute path) from the exec allowlist")
    .option("--json", "print machine-readable JSON")
    .action(denyBinary);
  node
    .command("allowlist")
    .description("list the executables system.run may start on this node")
    .option("--json", "print machine-readable JSON")
    .action(listAllowlist);
}

async function runNode(flags: RunFlags): Promise<void> {
  const target = resolveTarget({ url: flags.url, token: flags.token, password: flags.password, tlsFingerprint: flags.tlsFingerprint, insecure: flags.insecure });
  // Refused at once: the node host would otherwise retry a connection that can never be made.
  try {
    assertSafeTransport(target.url, { insecure: target.insecure });
  } catch (err) {
    if (err instanceof InsecureTransportError) throw new CliError(err.message, ExitCode.USAGE);
    throw err;
  }
  const { stateDir } = resolvePaths();
  const log = createLogger("node-host");
  log.addSecret(target.token);
  log.addSecret(target.password);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await runNodeHost({
      url: target.url,
      token: target.token,
      password: target.password,
      displayName: flags.displayName,
      stateDir,
      signal: controller.signal,
      log,
      timeoutMs: target.timeoutMs,
      tlsFingerprint: target.tlsFingerprint,
      insecure: target.insecure,
      onConnected: ({ url, nodeId }) => {
        Bun.unsafe.setJITPolicy(1); // serving from here on: the normal JIT policy (see START_JIT_POLICY in build/compile.ts)
        if (flags.json) process.stdout.write(`${JSON.stringify({ event: "connected", url, nodeId })}\n`);
        else printLines(`node host connected to ${url} as ${nodeId}`);
      },
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function allowBinary(binary: string, flags: { json?: boolean }): Promise<void> {
  const { stateDir } = resolvePaths();
  const path = Bun.which(hasSlash(binary) ? resolve(binary) : binary);
  if (!path) throw new CliError(hasSlash(binary) ? `not an executable file: ${resolve(binary)}` : `not found on PATH: ${binary}`);
  const added = allowlistCall(() => addToAllowlist(stateDir, path));
  if (flags.json) printJson({ path, added, allowlist: allowlistPath(stateDir) });
  else printLines(added ? `allowed ${path}` : `${path} is already allowed`);
}

async function denyBinary(binary: string, flags: { json?: boolean }): Promise<void> {
  const { stateDir } = resolvePaths();
  const candidates = hasSlash(binary)
    ? [resolve(binary)]
    : [Bun.which(binary), ...allowlistCall(() => readAllowlist(stateDir)).allow.filter((p) => basename(p) === binary)];
  const removed = allowlistCall(() => removeFromAllowlist(stateDir, candidates.filter((p): p is string => typeof p === "string")));
  if (flags.json) printJson({ removed, allowlist: allowlistPath(stateDir) });
  else if (removed.length === 0) printLines(`${binary} is not in the allowlist (nothing changed)`);
  else printLines(...removed.map((p) => `denied ${p}`));
}

async function listAllowlist(flags: { json?: boolean }): Promise<void> {
  const { stateDir } = resolvePaths();
  const path = allowlistPath(stateDir);
  const list = allowlistCall(() => readAllowlist(stateDir));
  if (flags.json) printJson({ path, ...list });
  else if (list.allow.length === 0) printLines(`the exec allowlist is empty (${path}); add executables with "mayros node allow <binary>"`);
  else printLines(...list.allow);
}

/** Runs an allowlist operation; an invalid file is a configuration error (exit 2). */
function allowlistCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AllowlistError) throw new CliError(err.message, ExitCode.USAGE);
    throw err;
  }
}

const hasSlash = (s: string) => isAbsolute(s) || s.includes("/") || s.includes("\\");

/** @module `mayros gateway`: runs the gateway in the foreground until SIGINT/SIGTERM. */
import type { Command } from "commander";
import { loadConfig, ConfigError } from "../config/index.ts";
import { startGateway } from "../gateway/gateway.ts";
import { LockHeldError } from "../store/index.ts";
import { VERSION } from "../version.ts";
import { CliError, ExitCode } from "./errors.ts";
import { printJson, printLines } from "./output.ts";

/** The flags of `mayros gateway`. */
export interface GatewayFlags {
  port?: string;
  bind?: string;
  token?: string;
  password?: string;
  verbose?: boolean;
  json?: boolean;
}

/** One flag of `mayros gateway`: its value placeholder (absent for a switch) and its help line. */
interface GatewayFlagSpec {
  value?: string;
  help: string;
}

/**
 * Every flag of `mayros gateway`, declared once: the start-up fast path (src/cli/gateway-fast.ts) parses them with
 * `parseArgs`, and the commander program shows them in `mayros gateway --help`.
 */
export const GATEWAY_FLAGS: Record<keyof GatewayFlags, GatewayFlagSpec> = {
  port: { value: "<n>", help: "port to listen on (default 18789, env MAYROS_GATEWAY_PORT)" },
  bind: { value: "<mode>", help: "loopback | lan | tailnet | <host> (default loopback)" },
  token: { value: "<token>", help: "shared auth token (env MAYROS_GATEWAY_TOKEN)" },
  password: { value: "<password>", help: "shared auth password (env MAYROS_GATEWAY_PASSWORD)" },
  verbose: { help: "log every frame (never secrets)" },
  json: { help: "print the start-up summary as JSON" },
};

/** Registers `gateway`. */
export function registerGatewayCommand(program: Command): void {
  const command = program
    .command("gateway")
    .description("run the gateway (WebSocket control plane and HTTP on one port)");
  for (const [name, { value, help }] of Object.entries(GATEWAY_FLAGS)) command.option(value ? `--${name} ${value}` : `--${name}`, help);
  command.action(runGateway);
}

/**
 * Runs the gateway until SIGINT/SIGTERM.
 * @throws {CliError} exit 2 for a bad flag or config, 1 when the gateway cannot start
 */
export async function runGateway(flags: GatewayFlags): Promise<void> {
  const port = flags.port === undefined ? undefined : parsePort(flags.port);
  let loaded;
  try {
    loaded = loadConfig({ flags: { port, bind: flags.bind, token: flags.token, password: flags.password } });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, ExitCode.USAGE);
    throw err;
  }
  let gateway;
  try {
    gateway = await startGateway({ loaded, verbose: flags.verbose ?? false });
  } catch (err) {
    if (err instanceof LockHeldError) throw new CliError(err.message);
    throw new CliError(`cannot start the gateway: ${(err as Error).message}`);
  }
  // The binary starts with a reluctant JIT (build/compile.ts: run-once start-up code stays interpreted, which
  // keeps start-up and idle memory down); from here on the gateway serves, so hot paths tier up as usual.
  Bun.unsafe.setJITPolicy(1);
  const httpUrl = gateway.url.replace(/^ws/, "http");
  if (flags.json) {
    printJson({
      url: gateway.url, http: httpUrl, pid: process.pid, version: VERSION, authMode: loaded.authMode, tokenGenerated: gateway.tokenGenerated,
      ...(gateway.tlsFingerprint && { tlsFingerprint: gateway.tlsFingerprint }),
    });
  } else {
    printLines(
      `Mayros gateway ${VERSION} listening on ${gateway.url} (HTTP ${httpUrl})`,
      ...(gateway.tokenGenerated
        ? [`A gateway token was generated and stored (shown once): ${gateway.token}`]
        : []),
      ...(gateway.tlsFingerprint
        ? [`TLS certificate SHA-256 fingerprint: ${gateway.tlsFingerprint}`, `Remote clients pin it: --url ${gateway.url} --tls-fingerprint ${gateway.tlsFingerprint}`]
        : []),
      loaded.authMode === "token" ? "Clients authenticate with the gateway token; print it any time with `mayros token` (from source: `bun src/main.ts token`)." : `Auth mode: ${loaded.authMode}.`,
    );
  }
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      void gateway.stop(`gateway stopping (${signal})`).then(resolve);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`--port: expected an integer from 1 to 65535, got "${text}"`, ExitCode.USAGE);
  return port;
}

#!/usr/bin/env bun
/** @module The `mayros` entry point: every command of the binary starts here. */

// No top-level await: the compiled binary is built with --bytecode, which needs a plain module body.
const args = process.argv.slice(2);
// `mayros gateway` skips the CLI framework (src/cli/gateway-fast.ts); everything else builds the full program.
const fast = args[0] === "gateway" && !args.includes("--help") && !args.includes("-h");
const run = fast
  ? import("./cli/gateway-fast.ts").then((m) => m.runGatewayFast(args.slice(1)))
  : import("./cli/program.ts").then((m) => m.runCli(args));
void run.then((code) => process.exit(code));

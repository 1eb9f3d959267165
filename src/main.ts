#!/usr/bin/env bun
/** @module The `mayros` entry point: every command of the binary starts here. */
import { runCli } from "./cli/program.ts";

// No top-level await: the compiled binary is built with --bytecode, which needs a plain module body.
void runCli(process.argv.slice(2)).then((code) => process.exit(code));

#!/usr/bin/env bun
/** @module The `mayros` entry point: every command of the binary starts here. */
import { runCli } from "./cli/program.ts";

process.exit(await runCli(process.argv.slice(2)));

/**
 * @module Questions on the terminal for `mayros onboard`: one line per answer from stdin (a TTY or a
 * pipe), secrets read without echo on a TTY, a default on Enter, and a re-ask when a check fails.
 */
import { CliError, ExitCode } from "./errors.ts";

/** One question. */
export interface Question {
  /** The question, without the default or a trailing colon. */
  text: string;
  /** Given on an empty answer, shown as `[default]`. */
  default?: string;
  /** Shown instead of the default (e.g. "keep the current key"). */
  defaultLabel?: string;
  /** Read without echo on a TTY. */
  secret?: boolean;
  /** Why the answer is not acceptable, or undefined when it is. */
  check?: (answer: string) => string | undefined;
}

/** Asks questions on a terminal or a pipe. */
export interface Prompter {
  /**
   * Asks until the answer passes `check` (three tries).
   * @throws {CliError} exit 2 when input ends or the answer keeps failing, exit 1 on Ctrl-C.
   */
  ask(question: Question): Promise<string>;
  /** Stops reading the input. */
  close(): void;
}

/** The input side: process.stdin fits. */
export type PromptInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

const MAX_TRIES = 3;

/** A prompter that writes questions to `output` and reads answers from `input`. */
export function createPrompter(input: PromptInput, output: { write(text: string): unknown }): Prompter {
  const tty = input.isTTY === true && typeof input.setRawMode === "function";
  let pending = "";
  let ended = false;
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer | string) => {
    pending += chunk.toString();
    wake?.();
  };
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  let listening = false;
  const listen = () => {
    if (listening) return;
    listening = true;
    input.on("data", onData);
    input.on("end", onEnd);
    input.resume();
  };

  /** The next line; in raw mode (a secret on a TTY) keys are handled one by one without echo. */
  async function readLine(raw: boolean): Promise<string | undefined> {
    listen();
    let line = "";
    for (;;) {
      if (!raw) {
        const nl = pending.indexOf("\n");
        if (nl >= 0) {
          const text = pending.slice(0, nl).replace(/\r$/, "");
          pending = pending.slice(nl + 1);
          return text;
        }
      } else {
        while (pending.length > 0) {
          const c = pending[0]!;
          pending = pending.slice(1);
          if (c === "\r" || c === "\n") return line;
          if (c === "\u0003") throw new CliError("cancelled");
          if (c === "\u0004") return line === "" ? undefined : line;
          if (c === "\u007f" || c === "\b") line = line.slice(0, -1);
          else if (c >= " ") line += c;
        }
      }
      if (ended) {
        const rest = raw ? line : pending;
        pending = "";
        return rest === "" ? undefined : rest;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }

  return {
    async ask(q) {
      const shown = q.defaultLabel ?? q.default;
      for (let attempt = 1; ; attempt++) {
        output.write(`${q.text}${shown ? ` [${shown}]` : ""}: `);
        const raw = tty && q.secret === true;
        if (raw) input.setRawMode!(true);
        let answer: string | undefined;
        try {
          answer = await readLine(raw);
        } finally {
          if (raw) input.setRawMode!(false);
          // A terminal echoes the Enter of a visible answer; a hidden one or a pipe does not.
          if (raw || !tty) output.write("\n");
        }
        if (answer === undefined) throw new CliError(`the input ended before "${q.text}" was answered`, ExitCode.USAGE);
        const value = answer.trim() === "" ? (q.default ?? "") : answer.trim();
        const problem = q.check?.(value);
        if (problem === undefined) return value;
        output.write(`  ${problem}\n`);
        if (attempt >= MAX_TRIES) throw new CliError(`${q.text}: ${problem}`, ExitCode.USAGE);
      }
    },
    close() {
      if (!listening) return;
      input.off("data", onData);
      input.off("end", onEnd);
      input.pause();
    },
  };
}

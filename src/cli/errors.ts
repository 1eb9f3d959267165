/** @module CLI failures with their exit codes (0 ok, 1 failure, 2 usage or configuration error). */

/** Exit codes of every command. */
export const ExitCode = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

/** A failure to report to the user as one readable line, with an exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(message: string, readonly exitCode: number = ExitCode.FAILURE) {
    super(message);
  }
}

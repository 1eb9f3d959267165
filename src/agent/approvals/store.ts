/**
 * @module Persistence of the exec approvals policy file: one JSON document in the `settings` table,
 * its sha256 hash, and `baseHash`-checked replacement (like `config.apply`).
 */
import { sha256Hex } from "../../crypto/primitives.ts";
import { GatewayError, firstError, matches } from "../../protocol/index.ts";
import { ExecApprovalsFile, type ExecApprovalsSnapshot } from "../../protocol/methods/exec-approvals.ts";
import type { SettingsRepo } from "../../store/settings.ts";
import { normalizeFile } from "./policy.ts";

/** Settings key of the policy file. */
export const APPROVALS_SETTINGS_KEY = "exec.approvals";

/** What a damaged stored document reads as: exec refused until the file is saved again (fail closed). */
const FAIL_CLOSED: ExecApprovalsFile = { version: 1, defaults: { security: "deny", ask: "off" } };

/** The policy file as stored, with its hash. */
interface Stored {
  exists: boolean;
  hash: string;
  file: ExecApprovalsFile;
}

/**
 * Reads and writes the policy file. Before the first save the file does not exist: it reads as the
 * built-in defaults, and a save needs no `baseHash`; after that every save must name the current hash.
 */
export class ApprovalsPolicyStore {
  private cached: Stored | undefined;

  constructor(private readonly settings: SettingsRepo) {}

  /** The file (defaults filled in), whether one was saved, and its hash. */
  snapshot(): ExecApprovalsSnapshot {
    const { exists, hash, file } = this.read();
    return { exists, hash, file: normalizeFile(file) };
  }

  /** The file as stored (or the empty file when none was saved). */
  file(): ExecApprovalsFile {
    return this.read().file;
  }

  /**
   * Replaces the file.
   * @throws {GatewayError} `INVALID_REQUEST` when a file exists and `baseHash` is missing or stale
   * (`details.reason: "approvals_hash_mismatch"`, `details.hash`), or when `file` is invalid.
   */
  replace(file: ExecApprovalsFile, baseHash: string | undefined): ExecApprovalsSnapshot {
    const current = this.read();
    if (current.exists && baseHash !== current.hash) {
      const problem = baseHash === undefined
        ? "baseHash is required once an approvals file exists; run exec.approvals.get and send its hash"
        : "baseHash does not match: the approvals file changed since it was read; run exec.approvals.get and retry";
      throw new GatewayError("INVALID_REQUEST", problem, { details: { reason: "approvals_hash_mismatch", hash: current.hash } });
    }
    return this.write(file);
  }

  /** Applies `change` to the current file and saves the result (no hash check: a server-side edit such as `allow-always`). */
  update(change: (file: ExecApprovalsFile) => ExecApprovalsFile): ExecApprovalsSnapshot {
    const current = this.read().file;
    const next = change(current);
    return next === current ? this.snapshot() : this.write(next);
  }

  private write(file: ExecApprovalsFile): ExecApprovalsSnapshot {
    const problem = firstError(ExecApprovalsFile, file);
    if (problem) throw new GatewayError("INVALID_REQUEST", `invalid approvals file: ${problem}`);
    const text = JSON.stringify(file);
    this.settings.set(APPROVALS_SETTINGS_KEY, text);
    this.cached = { exists: true, hash: sha256Hex(text), file: JSON.parse(text) as ExecApprovalsFile };
    return this.snapshot();
  }

  private read(): Stored {
    if (this.cached) return this.cached;
    const text = this.settings.get(APPROVALS_SETTINGS_KEY);
    if (text === undefined) return (this.cached = { exists: false, hash: sha256Hex(""), file: { version: 1 } });
    let file: ExecApprovalsFile;
    try {
      const parsed: unknown = JSON.parse(text);
      file = matches(ExecApprovalsFile, parsed) ? parsed : FAIL_CLOSED;
    } catch {
      file = FAIL_CLOSED;
    }
    return (this.cached = { exists: true, hash: sha256Hex(text), file });
  }
}

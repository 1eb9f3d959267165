/**
 * @module Scanner findings (extensions.md §10, layer 1): the shape every static-scanner rule reports and the one
 * question the loader and the installer ask of a list of them — is anything critical?
 */

/** How bad a finding is; any `critical` finding blocks loading and installing. */
export type ScanSeverity = "info" | "warn" | "critical";

/** One static-scanner finding. `file` is relative to the scanned skill dir (or the name given to `scanSource`). */
export interface ScanFinding {
  ruleId: string;
  severity: ScanSeverity;
  file: string;
  /** 1-based line of the (normalized) statement that matched, when known. */
  line?: number;
  message: string;
}

/** True when any finding is critical. */
export function hasCritical(findings: readonly ScanFinding[]): boolean {
  return findings.some((f) => f.severity === "critical");
}

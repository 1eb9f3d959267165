/**
 * @module The error of a refused skill install (extensions.md §10, layers 11–12), naming the layer that refused it.
 */

/** The check that refused an install. */
export type InstallLayer = "path-traversal" | "signature" | "integrity" | "scanner" | "manifest" | "promote";

/** A skill install refused by one layer; nothing was promoted. */
export class SkillInstallError extends Error {
  constructor(readonly layer: InstallLayer, message: string) {
    super(`skill install refused (${layer}): ${message}`);
    this.name = "SkillInstallError";
  }
}

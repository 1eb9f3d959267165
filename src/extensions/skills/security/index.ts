/**
 * @module Skill Security (extensions.md §10): the layers this folder implements, as the plugin core uses them —
 * 1 static scanner, 2 enrichment sanitizer, 7 rate limiter, 11–12 path traversal and verify-then-promote install
 * (with `SKILL.sig` signing), 18 integrity hash. Layer 14, the circuit breaker, is the host's
 * (`api.createCircuitBreaker`): the plugin has no remote backend yet (the graph is the embedded store); a future
 * Cortex-over-REST client must wrap every call in such a breaker's `run`.
 */
export { hasCritical, type ScanFinding, type ScanSeverity } from "./findings.ts";
export { scanSkillDir, scanSource } from "./scanner.ts";
export { sanitizeEnrichment } from "./sanitizer.ts";
export { SlidingWindowLimiter } from "./rate-limiter.ts";
export { SkillInstallError, type InstallLayer } from "./install-error.ts";
export { verifyThenPromote, type InstallOptions, type InstalledSkill } from "./install.ts";
export { generateSkillKeyPair, signSkillDir, SIGNATURE_FILE, type SkillKeyPair } from "./signature.ts";
export { computeSkillDirHash } from "./integrity.ts";

/**
 * @module The real sandbox and security functions behind the core's ports, loaded when the plugin first opens
 * (the heavy QuickJS module only then).
 */
import type { SkillPorts } from "./ports.ts";

/** The ports bound to the sandbox and security modules. */
export async function realPorts(): Promise<SkillPorts> {
  const [{ loadSkillSandbox }, { scanSkillDir }, { sanitizeEnrichment }, { computeSkillDirHash }, { SlidingWindowLimiter }, { verifyThenPromote }] = await Promise.all([
    import("./sandbox/quickjs-sandbox.ts"), import("./security/scanner.ts"), import("./security/sanitizer.ts"), import("./security/integrity.ts"),
    import("./security/rate-limiter.ts"), import("./security/install.ts"),
  ]);
  return {
    loadSandbox: (source, opts) => loadSkillSandbox(source, opts),
    scanSkillDir, sanitizeEnrichment, computeSkillDirHash, verifyThenPromote,
    createLimiter: (max, windowMs) => new SlidingWindowLimiter(max, windowMs),
  };
}

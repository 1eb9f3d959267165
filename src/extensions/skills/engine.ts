/**
 * @module Layer 16 (no default assertion engine), extensions.md §10: a skill asserts only through its own engine,
 * which exists only when its manifest declares `assertions`; it admits only the declared predicates and demands a
 * proof record for those with `requireProof`. A skill without declarations gets no engine, so `skill_assert` and
 * `skill_verify_assertion` are refused for it.
 */
import type { AssertionRecord, ProofLedger } from "./graph/proofs.ts";
import type { Triple, TripleObject, TripleStore } from "./graph/triple-store.ts";
import type { SkillManifest } from "./manifest.ts";

/** What an assertion produced. */
export interface AssertionResult {
  triple: Triple;
  assertion: AssertionRecord;
}

/** An assertion refused by layer 16 (no engine, an undeclared predicate, a missing proof). */
export class EngineRefusal extends Error {
  readonly layer = "engine";
  override name = "EngineRefusal";
}

/** One skill's assertion engine. */
export class AssertionEngine {
  private constructor(private readonly skill: string, private readonly declared: Map<string, boolean>, private readonly store: TripleStore, private readonly ledger: ProofLedger) {}

  /** The engine of `manifest`, or undefined when it declares no assertions (there is no default engine). */
  static for(manifest: SkillManifest, store: TripleStore, ledger: ProofLedger): AssertionEngine | undefined {
    if (manifest.assertions.length === 0) return undefined;
    return new AssertionEngine(manifest.name, new Map(manifest.assertions.map((a) => [store.scoped(a.predicate), a.requireProof])), store, ledger);
  }

  /**
   * Stores and records an assertion.
   * @throws {EngineRefusal} for an undeclared predicate, or a missing proof where one is required
   */
  assert(subject: string, predicate: string, object: TripleObject, proofType?: string): AssertionResult {
    const scoped = this.store.scoped(predicate);
    const requireProof = this.declared.get(scoped);
    if (requireProof === undefined) throw new EngineRefusal(`skill "${this.skill}" declares no assertion for predicate ${scoped}`);
    if (requireProof && !proofType) throw new EngineRefusal(`predicate ${scoped} requires a proof: pass proofType`);
    const triple = this.store.create({ subject, predicate, object });
    const proof = requireProof || proofType ? this.ledger.prove(this.store, this.skill, proofType!, subject, predicate) : undefined;
    return { triple, assertion: this.ledger.assert(this.skill, triple.id, triple.subject, triple.predicate, proof?.id ?? null) };
  }

  /** The assertions of subject+predicate, with whether each one's proof (if any) still holds. */
  verify(subject: string, predicate: string, proofId?: string): Array<AssertionRecord & { proofValid: boolean | null }> {
    return this.ledger.assertions(this.store.scoped(subject), this.store.scoped(predicate))
      .filter((a) => proofId === undefined || a.proofId === proofId)
      .map((a) => ({ ...a, proofValid: a.proofId === null ? null : this.ledger.verify(this.store, a.proofId).valid }));
  }
}

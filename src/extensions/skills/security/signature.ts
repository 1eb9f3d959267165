/**
 * @module Skill signatures (extensions.md §10, layer 12): the `SKILL.sig` file at a skill's root.
 *
 * Format (JSON, UTF-8):
 * ```json
 * { "version": 1, "algorithm": "ed25519", "publicKey": "<base64 raw 32-byte key>",
 *   "files": { "<relative path>": "<sha256 hex>" }, "signature": "<base64 64-byte Ed25519 signature>" }
 * ```
 * `files` lists every regular file of the skill dir (hidden dirs and node_modules included) except `SKILL.sig`.
 * The signature is over the UTF-8 bytes of `mayros-skill-sig/v1\n` followed by the canonical JSON of `files`
 * (keys sorted by code unit, no whitespace). Verification: the key must be trusted and the signature valid
 * (`signature`), then the files on disk must be exactly those listed, each with its hash (`integrity`).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SkillInstallError } from "./install-error.ts";
import { listSkillFiles } from "./skill-files.ts";

/** The signature file's name. */
export const SIGNATURE_FILE = "SKILL.sig";
const DOMAIN = "mayros-skill-sig/v1\n";

/** The parsed `SKILL.sig`. */
export interface SkillSignature {
  version: 1;
  algorithm: "ed25519";
  publicKey: string;
  files: Record<string, string>;
  signature: string;
}

/** A key pair for signing skills: the public key as base64 raw bytes, the private key as base64 PKCS#8 DER. */
export interface SkillKeyPair {
  publicKey: string;
  privateKeyPkcs8: string;
}

/** The SHA-256 (hex) of every file of `dir` except SKILL.sig, by sorted relative path. */
function fileHashes(dir: string): Record<string, string> {
  const rels = listSkillFiles(dir, { everyDir: true }).filter((rel) => rel !== SIGNATURE_FILE);
  return Object.fromEntries(rels.map((rel) => [rel, createHash("sha256").update(readFileSync(join(dir, rel))).digest("hex")]));
}

/** The bytes that are signed for a `files` map. */
function signedMessage(files: Record<string, string>): Buffer {
  const sorted = Object.keys(files).sort().map((k) => [k, files[k]]);
  return Buffer.from(DOMAIN + JSON.stringify(Object.fromEntries(sorted)), "utf8");
}

function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: "jwk" });
  return Buffer.from(jwk.x ?? "", "base64url").toString("base64");
}

function publicKeyFromRaw(raw: string): KeyObject {
  const bytes = Buffer.from(raw, "base64");
  if (bytes.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: bytes.toString("base64url") }, format: "jwk" });
}

/** A fresh Ed25519 key pair (for tests and `mayros skills sign`). */
export function generateSkillKeyPair(): SkillKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return { publicKey: rawPublicKey(publicKey), privateKeyPkcs8: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64") };
}

/** Writes `SKILL.sig` for `dir`, signing the hashes of all its other files with the given Ed25519 key. */
export function signSkillDir(dir: string, privateKeyPkcs8Base64: string): void {
  const privateKey = createPrivateKey({ key: Buffer.from(privateKeyPkcs8Base64, "base64"), format: "der", type: "pkcs8" });
  const files = fileHashes(dir);
  const sig: SkillSignature = {
    version: 1,
    algorithm: "ed25519",
    publicKey: rawPublicKey(createPublicKey(privateKey)),
    files,
    signature: sign(null, signedMessage(files), privateKey).toString("base64"),
  };
  writeFileSync(join(dir, SIGNATURE_FILE), `${JSON.stringify(sig, null, 2)}\n`);
}

function parseSignature(text: string): SkillSignature {
  const bad = (why: string): SkillInstallError => new SkillInstallError("signature", `${SIGNATURE_FILE} ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad("is not JSON");
  }
  const s = parsed as Partial<SkillSignature> | null;
  if (s?.version !== 1 || s.algorithm !== "ed25519") throw bad('must have version 1 and algorithm "ed25519"');
  if (typeof s.publicKey !== "string" || typeof s.signature !== "string") throw bad("needs publicKey and signature strings");
  if (typeof s.files !== "object" || s.files === null || Object.values(s.files).some((h) => typeof h !== "string")) throw bad("needs a files map of hashes");
  return s as SkillSignature;
}

/**
 * Checks the skill dir against its `SKILL.sig`. Without one: refused when `requireSignature`, else accepted. With
 * one: the signature must verify, the key must be trusted (when `requireSignature`), and the files must match.
 * @throws {SkillInstallError} `signature` or `integrity`
 */
export function verifySkillSignature(dir: string, opts: { trustedKeys: string[]; requireSignature: boolean }): void {
  const path = join(dir, SIGNATURE_FILE);
  if (!existsSync(path)) {
    if (opts.requireSignature) throw new SkillInstallError("signature", `no ${SIGNATURE_FILE}: the skill is unsigned`);
    return;
  }
  const sig = parseSignature(readFileSync(path, "utf8"));
  const trusted = opts.trustedKeys.some((k) => Buffer.from(k, "base64").equals(Buffer.from(sig.publicKey, "base64")));
  if (opts.requireSignature && !trusted) throw new SkillInstallError("signature", "signed with a key that is not trusted");
  let valid: boolean;
  try {
    valid = verify(null, signedMessage(sig.files), publicKeyFromRaw(sig.publicKey), Buffer.from(sig.signature, "base64"));
  } catch {
    valid = false;
  }
  if (!valid) throw new SkillInstallError("signature", "the Ed25519 signature does not verify");
  const actual = fileHashes(dir);
  for (const rel of new Set([...Object.keys(actual), ...Object.keys(sig.files)])) {
    if (!Object.hasOwn(sig.files, rel)) throw new SkillInstallError("integrity", `"${rel}" is not listed in ${SIGNATURE_FILE}`);
    if (!Object.hasOwn(actual, rel)) throw new SkillInstallError("integrity", `"${rel}" is listed in ${SIGNATURE_FILE} but missing`);
    if (actual[rel] !== sig.files[rel]) throw new SkillInstallError("integrity", `"${rel}" does not match its signed hash`);
  }
}

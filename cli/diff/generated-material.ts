/**
 * Generated key material a diff must not print: JWTs, nkey public keys and seeds. Each becomes a short
 * fingerprint, so a reader still sees that a key or JWT changed without its text landing in a PR comment.
 */
import { createHash } from "crypto";

const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
const NKEY_SEED = /\bS[OAUNCX][A-Z2-7]{56}\b/g;
const NKEY_PUBLIC = /\b[OAUNCX][A-Z2-7]{55}\b/g;

function fingerprint(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/** `text` with every JWT, nkey and seed replaced by a placeholder naming what it was and a fingerprint. */
export function maskGenerated(text: string): string {
  return text
    .replace(NKEY_SEED, () => "<nkey seed>")
    .replace(JWT, (jwt) => `<JWT #${fingerprint(jwt)}>`)
    .replace(NKEY_PUBLIC, (key) => `<nkey ${key[0]}… #${fingerprint(key)}>`);
}

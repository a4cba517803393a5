/**
 * What a render may write: secrets become a placeholder, values known only after deployment become
 * `<computed>`, and a final scan refuses to leave any nkey seed or creds text on disk.
 */
import { isRpcSecret, unknownValue, unwrapRpcSecret } from "@pulumi/pulumi/runtime/rpc";

export const REDACTED = "<redacted>";
export const COMPUTED = "<computed>";

/** Inputs with every secret replaced by REDACTED and every unknown by COMPUTED. */
export function redactInputs(value: unknown): unknown {
  if (isRpcSecret(value)) return REDACTED;
  if (value === unknownValue) return COMPUTED;
  if (Array.isArray(value)) return value.map(redactInputs);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, redactInputs(inner)]));
  }
  return value;
}

/**
 * A Kubernetes Secret's data and stringData with every value redacted but its keys kept (consumers mount keys by name),
 * whether or not the program marked each value secret.
 */
export function redactedSecretData(inputs: Record<string, unknown>): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const field of ["data", "stringData"]) {
    const entries = isRpcSecret(inputs[field]) ? unwrapRpcSecret(inputs[field]) : inputs[field];
    if (entries && typeof entries === "object") {
      redacted[field] = Object.fromEntries(Object.keys(entries).sort().map((key) => [key, REDACTED]));
    }
  }
  return redacted;
}

/** nkey seeds (S + operator/account/user/server/cluster prefix, base32) and the markers of a creds file. */
const LEAK_PATTERNS: readonly RegExp[] = [/\bS[OAUNCX][A-Z2-7]{56}\b/, /NKEY SEED-----/, /BEGIN NATS USER JWT/];

/** The first secret-looking text in a file's content, or undefined. */
export function findLeak(text: string): string | undefined {
  for (const pattern of LEAK_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return match[0].slice(0, 12) + "…";
  }
  return undefined;
}

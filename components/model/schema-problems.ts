/**
 * Turns the schema's findings into the model's Problems: every issue named by its path in the stack file,
 * with the value given and what is allowed, and every unknown key with the known key it most resembles.
 */
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import { Problem } from "./errors";

type Issue = z.core.$ZodIssue;

/** A path as the stack file spells it: `accounts[0].users[1].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text === "" ? String(key) : `${text}.${String(key)}`), "");
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
  return current;
}

/** The keys the object schema at `path` knows, or undefined where the schema has no object. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    current = unwrap(current);
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(key)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return undefined;
    if (current === undefined) return undefined;
  }
  current = unwrap(current);
  return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
}

/**
 * The known key closest to a misspelt one, ignoring case: within two edits, or a third of the key's length for
 * longer keys, so "sever" finds "servers" while "color" finds nothing; else the one known key it abbreviates
 * ("pub" for "publish").
 */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.ceil(unknown.length / 3));
  let best: { key: string; edits: number } | undefined;
  for (const key of known) {
    const edits = distance(unknown.toLowerCase(), key.toLowerCase());
    if (edits <= limit && (best === undefined || edits < best.edits)) best = { key, edits };
  }
  if (best !== undefined) return best.key;
  const abbreviated = known.filter((key) => unknown.length >= 3 && key.toLowerCase().startsWith(unknown.toLowerCase()));
  return abbreviated.length === 1 ? abbreviated[0] : undefined;
}

/** What to say of an unknown key: the key it was probably meant to be, else every key allowed there. */
export function unknownKeyAdvice(key: string, known: readonly string[]): string {
  const closest = closestKey(key, known);
  return closest !== undefined ? `did you mean ${closest}?` : `use one of ${known.join(", ")}`;
}

/** Wrong types the schema refuses where a YAML reader might have expected them to pass. */
function typeHint(issue: Issue): string {
  if (issue.code !== "invalid_type" || typeof issue.input !== "string") return "";
  if (issue.expected === "number" || issue.expected === "int") return " (a number, written without quotes)";
  if (issue.expected === "boolean") return ' (written without quotes; "yes", "no", "on" and "off" are text)';
  return "";
}

/** The message for issues whose schema gives none: structure, phrased as what to write. */
function structureMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== "invalid_type") return undefined;
  if (issue.expected === "object") return "give a mapping of keys to values";
  if (issue.expected === "array") return "give a list";
  if (issue.expected === "string") return "give text";
  return undefined;
}

/** Parse options that report the input with every issue and phrase structural issues as the model does. */
export const PARSE_OPTIONS = { reportInput: true, error: structureMessage } as const;

/**
 * The schema's issues as Problems. Values under `secretKeys` are never repeated: the message says
 * `[secret]` instead.
 */
export function schemaProblems(schema: z.ZodType, issues: readonly Issue[], secretKeys: readonly string[] = []): Problem[] {
  const shown = (path: readonly PropertyKey[], value: unknown) => (secretKeys.includes(String(path[0])) && value !== undefined ? "[secret]" : value);
  const problems = issues.flatMap((issue): Problem[] => {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, issue.path) ?? [];
      const input = (issue.input ?? {}) as Record<string, unknown>;
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        value: shown([...issue.path, key], input[key]),
        allowed: unknownKeyAdvice(key, known),
        unknownKey: true,
      }));
    }
    // A record key's own issue says what a key may be; the record's says only that one is wrong.
    const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return [{ path: formatPath(issue.path), value: shown(issue.path, issue.input), allowed: message + typeHint(issue) }];
  });
  // A value can break several checks with one message (a pattern and a length); say it once.
  return problems.filter((problem, index) => problems.findIndex((other) => other.path === problem.path && other.allowed === problem.allowed) === index);
}

function within(path: string, outer: string): boolean {
  return path === outer || path.startsWith(`${outer}.`) || path.startsWith(`${outer}[`);
}

/**
 * The schema's problems and the resolvers' together, each field reported once. The resolvers ran on values
 * the schema refused, so where the schema found a problem at a field (or above it) its word is kept: it
 * takes the place of the resolver's problem at the same field, and what the resolvers found beneath it is
 * left out. Schema problems no resolver shares, unknown keys among them, come last.
 */
export function mergeProblems(schema: readonly Problem[], resolved: readonly Problem[]): Problem[] {
  const placed = new Set<Problem>();
  const merged: Problem[] = [];
  for (const problem of resolved) {
    const same = schema.filter((candidate) => candidate.path === problem.path && !placed.has(candidate));
    same.forEach((candidate) => placed.add(candidate));
    merged.push(...same);
    if (same.length === 0 && !schema.some((candidate) => within(problem.path, candidate.path))) merged.push(problem);
  }
  return [...merged, ...schema.filter((candidate) => !placed.has(candidate))];
}

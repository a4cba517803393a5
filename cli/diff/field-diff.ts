/**
 * Field-level differences of two versions of one Kubernetes object, by YAML path. List items that carry a
 * `name` (containers, volumes, ports, env) are matched by it, so inserting one does not show every later
 * item as changed; other lists of objects are walked by position while their length holds, and compared
 * whole otherwise, as lists of scalars are.
 */
import { isDeepStrictEqual } from "util";
import { structuredPatch } from "diff";
import { maskGenerated } from "./generated-material";

/** One field that differs. */
export interface FieldChange {
  /** The field's YAML path, e.g. `spec.template.spec.containers[nats].resources.limits.memory`. */
  path: string;
  /** The old value (absent when the field is new); never set for a secret value. */
  before?: unknown;
  /** The new value (absent when the field is gone); never set for a secret value. */
  after?: unknown;
  /** Set for a Secret's data or stringData: the value changed, and is not shown. */
  secret?: true;
  /** For a multi-line text: its unified line diff, with generated material masked. */
  lineDiff?: string;
}

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isNamedList(value: Json): value is { name: string }[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => isObject(item) && typeof item.name === "string");
}

function childPath(parent: string, key: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key);
  if (parent === "") return plain ? key : `"${key}"`;
  return plain ? `${parent}.${key}` : `${parent}["${key}"]`;
}

/** A value as a reader sees it: generated material masked. */
function shown(value: Json): Json {
  if (typeof value === "string") return maskGenerated(value);
  if (Array.isArray(value)) return value.map(shown);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shown(inner)]));
  return value;
}

/** The unified diff of two texts, without file headers. */
export function lineDiff(before: string, after: string): string {
  const patch = structuredPatch("before", "after", maskGenerated(before), maskGenerated(after), undefined, undefined, { context: 2 });
  return patch.hunks.map((hunk) => [`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines].join("\n")).join("\n");
}

function isMultiLine(value: Json): value is string {
  return typeof value === "string" && value.includes("\n");
}

function leafChange(path: string, before: Json, after: Json): FieldChange {
  if (isMultiLine(before) && isMultiLine(after)) return { path, lineDiff: lineDiff(before, after) };
  return { path, ...(before === undefined ? {} : { before: shown(before) }), ...(after === undefined ? {} : { after: shown(after) }) };
}

function walk(path: string, before: Json, after: Json, changes: FieldChange[]): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(childPath(path, key), before[key], after[key], changes);
    return;
  }
  if (isNamedList(before) && isNamedList(after)) {
    const byName = (list: { name: string }[]) => new Map(list.map((item) => [item.name, item as Json]));
    const [old, next] = [byName(before), byName(after)];
    const names = [...new Set([...old.keys(), ...next.keys()])];
    for (const name of names) walk(`${path}[${name}]`, old.get(name), next.get(name), changes);
    if (names.every((name) => isDeepStrictEqual(old.get(name), next.get(name)))) {
      changes.push({ path: `${path}[*]`, before: before.map((item) => item.name), after: after.map((item) => item.name) });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && [...before, ...after].every(isObject)) {
    before.forEach((item, position) => walk(`${path}[${position}]`, item, after[position], changes));
    return;
  }
  changes.push(leafChange(path, before, after));
}

function isSecretValuePath(path: string): boolean {
  return /^(data|stringData)(\.|\[|$)/.test(path);
}

/** Every field of `after` that differs from `before`, sorted by path; a Secret's values are only named. */
export function fieldChanges(kind: string, before: Json, after: Json): FieldChange[] {
  const changes: FieldChange[] = [];
  walk("", before, after, changes);
  const masked = changes.map((change) => (kind === "Secret" && isSecretValuePath(change.path) ? { path: change.path, secret: true as const } : change));
  return masked.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

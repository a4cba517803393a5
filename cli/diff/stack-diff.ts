/**
 * The diff of one stack between two renders: which objects were added, removed or changed and how, which
 * servers' nats.conf changed, and the risks of applying it. Pure: it reads the two sides and nothing else.
 */
import { isDeepStrictEqual } from "util";
import { FieldChange, fieldChanges, lineDiff } from "./field-diff";
import { ObjectRef, refKey, refOf } from "./object-ref";
import { RenderedStack, PlacedObject } from "./rendered-stack";
import { Risk, risksOf } from "./risks";

/** An object added, removed or changed. */
export interface ObjectChange {
  /** Which object. */
  ref: ObjectRef;
  /** What happened to it. */
  change: "added" | "removed" | "changed";
  /** The fields that differ; empty for an added or removed object. */
  fields: FieldChange[];
}

/** One nats.conf change, shared by every server listed (servers of one cluster read one ConfigMap). */
export interface ConfigChange {
  /** The servers whose nats.conf changes this way, sorted. */
  servers: string[];
  /** The unified line diff, generated material masked; a new or removed server's config diffs against nothing. */
  lineDiff: string;
}

/** What would change in one stack. */
export interface StackDiff {
  /** The stack's name. */
  stack: string;
  /** "unchanged" when both sides rendered the same objects and configs. */
  status: "changed" | "unchanged";
  /** Set when the stack exists on one side only. */
  onlyIn?: "base" | "head";
  /** The risks, most harmful first. */
  risks: Risk[];
  /** Every object added, removed or changed, sorted by cluster, kind, namespace and name. */
  objects: ObjectChange[];
  /** Every changed nats.conf, sorted by first server. */
  configs: ConfigChange[];
}

const EMPTY: RenderedStack = { objects: [], serverConfigs: {}, plan: [], users: {} };

function byKey(objects: readonly PlacedObject[]): Map<string, PlacedObject> {
  return new Map(objects.map((placed) => [refKey(refOf(placed)), placed]));
}

function objectChanges(base: RenderedStack, head: RenderedStack): ObjectChange[] {
  const [old, next] = [byKey(base.objects), byKey(head.objects)];
  const keys = [...new Set([...old.keys(), ...next.keys()])].sort();
  const changes: ObjectChange[] = [];
  for (const key of keys) {
    const [before, after] = [old.get(key), next.get(key)];
    if (before && after) {
      if (isDeepStrictEqual(before.object, after.object)) continue;
      changes.push({ ref: refOf(after), change: "changed", fields: fieldChanges(after.object.kind, before.object, after.object) });
    } else if (after) changes.push({ ref: refOf(after), change: "added", fields: [] });
    else if (before) changes.push({ ref: refOf(before), change: "removed", fields: [] });
  }
  return changes;
}

function configChanges(base: RenderedStack, head: RenderedStack): ConfigChange[] {
  const servers = [...new Set([...Object.keys(base.serverConfigs), ...Object.keys(head.serverConfigs)])].sort();
  const grouped = new Map<string, string[]>();
  for (const server of servers) {
    const [before, after] = [base.serverConfigs[server] ?? "", head.serverConfigs[server] ?? ""];
    if (before === after) continue;
    const diff = lineDiff(before, after);
    grouped.set(diff, [...(grouped.get(diff) ?? []), server]);
  }
  return [...grouped.entries()].map(([diff, group]) => ({ servers: group, lineDiff: diff }));
}

/** The diff of `stack` from `base` to `head`; a side is undefined when the stack does not exist there. */
export function diffStack(stack: string, base: RenderedStack | undefined, head: RenderedStack | undefined): StackDiff {
  const [old, next] = [base ?? EMPTY, head ?? EMPTY];
  const objects = objectChanges(old, next);
  const configs = configChanges(old, next);
  const risks = risksOf(old, next, objects);
  const changed = objects.length > 0 || configs.length > 0 || risks.length > 0 || base === undefined || head === undefined;
  return {
    stack,
    status: changed ? "changed" : "unchanged",
    ...(base === undefined ? { onlyIn: "head" as const } : head === undefined ? { onlyIn: "base" as const } : {}),
    risks,
    objects,
    configs,
  };
}

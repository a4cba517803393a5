/**
 * The nats.conf writer. nats-server reads a superset of JSON, so every value is written as JSON except
 * variable references (`$SERVER_NAME`), which must stay bare to be expanded from the environment.
 * Keys are sorted so the same model always gives byte-identical text, whatever order the sections
 * were merged in.
 */

/** A reference to a config variable or environment variable, written bare as `$NAME`. */
export class ConfVariable {
  constructor(readonly name: string) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a variable name: ${name}`);
  }
}

/** One value of nats.conf: written as JSON, or bare for a variable reference. */
export type ConfScalar = string | number | boolean | ConfVariable;
/** A value, a list or a block of nats.conf. */
export type ConfValue = ConfScalar | ConfValue[] | ConfBlock;
/** A block of nats.conf by key; undefined keys are left out. */
export interface ConfBlock {
  [key: string]: ConfValue | undefined;
}

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function renderKey(key: string): string {
  return BARE_KEY.test(key) ? key : JSON.stringify(key);
}

function isBlock(value: ConfValue): value is ConfBlock {
  return typeof value === "object" && !Array.isArray(value) && !(value instanceof ConfVariable);
}

function renderValue(value: ConfValue, indent: string): string {
  if (value instanceof ConfVariable) return `$${value.name}`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} into nats.conf`);
    return String(value);
  }
  if (typeof value === "boolean") return String(value);
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => inner + renderValue(item, inner)).join(",\n")}\n${indent}]`;
  }
  const lines = renderEntries(value, inner);
  return lines.length === 0 ? "{}" : `{\n${lines.join("\n")}\n${indent}}`;
}

function renderEntries(block: ConfBlock, indent: string): string[] {
  return Object.keys(block)
    .filter((key) => block[key] !== undefined)
    .sort()
    .map((key) => `${indent}${renderKey(key)}: ${renderValue(block[key]!, indent)}`);
}

/** nats.conf text for one server: one top-level entry per line group, sorted, ending in a newline. */
export function renderConf(config: ConfBlock, header?: string): string {
  const lines = renderEntries(config, "");
  const comment = header ? header.split("\n").map((line) => `# ${line}`.trimEnd()).join("\n") + "\n" : "";
  return comment + lines.join("\n") + "\n";
}

/**
 * Deep-merges config sections, one per concern (server, cluster, jetstream, gateway, leafnodes, auth).
 * Two sections that set the same scalar differently are a bug in the model, so that throws.
 */
export function mergeConf(...sections: ConfBlock[]): ConfBlock {
  const merged: ConfBlock = {};
  for (const section of sections) {
    for (const [key, value] of Object.entries(section)) {
      if (value === undefined) continue;
      const existing = merged[key];
      if (existing === undefined) merged[key] = value;
      else if (isBlock(existing) && isBlock(value)) merged[key] = mergeConf(existing, value);
      else if (JSON.stringify(existing) !== JSON.stringify(value)) {
        throw new Error(`two config sections set ${key} differently`);
      }
    }
  }
  return merged;
}

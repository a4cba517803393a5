/**
 * Reading a Pulumi stack file (stacks/Pulumi.<stack>.yaml) safely, before any key is looked at: every problem
 * with the file itself (missing, too large, empty, not YAML, duplicate keys, alias bombs, numbers written so
 * that a config would not take them, keys outside the project's namespace) named by the file and the line.
 */
import * as fs from "fs";
import * as path from "path";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, YAMLMap } from "yaml";
import { Problem, ValidationError } from "./errors";
import { unknownKeyAdvice } from "./schema-problems";
import { STACK_KEYS } from "./stack-schema";

/** The project name, which is also the Pulumi config namespace of every stack key. */
export const PROJECT_NAME = "nats-jetstream";

/** A stack file is a page of YAML; one over 1 MiB is a mistake (or an attack on the reader), never a stack. */
export const MAX_STACK_FILE_BYTES = 2 ** 20;
/** Aliases a stack file may expand; far above any real stack's, far below what a billion-laughs file needs. */
export const MAX_ALIAS_COUNT = 100;
/** Keys Pulumi itself writes at the top of a stack file besides `config`. */
export const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];
/**
 * Config namespaces besides the project's that a stack may set: Pulumi's own, and those of the providers the
 * program uses (Kubernetes, AWS, random), which read their settings from their namespace.
 */
export const OTHER_CONFIG_NAMESPACES = ["pulumi", "kubernetes", "aws", "random"];

/** Marker a `secure:` config value is read as when the stack file is read without Pulumi's secrets provider. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Numbers as nats.conf and Kubernetes take them: plain decimal digits, no exponent, hex, octal or infinity. */
const PLAIN_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

function displayName(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") ? file : relative;
}

class FileProblems {
  readonly found: Problem[] = [];
  constructor(
    private readonly name: string,
    private readonly lines?: LineCounter,
  ) {}

  /** A problem at the file, or at the line where `offset` is. */
  add(offset: number | undefined, value: unknown, allowed: string): void {
    const line = offset === undefined || this.lines === undefined ? undefined : this.lines.linePos(offset).line;
    this.found.push({ path: line === undefined ? this.name : `${this.name}:${line}`, value, allowed });
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new ValidationError(this.found);
  }

  /** Adds a problem that ends the reading: nothing after it can be checked. */
  refuse(offset: number | undefined, value: unknown, allowed: string): never {
    this.add(offset, value, allowed);
    throw new ValidationError(this.found);
  }
}

function replaceSecureValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(replaceSecureValues);
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure") return SECRET_PLACEHOLDER;
    return Object.fromEntries(entries.map(([key, inner]) => [key, replaceSecureValues(inner)]));
  }
  return value;
}

function checkNumbers(node: unknown, source: string, problems: FileProblems): void {
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items) checkNumbers(item, source, problems);
  } else if (isPair(node)) {
    checkNumbers(node.value, source, problems);
  } else if (isScalar(node) && typeof node.value === "number" && node.range) {
    const written = source.slice(node.range[0], node.range[1]);
    if (!PLAIN_NUMBER.test(written)) {
      problems.add(node.range[0], written, "write the number in plain decimal digits (no exponent, hex, octal or infinity), or quote it if it is text");
    }
  }
}

function checkConfigKeys(config: YAMLMap, problems: FileProblems): void {
  const prefix = `${PROJECT_NAME}:`;
  const known = STACK_KEYS.map((key) => prefix + key);
  for (const pair of config.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    if (typeof key !== "string") {
      problems.add(offset, key, `use keys of the form ${prefix}<key>`);
      continue;
    }
    const namespace = key.includes(":") ? key.slice(0, key.indexOf(":")) : undefined;
    if (namespace === PROJECT_NAME || (namespace !== undefined && OTHER_CONFIG_NAMESPACES.includes(namespace))) continue;
    const advice = unknownKeyAdvice(namespace === undefined ? prefix + key : key, known);
    problems.add(
      offset,
      key,
      `use a key of the ${prefix} namespace (${advice.startsWith("did you mean") ? advice : `one of ${known.join(", ")}`}), or of ${OTHER_CONFIG_NAMESPACES.map((name) => `${name}:`).join(", ")}`,
    );
  }
}

/**
 * Every config key of a Pulumi stack file, as written (`<namespace>:<key>`). `secure:` values (encrypted by
 * Pulumi) cannot be decrypted without the Pulumi CLI, so they come back as SECRET_PLACEHOLDER. Throws a
 * ValidationError naming the file, and the line where there is one, for every problem with the file itself.
 */
export function readStackDocument(file: string): Record<string, unknown> {
  const name = displayName(file);
  const early: FileProblems = new FileProblems(name);
  if (!fs.existsSync(file)) early.refuse(undefined, undefined, "create the stack file (pulumi stack init writes one), or name an existing stack");
  const size = fs.statSync(file).size;
  if (size > MAX_STACK_FILE_BYTES) early.refuse(undefined, `${size} bytes`, `keep a stack file within ${MAX_STACK_FILE_BYTES} bytes (1 MiB)`);
  const source = fs.readFileSync(file, "utf8");
  const lines = new LineCounter();
  const problems: FileProblems = new FileProblems(name, lines);
  const document = parseDocument(source, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  for (const error of document.errors) {
    const line = error.linePos?.[0].line;
    const text = line === undefined ? undefined : source.split("\n")[line - 1]?.trim();
    problems.add(error.pos[0], text, `fix the YAML: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  problems.throwIfAny();
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) problems.refuse(undefined, source.trim(), "describe the stack under a config: mapping");
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    problems.refuse(undefined, "aliases", `use at most ${MAX_ALIAS_COUNT} alias expansions: ${error.message}`);
  }
  if (!isMap(root)) problems.refuse(root.range?.[0], Array.isArray(value) ? "a list" : typeof value, "make the file a mapping with a config: key");
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!STACK_FILE_KEYS.includes(key)) {
      problems.add(isScalar(pair.key) ? pair.key.range?.[0] : undefined, key, `use the keys of a Pulumi stack file: ${unknownKeyAdvice(key, STACK_FILE_KEYS)}`);
    }
  }
  const configNode = root.get("config", true);
  if (!isMap(configNode)) {
    const offset = configNode?.range?.[0] ?? root.range?.[0];
    problems.refuse(offset, configNode === undefined ? undefined : (value as Record<string, unknown>).config, `describe the stack under a config: mapping of ${PROJECT_NAME}:<key> entries`);
  }
  checkConfigKeys(configNode, problems);
  checkNumbers(configNode, source, problems);
  problems.throwIfAny();
  return replaceSecureValues((value as Record<string, unknown>).config) as Record<string, unknown>;
}

/** The project's own keys of a stack file's config, without the namespace. */
export function projectKeys(config: Record<string, unknown>): Record<string, unknown> {
  const prefix = `${PROJECT_NAME}:`;
  return Object.fromEntries(Object.entries(config).flatMap(([key, value]) => (key.startsWith(prefix) ? [[key.slice(prefix.length), value]] : [])));
}

/**
 * The kubeconfig a stack's `kubeconfig` key gives, as the Kubernetes provider reads it: contents (any text
 * with a line break) or a path, relative to `baseDir`. Undefined for a value read as SECRET_PLACEHOLDER, which
 * cannot be looked into; `missing` for a path that names no file.
 */
export function readKubeconfig(value: string, baseDir: string): { contents: string } | { missing: string } | undefined {
  if (value === SECRET_PLACEHOLDER) return undefined;
  if (value.includes("\n")) return { contents: value };
  const file = path.resolve(baseDir, value);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return { missing: value };
  return { contents: fs.readFileSync(file, "utf8") };
}

/**
 * The command line of the project's tools: one stack name (or, for a tool that takes it, `--all`) and a few
 * options, read strictly by node:util parseArgs. `--help` prints the usage to stdout and ends with 0; anything
 * the tool cannot read (an unknown option, an option without its value, not exactly one stack, a stack the
 * project does not have, `--all` beside a stack) prints what was wrong and the usage to stderr and ends with
 * USAGE_EXIT_CODE.
 */
import { parseArgs } from "util";
import { listStacks } from "../components/model/stack";

/** The exit code of a command line the tool refuses: 2, as shell builtins and getopt-style tools such as grep end on one. */
export const USAGE_EXIT_CODE = 2;

/** One option a tool takes besides `--help`. */
export interface OptionSpec {
  /** Long name, without the dashes. */
  name: string;
  /** What the value stands for, e.g. "DIR"; undefined for a flag that takes no value. */
  value?: string;
  /** What the option does, shown in the usage. */
  description: string;
}

/** A tool's command line, from which both the parser and the usage text are made. */
export interface CommandSpec {
  /** How a user runs the tool, e.g. "npm run render --". */
  invocation: string;
  /** One line on what the tool does. */
  summary: string;
  /** The options besides `--help`. */
  options: OptionSpec[];
  /** Every way the tool ends, in order of code. */
  exitCodes: { code: number; meaning: string }[];
  /** What `--all` does, for a tool that can take every stack instead of one (read by parseStacksCommandLine). */
  allStacks?: string;
}

/** `--all`, the flag that names every stack of the project instead of one. */
export const ALL_STACKS_FLAG = "all";

/** `--help`, which every tool takes. */
export const HELP_OPTION = { name: "help", short: "h", description: "print this usage and exit" } as const;

/** A command line the tool can run. */
export interface CommandLine {
  /** The stack named, one the project has. */
  stack: string;
  /** The options given: a string for an option with a value, true for a flag. */
  options: Record<string, string | boolean | undefined>;
}

/** A command line of a tool that takes one stack or `--all`. */
export interface StacksCommandLine {
  /** The stacks to run: the one named, or with `--all` every stack the project has, in listing order. */
  stacks: string[];
  /** Whether `--all` was given. */
  all: boolean;
  /** The options given besides `--all`: a string for an option with a value, true for a flag. */
  options: Record<string, string | boolean | undefined>;
}

/** A command line the tool cannot read; the message says what was wrong with it. */
export class UsageError extends Error {}

/** The usage text: how to run the tool, its stacks, its options and its exit codes. */
export function formatUsage(spec: CommandSpec, stacks: readonly string[]): string {
  const allLine = spec.allStacks === undefined ? [] : [[`--${ALL_STACKS_FLAG}`, spec.allStacks]];
  const optionLines = [
    ...allLine,
    ...spec.options.map((option) => [`--${option.name}${option.value === undefined ? "" : ` ${option.value}`}`, option.description]),
    [`-${HELP_OPTION.short}, --${HELP_OPTION.name}`, HELP_OPTION.description],
  ];
  const width = Math.max(...optionLines.map(([flag]) => flag.length));
  const synopsis = spec.options.map((option) => `[--${option.name}${option.value === undefined ? "" : ` ${option.value}`}]`).join(" ");
  return [
    `usage: ${spec.invocation} <stack>${spec.allStacks === undefined ? "" : `|--${ALL_STACKS_FLAG}`} ${synopsis}`.trimEnd(),
    "",
    spec.summary,
    "",
    `stacks: ${stacks.join(", ") || "(none found in stacks/)"}`,
    "",
    "options:",
    ...optionLines.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
    "",
    "exit codes:",
    ...spec.exitCodes.map(({ code, meaning }) => `  ${code}  ${meaning}`),
  ].join("\n");
}

/** The options and positionals of a command line, `extraFlags` declared besides the spec's options; "help" when help was asked for. */
function parseArguments(spec: CommandSpec, argv: readonly string[], extraFlags: readonly string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } | "help" {
  const options = Object.fromEntries([
    ...spec.options.map((option) => [option.name, { type: option.value === undefined ? ("boolean" as const) : ("string" as const) }]),
    ...extraFlags.map((flag) => [flag, { type: "boolean" as const }]),
    [HELP_OPTION.name, { type: "boolean" as const, short: HELP_OPTION.short }],
  ]);
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    const result = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    // No option is declared `multiple`, so no value is an array.
    parsed = { values: result.values as Record<string, string | boolean | undefined>, positionals: result.positionals };
  } catch (error) {
    // Node's own message names the option; its first line says what was wrong with it.
    throw new UsageError((error as Error).message.split("\n")[0]);
  }
  if (parsed.values[HELP_OPTION.name] === true) return "help";
  for (const option of spec.options) {
    if (option.value !== undefined && parsed.values[option.name] === "") throw new UsageError(`Option '--${option.name} <${option.value}>' argument missing`);
  }
  const { [HELP_OPTION.name]: _help, ...given } = parsed.values;
  return { values: given, positionals: parsed.positionals };
}

/** The one stack the positionals name, one of `stacks`. */
function oneStack(positionals: readonly string[], stacks: readonly string[]): string {
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? "name a stack" : `name one stack, not ${positionals.length}: ${positionals.join(" ")}`);
  }
  const [stack] = positionals;
  if (!stacks.includes(stack)) throw new UsageError(`stack: ${JSON.stringify(stack)} is not allowed; name one of ${stacks.join(", ") || "(no stacks found)"}`);
  return stack;
}

/**
 * Reads a command line. Returns "help" when help was asked for; throws a UsageError for anything it cannot
 * read, `stacks` being the stacks the project has.
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[], stacks: readonly string[]): CommandLine | "help" {
  const parsed = parseArguments(spec, argv, []);
  if (parsed === "help") return parsed;
  return { stack: oneStack(parsed.positionals, stacks), options: parsed.values };
}

/** A command line of one stack or `--all` as given, before the stack is checked against a list. */
export interface StacksArguments {
  /** The positionals: the stack named, unless `--all` was given (then none). */
  positionals: string[];
  /** Whether `--all` was given. */
  all: boolean;
  /** The options given besides `--all`: a string for an option with a value, true for a flag. */
  options: Record<string, string | boolean | undefined>;
}

/**
 * Reads a command line of one stack or `--all` (spec.allStacks set) without checking the stack's name, for a
 * tool that knows its stacks only later; `--all` together with a stack name is refused, naming both.
 */
export function parseStacksArguments(spec: CommandSpec, argv: readonly string[]): StacksArguments | "help" {
  const parsed = parseArguments(spec, argv, spec.allStacks === undefined ? [] : [ALL_STACKS_FLAG]);
  if (parsed === "help") return parsed;
  const { [ALL_STACKS_FLAG]: all, ...options } = parsed.values;
  if (all === true && parsed.positionals.length > 0) {
    throw new UsageError(`--${ALL_STACKS_FLAG} takes every stack; it cannot be given with a stack name (${parsed.positionals.join(" ")})`);
  }
  return { positionals: parsed.positionals, all: all === true, options };
}

/**
 * Reads the command line of a tool that takes one stack or `--all` (spec.allStacks set), as parseCommandLine
 * does; `--all` together with a stack name is refused, naming both.
 */
export function parseStacksCommandLine(spec: CommandSpec, argv: readonly string[], stacks: readonly string[]): StacksCommandLine | "help" {
  const parsed = parseStacksArguments(spec, argv);
  if (parsed === "help") return parsed;
  const { all, options } = parsed;
  return { stacks: all ? [...stacks] : [oneStack(parsed.positionals, stacks)], all, options };
}

/**
 * The command line of a tool run in `projectDir`, or the exit code to end with after printing the usage: 0
 * when help was asked for, USAGE_EXIT_CODE when the command line was refused.
 */
export function readCommandLine(spec: CommandSpec, argv: readonly string[], projectDir: string): CommandLine | number {
  return readWith(parseCommandLine, spec, argv, projectDir);
}

/** readCommandLine for a tool that takes one stack or `--all`. */
export function readStacksCommandLine(spec: CommandSpec, argv: readonly string[], projectDir: string): StacksCommandLine | number {
  return readWith(parseStacksCommandLine, spec, argv, projectDir);
}

function readWith<T>(parse: (spec: CommandSpec, argv: readonly string[], stacks: readonly string[]) => T | "help", spec: CommandSpec, argv: readonly string[], projectDir: string): T | number {
  const stacks = listStacks(projectDir);
  try {
    const commandLine = parse(spec, argv, stacks);
    if (commandLine !== "help") return commandLine;
    process.stdout.write(`${formatUsage(spec, stacks)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${formatUsage(spec, stacks)}\n`);
    return USAGE_EXIT_CODE;
  }
}

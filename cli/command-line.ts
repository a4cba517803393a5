/**
 * The command line of the project's tools: one stack name and a few options, read strictly by node:util
 * parseArgs. `--help` prints the usage to stdout and ends with 0; anything the tool cannot read (an unknown
 * option, an option without its value, not exactly one stack, a stack the project does not have) prints
 * what was wrong and the usage to stderr and ends with USAGE_EXIT_CODE.
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
}

/** `--help`, which every tool takes. */
export const HELP_OPTION = { name: "help", short: "h", description: "print this usage and exit" } as const;

/** A command line the tool can run. */
export interface CommandLine {
  /** The stack named, one the project has. */
  stack: string;
  /** The options given: a string for an option with a value, true for a flag. */
  options: Record<string, string | boolean | undefined>;
}

/** A command line the tool cannot read; the message says what was wrong with it. */
export class UsageError extends Error {}

/** The usage text: how to run the tool, its stacks, its options and its exit codes. */
export function formatUsage(spec: CommandSpec, stacks: readonly string[]): string {
  const optionLines = [
    ...spec.options.map((option) => [`--${option.name}${option.value === undefined ? "" : ` ${option.value}`}`, option.description]),
    [`-${HELP_OPTION.short}, --${HELP_OPTION.name}`, HELP_OPTION.description],
  ];
  const width = Math.max(...optionLines.map(([flag]) => flag.length));
  const synopsis = spec.options.map((option) => `[--${option.name}${option.value === undefined ? "" : ` ${option.value}`}]`).join(" ");
  return [
    `usage: ${spec.invocation} <stack> ${synopsis}`.trimEnd(),
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

/**
 * Reads a command line. Returns "help" when help was asked for; throws a UsageError for anything it cannot
 * read, `stacks` being the stacks the project has.
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[], stacks: readonly string[]): CommandLine | "help" {
  const options = Object.fromEntries([
    ...spec.options.map((option) => [option.name, { type: option.value === undefined ? ("boolean" as const) : ("string" as const) }]),
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
  if (parsed.positionals.length !== 1) {
    throw new UsageError(parsed.positionals.length === 0 ? "name a stack" : `name one stack, not ${parsed.positionals.length}: ${parsed.positionals.join(" ")}`);
  }
  const [stack] = parsed.positionals;
  if (!stacks.includes(stack)) throw new UsageError(`stack: ${JSON.stringify(stack)} is not allowed; name one of ${stacks.join(", ") || "(no stacks found)"}`);
  const { [HELP_OPTION.name]: _help, ...given } = parsed.values;
  return { stack, options: given };
}

/**
 * The command line of a tool run in `projectDir`, or the exit code to end with after printing the usage: 0
 * when help was asked for, USAGE_EXIT_CODE when the command line was refused.
 */
export function readCommandLine(spec: CommandSpec, argv: readonly string[], projectDir: string): CommandLine | number {
  const stacks = listStacks(projectDir);
  try {
    const commandLine = parseCommandLine(spec, argv, stacks);
    if (commandLine !== "help") return commandLine;
    process.stdout.write(`${formatUsage(spec, stacks)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${formatUsage(spec, stacks)}\n`);
    return USAGE_EXIT_CODE;
  }
}

/** The command line of `npm run diff`: one stack or `--all`, the base ref, and `--json`. */
import { CommandSpec, formatUsage, parseStacksArguments, USAGE_EXIT_CODE, UsageError } from "../command-line";

/** `npm run diff -- <stack>|--all [--base REF] [--json]`. */
export const DIFF_COMMAND: CommandSpec = {
  invocation: "npm run diff --",
  summary:
    "Renders the stack (or with --all every stack) at the base ref and in the working tree and prints what would change, risks first, as Markdown.",
  allStacks: "diff every stack of either side instead of naming one",
  options: [
    { name: "base", value: "REF", description: "the git ref to compare against (default origin/HEAD if it exists, else HEAD)" },
    { name: "json", description: "print the report as one JSON document instead of Markdown" },
  ],
  exitCodes: [
    { code: 0, meaning: "the report was printed, with or without changes (or usage printed)" },
    { code: 1, meaning: "a side failed to render a stack; the message names the side and the stack" },
    { code: USAGE_EXIT_CODE, meaning: "the command line, the base ref or the stack was refused, or the worktree could not be made" },
  ],
};

/** What the diff was asked for; `stack` undefined means every stack. */
export interface DiffCommandLine {
  /** The stack named; undefined with --all. */
  stack?: string;
  /** The base ref given; undefined for the default. */
  base?: string;
  /** Whether to print JSON instead of Markdown. */
  json: boolean;
}

/** Reads the command line; "help" when help was asked for, a UsageError for anything it cannot read. */
export function parseDiffCommandLine(argv: readonly string[]): DiffCommandLine | "help" {
  // The stack is checked later, against the stacks of both sides: one may exist only at the base.
  const parsed = parseStacksArguments(DIFF_COMMAND, argv);
  if (parsed === "help") return parsed;
  const { positionals, all, options } = parsed;
  if (!all && positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? "name a stack, or give --all" : `name one stack, not ${positionals.length}: ${positionals.join(" ")}`);
  }
  const base = options.base as string | undefined;
  return { ...(all ? {} : { stack: positionals[0] }), ...(base === undefined ? {} : { base }), json: options.json === true };
}

/** The usage text, listing `stacks`. */
export function diffUsage(stacks: readonly string[]): string {
  return formatUsage(DIFF_COMMAND, stacks);
}

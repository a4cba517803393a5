/**
 * `npm run diff -- <stack>|--all [--base REF] [--json]`: what merging the working tree would change in each
 * stack, from offline renders of the base ref (in a temporary git worktree) and of the working tree, each
 * with its own tree's render CLI. Prints one Markdown report, risks first, or with --json the same data.
 *
 * Exit codes: 0 the report was printed, with or without changes; 1 a side failed to render (the message
 * names the side and the stack); 2 the command line, base ref or stack was refused (see DIFF_COMMAND).
 */
import { listStacks } from "../components/model/stack";
import { USAGE_EXIT_CODE, UsageError } from "./command-line";
import { diffUsage, parseDiffCommandLine } from "./diff/command";
import { DiffInputError, defaultBaseRef, resolveCommit, stacksAt, withWorktree } from "./diff/git-refs";
import { formatMarkdown } from "./diff/markdown";
import { renderBothSides, SideRenderError } from "./diff/render-side";
import { DiffReport } from "./diff/report";
import { diffStack } from "./diff/stack-diff";
import { runCommand } from "./run-command";

async function main(): Promise<number> {
  const projectDir = process.env.NATS_JETSTREAM_PROJECT_DIR ?? process.cwd();
  const headStacks = listStacks(projectDir);
  let commandLine;
  try {
    commandLine = parseDiffCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${diffUsage(headStacks)}\n`);
    return USAGE_EXIT_CODE;
  }
  if (commandLine === "help") {
    process.stdout.write(`${diffUsage(headStacks)}\n`);
    return 0;
  }
  try {
    const ref = commandLine.base ?? defaultBaseRef(projectDir);
    const commit = resolveCommit(projectDir, ref);
    const baseStacks = stacksAt(projectDir, commit);
    const known = [...new Set([...baseStacks, ...headStacks])].sort();
    if (commandLine.stack !== undefined && !known.includes(commandLine.stack)) {
      throw new UsageError(`stack: ${JSON.stringify(commandLine.stack)} is not a stack of the working tree or of ${ref}; name one of ${known.join(", ")}`);
    }
    const names = commandLine.stack === undefined ? known : [commandLine.stack];
    const pairs = await withWorktree(projectDir, commit, (baseDir) =>
      renderBothSides(
        names.map((name) => ({ name, inBase: baseStacks.includes(name), inHead: headStacks.includes(name) })),
        commandLine.stack === undefined,
        baseDir,
        projectDir,
      ),
    );
    const report: DiffReport = { base: { ref, commit }, stacks: names.map((name, index) => diffStack(name, pairs[index].base, pairs[index].head)) };
    process.stdout.write(commandLine.json ? `${JSON.stringify(report, null, 2)}\n` : formatMarkdown(report));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof DiffInputError) {
      process.stderr.write(`diff refused: ${error.message}\n`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof SideRenderError) {
      process.stderr.write(`diff failed: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

runCommand("diff", main);

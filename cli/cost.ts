/**
 * `npm run cost -- <stack>|--all [--json]`: the stack's monthly estimate on AWS from the repository's one price
 * table, the same estimate a render writes into summary.md. Offline: it reads the stack file and the table only.
 *
 * Exit codes: 0 estimated, 2 the command line or a stack was refused.
 */
import { CommandSpec, readStacksCommandLine, USAGE_EXIT_CODE } from "./command-line";
import { estimateCost } from "../components/model/cost/estimate";
import { costText } from "../components/model/cost/format";
import { loadCheckedStack } from "../components/stack-check";
import { isRefusal, refusalProblems } from "./refusal";
import { runCommand } from "./run-command";

export const COST_COMMAND: CommandSpec = {
  invocation: "npm run cost --",
  summary: "Estimates the stack's monthly cost on AWS: servers, storage by class, backups, transfer across zones, regions and leaf links, load balancers.",
  allStacks: "estimate every stack",
  options: [{ name: "json", description: "print the estimates as JSON (one document, or a list with --all) instead of tables" }],
  exitCodes: [
    { code: 0, meaning: "estimated (or usage printed)" },
    { code: USAGE_EXIT_CODE, meaning: "the command line or a stack was refused" },
  ],
};

function main(): number {
  const projectDir = process.env.NATS_JETSTREAM_PROJECT_DIR ?? process.cwd();
  const commandLine = readStacksCommandLine(COST_COMMAND, process.argv.slice(2), projectDir);
  if (typeof commandLine === "number") return commandLine;
  const json = commandLine.options.json === true;
  const documents: unknown[] = [];
  let refused = false;
  commandLine.stacks.forEach((name, index) => {
    try {
      const estimate = estimateCost(loadCheckedStack(projectDir, name));
      if (json) documents.push({ outcome: "estimated", ...estimate });
      else console.log([...(index > 0 ? [""] : []), ...costText(estimate)].join("\n"));
    } catch (error) {
      if (!isRefusal(error)) throw error;
      refused = true;
      console.error(`cost refused: stack ${name}: ${error instanceof Error ? error.message : String(error)}`);
      documents.push({ outcome: "refused", stack: name, problems: refusalProblems(error) });
    }
  });
  if (json) process.stdout.write(`${JSON.stringify(commandLine.all ? documents : documents[0], null, 2)}\n`);
  return refused ? USAGE_EXIT_CODE : 0;
}

runCommand("cost", main);

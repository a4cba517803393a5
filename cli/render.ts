/**
 * `npm run render -- <stack>|--all [--out DIR] [--keys FILE] [--json]`: the stack's program synthesized offline
 * into manifests, per-server nats.conf, a plan of cloud resources and a summary with a topology diagram. Key
 * material is drawn at random once and kept owner-only in the keystore file, so the configs trust keys only its
 * owner has. With --json it prints one JSON document (a RenderReport, RenderRefusal or RenderFailure) instead
 * of the summary lines.
 *
 * `--all` renders every stack in this one process, each exactly as its own render would: into `<out>/<stack>`
 * (default out/<stack>), keys in `<keys>/<stack>/keys.json` (default .render/<stack>/keys.json), and with
 * --json one AllStacksRenderReport. A stack that fails or is refused does not stop the others.
 *
 * Exit codes: 0 rendered, 1 a render failed, 2 the command line or a stack was refused (see RENDER_COMMAND).
 */
// First, before anything loads the Pulumi SDK or nkeys: they make start-up and signing cheaper (see each module).
import "./render/deferred-sdk-modules";
import "./render/native-ed25519";
import * as fs from "fs";
import * as path from "path";
import { readStacksCommandLine, StacksCommandLine, USAGE_EXIT_CODE } from "./command-line";
import { RENDER_COMMAND } from "./commands";
import { defaultKeystoreDir, defaultKeystoreFile, keystoreFileIn } from "./render/keystore-paths";
import { RenderTarget, renderStack } from "./render/render-stack";
import { AllStacksRenderReport, formatRenderReport, overallOutcome, StackRenderOutcome } from "./render/report";
import { runCommand } from "./run-command";

/** Where each stack named on the command line renders to: one stack by --out/--keys as given, --all under them. */
function targetsOf(projectDir: string, { stacks, all, options }: StacksCommandLine): Map<string, RenderTarget> {
  const out = options.out as string | undefined;
  const keys = options.keys as string | undefined;
  if (!all) {
    const [stack] = stacks;
    return new Map([[stack, { outDir: path.resolve(out ?? path.join(projectDir, "out", stack)), keysFile: path.resolve(keys ?? defaultKeystoreFile(projectDir, stack)) }]]);
  }
  const outRoot = path.resolve(out ?? path.join(projectDir, "out"));
  const keysDir = path.resolve(keys ?? defaultKeystoreDir(projectDir));
  return new Map(stacks.map((stack) => [stack, { outDir: path.join(outRoot, stack), keysFile: keystoreFileIn(keysDir, stack) }]));
}

/** The exit code of a run: a failure before a refusal. */
function exitCode(outcomes: readonly StackRenderOutcome[]): number {
  const outcome = overallOutcome(outcomes);
  return outcome === "failed" ? 1 : outcome === "refused" ? USAGE_EXIT_CODE : 0;
}

async function main(): Promise<number> {
  const projectDir = process.env.NATS_JETSTREAM_PROJECT_DIR ?? process.cwd();
  const commandLine = readStacksCommandLine(RENDER_COMMAND, process.argv.slice(2), projectDir);
  if (typeof commandLine === "number") return commandLine;
  const keys = commandLine.options.keys as string | undefined;
  if (commandLine.all && keys !== undefined && fs.existsSync(keys) && !fs.statSync(keys).isDirectory()) {
    // One keystore file holds one stack's keys (they are keyed by resource name, which stacks share).
    console.error(`--keys: ${keys} is a file; with --all it names a directory holding <stack>/keys.json for each stack`);
    return USAGE_EXIT_CODE;
  }
  const json = commandLine.options.json === true;
  const targets = targetsOf(projectDir, commandLine);
  const outcomes: StackRenderOutcome[] = [];
  // One after another: the SDK's mocks and config are the process's. Worker threads, one per core, were
  // tried and were slower, each thread loading the SDK anew.
  for (const [stack, target] of targets) {
    const outcome = await renderStack(projectDir, stack, target, commandLine.all);
    if (outcome.outcome === "rendered" && !json) for (const line of formatRenderReport(outcome)) console.log(line);
    outcomes.push(outcome);
  }
  if (json) {
    const document: StackRenderOutcome | AllStacksRenderReport = commandLine.all ? { outcome: overallOutcome(outcomes), stacks: outcomes } : outcomes[0];
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
  return exitCode(outcomes);
}

runCommand("render", main);

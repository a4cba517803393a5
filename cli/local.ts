/**
 * `npm run local -- <stack> [--smoke]`: starts a stack's servers as real nats-server processes on this
 * machine, configured by the renderer the pods use, checks that JetStream works and shows how to reach it.
 * It runs until interrupted, then stops every server in lame duck; with --smoke it stops after the check.
 *
 * Exit codes: 0 after a passing run, 1 when the servers or the check fail, 2 for a bad command line or stack.
 */
import * as path from "path";
import { connect, NatsConnection } from "nats";
import {
  createStreams,
  findServerBinary,
  formatConnectHelp,
  formatStatus,
  LocalCluster,
  prepareRunDir,
  readStatus,
  runSmokeCheck,
  ServerBinary,
  startCluster,
  StreamDeclaration,
} from "../components/local";
import { formatServerVersion, listStacks, loadStack, Stack, ValidationError } from "../components/model";

const USAGE = "usage: npm run local -- <stack> [--smoke]";

interface Arguments {
  stackName: string;
  smoke: boolean;
}

class UsageError extends Error {}

function parseArguments(argv: readonly string[]): Arguments {
  const positional = argv.filter((arg) => !arg.startsWith("--"));
  const unknown = argv.filter((arg) => arg.startsWith("--") && arg !== "--smoke");
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.join(", ")}`);
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? "name a stack" : `name one stack, not ${positional.join(" ")}`);
  return { stackName: positional[0], smoke: argv.includes("--smoke") };
}

function say(message: string): void {
  process.stdout.write(`${message}\n`);
}

/**
 * Resolves on the first SIGINT or SIGTERM. A second one exits at once, and the process guard kills the
 * servers on the way out. The handler stays installed so the guard never takes the first signal as its own.
 */
function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        say(`${signal} received again: killing every server`);
        process.exit(1);
      }
      received = true;
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

interface RunningCluster {
  local: LocalCluster;
  connection: NatsConnection;
}

/** The servers and connections of one run, so that any failure can still shut everything down. */
class LocalRun {
  readonly clusters: RunningCluster[] = [];
  readonly launched: LocalCluster[] = [];

  async shutDown(): Promise<void> {
    await Promise.all(this.clusters.map(({ connection }) => connection.close().catch(() => undefined)));
    if (this.launched.length === 0) return;
    say(`stopping ${this.launched.flatMap((local) => local.servers.map((server) => server.name)).join(", ")} (lame duck)`);
    await Promise.all(this.launched.map((local) => local.stop()));
    say("every server stopped");
  }
}

async function start(stack: Stack, binary: ServerBinary, runDir: string, run: LocalRun, streams: (clusterName: string) => StreamDeclaration[]): Promise<void> {
  say(`starting stack ${stack.name} with ${binary.path} (nats-server ${formatServerVersion(binary.version)}), files under ${runDir}`);
  await prepareRunDir(runDir);
  for (const cluster of stack.clusters) {
    const local = await startCluster(cluster, { runDir, binary, onProgress: (message) => say(`  [${cluster.name}] ${message}`) });
    run.launched.push(local);
    for (const note of local.omitted) say(`  [${cluster.name}] note: ${note}`);
    const connection = await connect({ servers: local.clientUrls, name: "npm run local" });
    run.clusters.push({ local, connection });
    const created = await createStreams(await connection.jetstreamManager(), streams(cluster.name));
    for (const info of created) say(`  [${cluster.name}] stream ${info.config.name} created (R${info.config.num_replicas})`);
  }
}

async function smokeCheck(run: LocalRun): Promise<void> {
  for (const { local, connection } of run.clusters) {
    say(`  [${local.name}] ${await runSmokeCheck(connection, { replicas: local.cluster.jetstream.streamReplicas })}`);
  }
}

async function printStatus(run: LocalRun, binary: ServerBinary): Promise<void> {
  for (const { local, connection } of run.clusters) {
    say("");
    say(formatStatus(await readStatus(local, await connection.jetstreamManager(), binary.version)));
    say("");
    say(formatConnectHelp(local));
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const projectDir = process.cwd();
  let args: Arguments;
  let stack: Stack;
  try {
    args = parseArguments(argv);
    stack = loadStack(projectDir, args.stackName);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\nstacks: ${listStacks(projectDir).join(", ") || "(none found)"}\n`);
      return 2;
    }
    if (error instanceof ValidationError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const signal = interrupted();
  const run = new LocalRun();
  try {
    const binary = findServerBinary();
    // The stack model declares no streams yet; each cluster's declared streams are passed here once it does.
    const ready = start(stack, binary, path.join(projectDir, ".local", stack.name), run, () => []).then(async () => {
      say("smoke check:");
      await smokeCheck(run);
      await printStatus(run, binary);
    });
    const first = await Promise.race([ready.then(() => "ready" as const), signal]);
    if (first !== "ready") {
      say(`${first} received while starting; stopping once the servers being started are up (again to kill them at once)`);
      await ready.catch(() => undefined);
      return 1;
    }
    if (args.smoke) {
      say("\nsmoke check passed");
      return 0;
    }
    say("\nrunning; press Ctrl-C to stop every server in lame duck");
    say(`${await signal} received (again to kill the servers at once)`);
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  } finally {
    await run.shutDown();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

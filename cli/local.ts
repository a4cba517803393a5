/**
 * `npm run local -- <stack> [--smoke]`: starts a stack's servers as real nats-server processes on this
 * machine, configured by the renderer the pods use: one cluster, a supercluster joined by gateways, or a hub
 * with its leaf sites. It checks that the topology and JetStream work and shows how to reach them.
 * It runs until interrupted, then stops every server in lame duck; with --smoke it stops after the check.
 *
 * Exit codes: 0 after a passing run, 1 when the servers or the check fail, 2 for a bad command line or stack.
 */
import * as fs from "fs";
import * as path from "path";
import { connect, credsAuthenticator, NatsConnection } from "nats";
import {
  AccountManager,
  connectExamples,
  CREDS_DIR,
  CredsFile,
  describeLinks,
  findServerBinary,
  formatCredsHelp,
  formatEndpoints,
  formatStatus,
  inOperatorMode,
  KEYS_FILE,
  LocalCluster,
  LocalCredentials,
  LocalTopology,
  prepareLocalCredentials,
  prepareRunDir,
  provisionJetStream,
  readStatus,
  resourcesOf,
  ServerBinary,
  smokeCheckStack,
  startStackTopology,
} from "../components/local";
import { formatServerVersion, listStacks, Stack, ValidationError } from "../components/model";
import { loadStackWithPresets } from "../components/presets";

const USAGE = "usage: npm run local -- <stack> [--smoke]";

/**
 * How long the clusters may take to be ready and then to work as one topology. A 3 x 3 supercluster forms its
 * meta group in about 5 s on two cores; the rest is room for a loaded machine.
 */
const READY_TIMEOUT_MS = 60_000;

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

/** The servers and connections of one run, so that any failure can still shut everything down. */
class LocalRun {
  topology: LocalTopology | undefined;
  /** A local admin's connection for each account with JetStream, on the cluster that holds the stack's streams. */
  readonly admins: { account: string; connection: NatsConnection }[] = [];

  async shutDown(): Promise<void> {
    await Promise.all(this.admins.map(({ connection }) => connection.close().catch(() => undefined)));
    if (this.topology === undefined) return;
    say(`stopping ${this.topology.servers.map((server) => server.name).join(", ")} (lame duck)`);
    await this.topology.stop();
    say("every server stopped");
  }
}

/** Connects to every server of the cluster as `user`, with the user's creds file; without creds when `user` is undefined. */
function connectAs(local: LocalCluster, credentials: LocalCredentials, user: string | undefined): Promise<NatsConnection> {
  const name = `npm run local (${user ?? "no creds"})`;
  if (user === undefined) return connect({ servers: local.clientUrls, name });
  const creds = fs.readFileSync(credentials.credsFiles[user]);
  return connect({ servers: local.clientUrls, name, authenticator: credsAuthenticator(creds) });
}

async function start(stack: Stack, binary: ServerBinary, runDir: string, run: LocalRun): Promise<LocalCredentials> {
  say(`starting stack ${stack.name} with ${binary.path} (nats-server ${formatServerVersion(binary.version)}), files under ${runDir}`);
  // The key material survives the wipe, so creds files handed out by an earlier run keep working.
  await prepareRunDir(runDir, [KEYS_FILE]);
  const credentials = await prepareLocalCredentials(runDir, stack.accounts, stack.name);
  const shown = (file: string) => path.relative(process.cwd(), path.join(runDir, file));
  say(
    `operator ${stack.name}, accounts ${stack.accounts.map((account) => account.name).join(", ")}: creds of ${credentials.generated.users.length} user(s) ` +
      `in ${shown(CREDS_DIR)}, from keys kept between runs in ${shown(KEYS_FILE)}`,
  );
  const started = Date.now();
  const topology = await startStackTopology(stack, credentials, { runDir, binary, onProgress: (message) => say(`  ${message}`), readyTimeoutMs: READY_TIMEOUT_MS });
  run.topology = topology;
  say(`  every server of ${topology.clusters.map((local) => local.name).join(", ")} ready (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  for (const local of topology.clusters) {
    for (const note of local.omitted) say(`  [${local.name}] note: ${note}`);
  }
  const home = topology.cluster(stack.jetStreamHome.name);
  for (const [account, admin] of Object.entries(credentials.admins)) {
    const connection = await connectAs(home, credentials, admin);
    run.admins.push({ account, connection });
    for (const line of await provisionJetStream(connection, resourcesOf(stack.jetstream, account))) say(`  [${home.name}] ${account}: ${line}`);
  }
  return credentials;
}

async function printStatus(stack: Stack, run: LocalRun, binary: ServerBinary, credentials: LocalCredentials): Promise<void> {
  const topology = run.topology!;
  const managers: AccountManager[] = await Promise.all(run.admins.map(async ({ account, connection }) => ({ account, jsm: await connection.jetstreamManager() })));
  for (const local of topology.clusters) {
    const home = local.name === stack.jetStreamHome.name;
    say("");
    say(formatStatus(await readStatus(local, home ? managers : [], binary.version)));
    say("");
    say(formatEndpoints(local, inOperatorMode(stack.topology, local.name)));
  }
  const links = await describeLinks(stack, topology, credentials);
  if (links.length > 0) {
    say("");
    say(links.join("\n"));
  }
  const localOnly = new Set(Object.values(credentials.admins));
  const creds: CredsFile[] = credentials.generated.users.map((user) => ({
    user: user.name,
    account: user.account,
    file: credentials.credsFiles[user.name],
    localOnly: localOnly.has(user.name),
  }));
  say("");
  say(formatCredsHelp(creds, connectExamples(stack, topology, credentials), topology.cluster(stack.jetStreamHome.name).clientUrls));
}

async function main(argv: readonly string[]): Promise<number> {
  const projectDir = process.cwd();
  let args: Arguments;
  let stack: Stack;
  try {
    args = parseArguments(argv);
    stack = loadStackWithPresets(projectDir, args.stackName);
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
    const ready = start(stack, binary, path.join(projectDir, ".local", stack.name), run).then(async (credentials) => {
      say("smoke check, through the stack's own creds:");
      await smokeCheckStack(stack, run.topology!, credentials, (local, user) => connectAs(local, credentials, user), (scope, line) => say(`  [${scope}] ${line}`));
      await printStatus(stack, run, binary, credentials);
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

/**
 * `npm run local -- <stack> [--smoke]`: starts a stack's servers as real nats-server processes on this
 * machine, configured by the renderer the pods use, checks that JetStream works and shows how to reach it.
 * It runs until interrupted, then stops every server in lame duck; with --smoke it stops after the check.
 *
 * Exit codes: 0 after a passing run, 1 when the servers or the check fail, 2 for a bad command line or stack.
 */
import * as fs from "fs";
import * as path from "path";
import { connect, credsAuthenticator, NatsConnection } from "nats";
import {
  AccountManager,
  ConnectExample,
  CREDS_DIR,
  CredsFile,
  findServerBinary,
  formatCredsHelp,
  formatEndpoints,
  formatStatus,
  KEYS_FILE,
  LocalCluster,
  LocalCredentials,
  planJobChecks,
  prepareLocalCredentials,
  prepareRunDir,
  provisionJetStream,
  readStatus,
  resourcesOf,
  runJobCheck,
  runSystemCheck,
  ServerBinary,
  startCluster,
} from "../components/local";
import { formatServerVersion, listStacks, loadStack, Stack, SYSTEM_USER_NAME, ValidationError } from "../components/model";

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
  /** The system user's connection. */
  sys: NatsConnection;
  /** A local admin's connection for each account with JetStream, on the cluster that holds the stack's streams only. */
  admins: { account: string; connection: NatsConnection }[];
}

/** The servers and connections of one run, so that any failure can still shut everything down. */
class LocalRun {
  readonly clusters: RunningCluster[] = [];
  readonly launched: LocalCluster[] = [];

  async shutDown(): Promise<void> {
    const connections = this.clusters.flatMap(({ sys, admins }) => [sys, ...admins.map(({ connection }) => connection)]);
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
    if (this.launched.length === 0) return;
    say(`stopping ${this.launched.flatMap((local) => local.servers.map((server) => server.name)).join(", ")} (lame duck)`);
    await Promise.all(this.launched.map((local) => local.stop()));
    say("every server stopped");
  }
}

/** Connects to every server of the cluster as `user`, with the user's creds file. */
function connectAs(local: LocalCluster, credentials: LocalCredentials, user: string): Promise<NatsConnection> {
  const creds = fs.readFileSync(credentials.credsFiles[user]);
  return connect({ servers: local.clientUrls, name: `npm run local (${user})`, authenticator: credsAuthenticator(creds) });
}

function isJetStreamHome(stack: Stack, local: LocalCluster): boolean {
  return local.name === stack.jetStreamHome.name;
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
  for (const cluster of stack.clusters) {
    const local = await startCluster(cluster, {
      runDir,
      binary,
      extraSections: () => [credentials.generated.confSection],
      onProgress: (message) => say(`  [${cluster.name}] ${message}`),
    });
    run.launched.push(local);
    for (const note of local.omitted) say(`  [${cluster.name}] note: ${note}`);
    const sys = await connectAs(local, credentials, SYSTEM_USER_NAME);
    const running: RunningCluster = { local, sys, admins: [] };
    run.clusters.push(running);
    if (!isJetStreamHome(stack, local)) continue;
    for (const [account, admin] of Object.entries(credentials.admins)) {
      const connection = await connectAs(local, credentials, admin);
      running.admins.push({ account, connection });
      for (const line of await provisionJetStream(connection, resourcesOf(stack.jetstream, account))) say(`  [${cluster.name}] ${account}: ${line}`);
    }
  }
  return credentials;
}

async function smokeCheck(stack: Stack, run: LocalRun, credentials: LocalCredentials): Promise<void> {
  for (const { local, sys } of run.clusters) {
    say(`  [${local.name}] ${await runSystemCheck(sys, local.servers.map((server) => server.name))}`);
  }
  const home = run.clusters.find(({ local }) => isJetStreamHome(stack, local))!.local;
  const checks = planJobChecks(stack.accounts, stack.jetstream.streams);
  if (checks.length === 0) {
    say(`  [${home.name}] no job sent: the stack declares no durable consumer with a user that may pull from it and one that may publish to its stream`);
  }
  for (const check of checks) {
    say(`  [${home.name}] ${await runJobCheck(check, (user) => connectAs(home, credentials, user))}`);
  }
}

/** Commands a newcomer can try: publish a job, look at the streams, list the servers. */
function connectExamples(stack: Stack, credentials: LocalCredentials): ConnectExample[] {
  const [check] = planJobChecks(stack.accounts, stack.jetstream.streams);
  const examples: ConnectExample[] = [];
  if (check) {
    examples.push({ user: check.publisher.name, command: `pub ${check.subject} "a job"` });
    examples.push({ user: credentials.admins[check.stream.account], command: `stream info ${check.stream.name}` });
  } else {
    for (const admin of Object.values(credentials.admins).slice(0, 1)) examples.push({ user: admin, command: "stream ls" });
  }
  examples.push({ user: SYSTEM_USER_NAME, command: "server list" });
  return examples;
}

async function printStatus(stack: Stack, run: LocalRun, binary: ServerBinary, credentials: LocalCredentials): Promise<void> {
  for (const { local, admins } of run.clusters) {
    const managers: AccountManager[] = await Promise.all(admins.map(async ({ account, connection }) => ({ account, jsm: await connection.jetstreamManager() })));
    say("");
    say(formatStatus(await readStatus(local, managers, binary.version)));
    say("");
    say(formatEndpoints(local));
  }
  const localOnly = new Set(Object.values(credentials.admins));
  const creds: CredsFile[] = credentials.generated.users.map((user) => ({
    user: user.name,
    account: user.account,
    file: credentials.credsFiles[user.name],
    localOnly: localOnly.has(user.name),
  }));
  const home = run.clusters.find(({ local }) => isJetStreamHome(stack, local))!.local;
  say("");
  say(formatCredsHelp(creds, connectExamples(stack, credentials), home.clientUrls));
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
    const ready = start(stack, binary, path.join(projectDir, ".local", stack.name), run).then(async (credentials) => {
      say("smoke check, through the stack's own creds:");
      await smokeCheck(stack, run, credentials);
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

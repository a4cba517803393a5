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
  createdLine,
  CREDS_DIR,
  CredsFile,
  describeLinks,
  findServerBinary,
  formatCredsHelp,
  formatEndpoints,
  formatStatus,
  KEYS_FILE,
  LocalCluster,
  LocalCredentials,
  LocalTopology,
  prepareLocalCredentials,
  prepareRunDir,
  provisionStack,
  readStatus,
  ServerBinary,
  smokeCheckStack,
  startStackTopology,
} from "../components/local";
import { formatServerVersion, inOperatorMode, Stack, stackProvisioning, ValidationError } from "../components/model";
import { DEFAULT_INBOX_PREFIX } from "../components/model/permissions";
import { jetStreamProvisionerName } from "../components/model/provisioners";
import { loadCheckedStack } from "../components/stack-check";
import { readCommandLine } from "./command-line";
import { LOCAL_COMMAND } from "./commands";

/**
 * How long the clusters may take to be ready and then to work as one topology. A 3 x 3 supercluster forms its
 * meta group in about 5 s on two cores; the rest is room for a loaded machine.
 */
const READY_TIMEOUT_MS = 60_000;

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
  /** A connection of each account that manages JetStream objects, by the cluster it reaches. */
  readonly managers: { cluster: string; account: string; connection: NatsConnection }[] = [];

  /** The account's managing connection to the cluster, made once: as `user`, or without creds when undefined. */
  async manager(local: LocalCluster, credentials: LocalCredentials, account: string, user: string | undefined): Promise<NatsConnection> {
    const known = this.managers.find((entry) => entry.cluster === local.name && entry.account === account);
    if (known) return known.connection;
    const connection = await connectAs(local, credentials, user);
    this.managers.push({ cluster: local.name, account, connection });
    return connection;
  }

  /** Connections made for one task, such as creating an account's streams as its provisioner. */
  readonly connections: NatsConnection[] = [];

  /** A connection to the cluster as `user`, closed when the run shuts down. */
  async connection(local: LocalCluster, credentials: LocalCredentials, user: string): Promise<NatsConnection> {
    const connection = await connectAs(local, credentials, user);
    this.connections.push(connection);
    return connection;
  }

  async shutDown(): Promise<void> {
    await Promise.all([...this.managers.map(({ connection }) => connection), ...this.connections].map((connection) => connection.close().catch(() => undefined)));
    if (this.topology === undefined) return;
    say(`stopping ${this.topology.servers.map((server) => server.name).join(", ")} (lame duck)`);
    await this.topology.stop();
    say("every server stopped");
  }
}

/**
 * Connects to every server of the cluster as `user`, with the user's creds file and inbox prefix; without creds
 * when `user` is undefined.
 */
function connectAs(local: LocalCluster, credentials: LocalCredentials, user: string | undefined): Promise<NatsConnection> {
  const name = `npm run local (${user ?? "no creds"})`;
  if (user === undefined) return connect({ servers: local.clientUrls, name });
  const creds = fs.readFileSync(credentials.credsFiles[user]);
  const inboxPrefix = credentials.generated.users.find((candidate) => candidate.name === user)?.inboxPrefix;
  return connect({ servers: local.clientUrls, name, authenticator: credsAuthenticator(creds), inboxPrefix });
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
  // The home cluster's table lists every account's streams, even an account that holds none yet.
  for (const [account, admin] of Object.entries(credentials.admins)) await run.manager(home, credentials, account, admin);
  const provisioning = stackProvisioning(stack);
  // Every other cluster that holds objects with auth (a supercluster's member, a site in operator mode) lists
  // its streams the same way, through their accounts' admins.
  for (const target of provisioning.targets.filter((candidate) => candidate.defaultAccount === undefined)) {
    for (const { account } of target.accounts) {
      const admin = credentials.admins[account];
      if (admin !== undefined) await run.manager(topology.cluster(target.cluster.name), credentials, account, admin);
    }
  }
  // Streams are created as each account's provisioner, the NACK controller's user on Kubernetes, so the run
  // proves its permissions suffice; an open site (anonymousClients) has no users, and takes them without creds.
  await provisionStack(
    provisioning,
    (target, account) => {
      const local = topology.cluster(target.cluster.name);
      return target.defaultAccount === undefined ? run.connection(local, credentials, jetStreamProvisionerName(account)) : run.manager(local, credentials, account, undefined);
    },
    (object) => say(`  [${object.cluster}] ${object.account}: ${createdLine(object)}`),
  );
  return credentials;
}

async function printStatus(stack: Stack, run: LocalRun, binary: ServerBinary, credentials: LocalCredentials): Promise<void> {
  const topology = run.topology!;
  for (const local of topology.clusters) {
    const managers: AccountManager[] = await Promise.all(
      run.managers.filter((entry) => entry.cluster === local.name).map(async ({ account, connection }) => ({ account, jsm: await connection.jetstreamManager() })),
    );
    say("");
    say(formatStatus(await readStatus(local, managers, binary.version)));
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
    ...(user.inboxPrefix === DEFAULT_INBOX_PREFIX ? {} : { inboxPrefix: user.inboxPrefix }),
  }));
  say("");
  say(formatCredsHelp(creds, connectExamples(stack, topology, credentials), topology.cluster(stack.jetStreamHome.name).clientUrls));
}

async function main(argv: readonly string[]): Promise<number> {
  const projectDir = process.cwd();
  const commandLine = readCommandLine(LOCAL_COMMAND, argv, projectDir);
  if (typeof commandLine === "number") return commandLine;
  let stack: Stack;
  try {
    stack = loadCheckedStack(projectDir, commandLine.stack);
  } catch (error) {
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
    if (commandLine.options.smoke === true) {
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

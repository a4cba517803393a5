/**
 * `npm run local -- <stack> [--smoke]`: starts a stack's servers as real nats-server processes on this
 * machine, configured by the renderer the pods use: one cluster, a supercluster joined by gateways, or a hub
 * with its leaf sites. It checks that the topology and JetStream work and shows how to reach them.
 * It runs until interrupted, then stops every server in lame duck; with --smoke it stops after the check.
 * With --json it writes one JSON object per line to stdout instead of tables and sentences (see RunOutput).
 *
 * Exit codes: 0 after a passing run, 1 when the servers or the check fail, 2 for a bad command line or stack.
 */
import * as fs from "fs";
import * as path from "path";
import { connect, credsAuthenticator, NatsConnection } from "nats";
import {
  CREDS_DIR,
  findServerBinary,
  KEYS_FILE,
  LocalCluster,
  LocalCredentials,
  LocalTopology,
  prepareLocalCredentials,
  prepareRunDir,
  provisionStack,
  readRunSummary,
  removeRunEndpoints,
  RunEndpoints,
  ServerBinary,
  smokeCheckStack,
  startStackTopology,
  writeRunEndpoints,
} from "../components/local";
import { formatServerVersion, Stack, stackProvisioning, ValidationError } from "../components/model";
import { jetStreamProvisionerName } from "../components/model/provisioners";
import { Monitoring } from "../components/model/monitoring/monitoring";
import { loadCheckedStackWithMonitoring } from "../components/stack-check";
import { readCommandLine, USAGE_EXIT_CODE } from "./command-line";
import { LOCAL_COMMAND } from "./commands";
import { RunOutput } from "./local/run-output";
import { refusalProblems } from "./refusal";
import { runCommand } from "./run-command";

/**
 * How long the clusters may take to be ready and then to work as one topology. A 3 x 3 supercluster forms its
 * meta group in about 5 s on two cores; the rest is room for a loaded machine.
 */
const READY_TIMEOUT_MS = 60_000;

/**
 * Resolves on the first SIGINT or SIGTERM. A second one exits at once, and the process guard kills the
 * servers on the way out. The handler stays installed so the guard never takes the first signal as its own.
 */
function interrupted(output: RunOutput): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        output.progress(`${signal} received again: killing every server`);
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

  constructor(private readonly output: RunOutput) {}

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
    const servers = this.topology.servers.map((server) => server.name);
    this.output.stopping(servers);
    await this.topology.stop();
    this.output.stopped(servers);
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

async function start(stack: Stack, binary: ServerBinary, runDir: string, run: LocalRun, output: RunOutput): Promise<LocalCredentials> {
  const say = (line: string) => output.progress(line);
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
    (object) => output.created(object),
  );
  return credentials;
}

/** The JetStream managers of the accounts whose streams the cluster's table lists. */
function managersOf(run: LocalRun, cluster: string) {
  return Promise.all(run.managers.filter((entry) => entry.cluster === cluster).map(async ({ account, connection }) => ({ account, jsm: await connection.jetstreamManager() })));
}

async function main(argv: readonly string[]): Promise<number> {
  const projectDir = process.cwd();
  const commandLine = readCommandLine(LOCAL_COMMAND, argv, projectDir);
  if (typeof commandLine === "number") return commandLine;
  const output = new RunOutput(commandLine.options.json === true);
  let stack: Stack;
  let monitoring: Monitoring;
  try {
    ({ stack, monitoring } = loadCheckedStackWithMonitoring(projectDir, commandLine.stack));
  } catch (error) {
    if (error instanceof ValidationError) {
      output.refused(commandLine.stack, error.message, refusalProblems(error));
      return USAGE_EXIT_CODE;
    }
    throw error;
  }

  const signal = interrupted(output);
  const run = new LocalRun(output);
  const runDir = path.join(projectDir, ".local", stack.name);
  let endpoints: RunEndpoints | undefined;
  try {
    const binary = findServerBinary();
    const ready = start(stack, binary, runDir, run, output).then(async (credentials) => {
      const topology = run.topology!;
      output.progress("smoke check, through the stack's own creds:");
      await smokeCheckStack(stack, topology, credentials, (local, user) => connectAs(local, credentials, user), (result) => output.check(result));
      const { provisioned, checks } = output;
      endpoints = { stack: stack.name, clusters: Object.fromEntries(topology.clusters.map((local) => [local.name, local.clientUrls])) };
      writeRunEndpoints(runDir, endpoints);
      output.ready(await readRunSummary({ stack, topology, credentials, binary, runDir, provisioned, checks, monitoring, managers: (cluster) => managersOf(run, cluster) }));
    });
    const first = await Promise.race([ready.then(() => "ready" as const), signal]);
    if (first !== "ready") {
      output.interrupted(first, "starting");
      await ready.catch(() => undefined);
      return 1;
    }
    if (commandLine.options.smoke === true) {
      output.progress("\nsmoke check passed");
      return 0;
    }
    output.progress("\nrunning; press Ctrl-C to stop every server in lame duck");
    output.interrupted(await signal, "running");
    return 0;
  } catch (error) {
    output.failed(error as Error);
    return 1;
  } finally {
    if (endpoints !== undefined) removeRunEndpoints(runDir, endpoints);
    await run.shutDown();
  }
}

runCommand("local", () => main(process.argv.slice(2)));

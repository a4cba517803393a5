/**
 * One nats-server in operator mode for credentials tests: its config rendered by the model (a dev cluster,
 * local placement, the credentials' conf section), on free loopback ports, in a temporary directory.
 */
import { ChildProcess, spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { connect, ConnectionOptions, credsAuthenticator, NatsConnection } from "nats";
import { writeCredsFiles } from "../../components/credentials/files";
import { GeneratedCredentials } from "../../components/credentials/generate";
import { keyEntities } from "../../components/credentials/keys";
import { Account } from "../../components/model/accounts";
import { Cluster, validateCluster } from "../../components/model/cluster";
import { ConfBlock } from "../../components/model/conf";
import { localPlacements, LocalPorts } from "../../components/local/local-placement";
import { renderServer } from "../../components/model/server-config";
import { parseServerVersion } from "../../components/model/version";

const SERVER_BINARY = "/usr/sbin/nats-server";
/** The installed server; the config is rendered for it rather than for the cluster's default image. */
const INSTALLED_VERSION = parseServerVersion("2.9.10")!;
const READY_LINE = "Server is ready";
const RELOADED_LINE = "Reloaded server configuration";

/**
 * Key material that depends only on `salt` and each key's id and rotation, standing in for bytes kept in
 * state: the same salt gives the same keys on every call, another salt gives another operator's keys.
 */
export function keyBytesFor(accounts: readonly Account[], salt = "test", operatorRotation?: string): Record<string, Uint8Array> {
  return Object.fromEntries(
    keyEntities(accounts, operatorRotation).map((entity) => [
      entity.id,
      new Uint8Array(createHash("sha256").update(`${salt}/${entity.id}/${entity.rotation}`).digest()),
    ]),
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function freePorts(): Promise<LocalPorts> {
  const [client, cluster, monitor, gateway, leafnodes, metrics] = await Promise.all(Array.from({ length: 6 }, freePort));
  return { client, cluster, monitor, gateway, leafnodes, metrics };
}

export type Operation = "publish" | "subscription";

/** The permission violations a connection was told of, as the client reports them. */
export interface Violations {
  /** Waits until the server has refused `operation` on `subject`; false when it has not within `timeoutMs`. */
  refused(operation: Operation, subject: string, timeoutMs?: number): Promise<boolean>;
  /** Everything refused so far, as `<operation> <subject>`. */
  all(): string[];
}

export function trackViolations(nc: NatsConnection): Violations {
  const seen: string[] = [];
  (async () => {
    for await (const status of nc.status()) {
      if (status.permissionContext) seen.push(`${status.permissionContext.operation} ${status.permissionContext.subject}`);
    }
  })();
  return {
    async refused(operation, subject, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      while (!seen.includes(`${operation} ${subject}`)) {
        if (Date.now() > deadline) return false;
        await sleep(20);
      }
      return true;
    },
    all: () => [...seen],
  };
}

export interface OperatorServer {
  cluster: Cluster;
  url: string;
  /** Creds file path by user name, written owner-only. */
  credsFiles: Record<string, string>;
  /** The server's log so far. */
  log(): string;
  /**
   * Connects with the creds file of a user of the credentials the server was started with. Connections do
   * not reconnect unless `options` say so, so that a refused connection fails at once. The client reads replies
   * under the user's own inbox prefix unless `options` name another.
   */
  connectAs(user: string, options?: ConnectionOptions): Promise<NatsConnection>;
  /** Connects with any creds text (another operator's, a user added later). */
  connectWithCreds(creds: string, options?: ConnectionOptions): Promise<NatsConnection>;
  /** Rewrites the config with another conf section and signals a reload (SIGHUP); resolves once the server reports it. */
  reload(credentials: GeneratedCredentials): Promise<void>;
  stop(): Promise<void>;
}

async function waitForLine(log: () => string, line: string, after: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (log().indexOf(line, after) < 0) {
    if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode}):\n${log()}`);
    if (Date.now() > deadline) throw new Error(`nats-server did not log "${line}":\n${log()}`);
    await sleep(25);
  }
}

/** Starts one dev-tier server whose config carries `credentials.confSection`. */
export async function startOperatorServer(credentials: GeneratedCredentials, cluster: Cluster = validateCluster({ name: "creds", tier: "dev" })): Promise<OperatorServer> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-creds-"));
  const [placement] = localPlacements(cluster, [await freePorts()], runDir);
  fs.mkdirSync(path.dirname(placement.pidFile), { recursive: true });
  const confFile = path.join(runDir, "nats.conf");
  const writeConfig = (confSection: ConfBlock) =>
    fs.writeFileSync(confFile, renderServer(cluster, placement, { targetVersion: INSTALLED_VERSION, extraSections: [confSection] }).text);
  writeConfig(credentials.confSection);
  const credsFiles = writeCredsFiles(path.join(runDir, "creds"), credentials.users);

  const child = spawn(SERVER_BINARY, ["-c", confFile], { stdio: ["ignore", "ignore", "pipe"] });
  let logText = "";
  child.stderr!.on("data", (chunk) => (logText += chunk));
  const log = () => logText;
  try {
    await waitForLine(log, READY_LINE, 0, child);
  } catch (error) {
    child.kill("SIGKILL");
    fs.rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  const url = `nats://127.0.0.1:${placement.ports.client}`;
  let current = credentials;
  const connectWithCreds = (creds: string, options: ConnectionOptions = {}) =>
    connect({ servers: url, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false, timeout: 3_000, ...options });
  return {
    cluster,
    url,
    credsFiles,
    log,
    connectAs(user, options) {
      if (credsFiles[user] === undefined) throw new Error(`no creds file for user ${user}`);
      const inboxPrefix = current.users.find((candidate) => candidate.name === user)?.inboxPrefix;
      return connectWithCreds(fs.readFileSync(credsFiles[user], "utf8"), { inboxPrefix, ...options });
    },
    connectWithCreds,
    async reload(next) {
      const mark = logText.length;
      current = next;
      writeConfig(next.confSection);
      child.kill("SIGHUP");
      await waitForLine(log, RELOADED_LINE, mark, child);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}

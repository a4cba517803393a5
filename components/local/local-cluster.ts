/**
 * A cluster of real nats-server processes on loopback, configured by the same renderer as the pods:
 * only the placement differs (127.0.0.1, free ports, a directory per server).
 */
import * as fs from "fs";
import * as path from "path";
import { Cluster, Ports } from "../model/cluster";
import { ConfBlock } from "../model/conf";
import { serverName } from "../model/names";
import { ServerPlacement } from "../model/placement";
import { renderServer } from "../model/server-config";
import { makeOwnerOnlyDir, writeOwnerOnlyFile } from "../owner-only-files";
import { localPlacements } from "./local-placement";
import { LocalServer, LocalServerFiles } from "./local-server";
import { isHealthy, readHealth, readJetStream } from "./monitor";
import { allocatePorts } from "./ports";
import { ServerBinary } from "./server-binary";

export interface StartClusterOptions {
  /** Directory the servers' directories are made in (`<runDir>/<server name>/`); must exist. */
  runDir: string;
  binary: ServerBinary;
  /**
   * Ports of each server, when they must be known before the cluster starts (another cluster's gateway
   * section names them). Allocated here otherwise.
   */
  ports?: Ports[];
  /** Further config sections for one server (credentials, gateways, leaf nodes), merged after the cluster's own. */
  extraSections?: (serverIndex: number, placement: ServerPlacement) => ConfBlock[];
  /** Told of each step while the cluster starts. */
  onProgress?: (message: string) => void;
  /** How long to wait for every server to be healthy and a meta leader to be elected. Default 30 s. */
  readyTimeoutMs?: number;
}

/** A server exited while the cluster was expected to come up. */
export class ServerExitedError extends Error {
  constructor(
    readonly server: LocalServer,
    readonly log: string,
  ) {
    super(`${server.name} exited while starting; the end of its log (${server.files.logFile}):\n${log}`);
    this.name = "ServerExitedError";
  }

  /** A listener found its port taken: another program got it between allocation and start. */
  get portTaken(): boolean {
    return /address already in use/i.test(this.log);
  }
}

const POLL_MS = 50;
const DEFAULT_READY_TIMEOUT_MS = 30_000;
/** Fresh port sets tried when a port allocated here is taken by another program before the server binds it. */
const PORT_ATTEMPTS = 3;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class LocalCluster {
  constructor(
    readonly cluster: Cluster,
    readonly servers: readonly LocalServer[],
    /** Options the cluster asks for that the installed nats-server does not know, with why each was left out. */
    readonly omitted: readonly string[],
    private readonly onProgress: (message: string) => void = () => undefined,
  ) {}

  get name(): string {
    return this.cluster.name;
  }

  /** Client URLs of every server, for a connection that fails over between them. */
  get clientUrls(): string[] {
    return this.servers.map((server) => server.clientUrl);
  }

  server(name: string): LocalServer {
    const found = this.servers.find((server) => server.name === name);
    if (!found) throw new Error(`cluster ${this.name} has no server ${name}`);
    return found;
  }

  private failIfAnyExited(servers: readonly LocalServer[]): void {
    const exited = servers.find((server) => !server.running);
    if (exited) throw new ServerExitedError(exited, exited.logTail());
  }

  /**
   * Waits until every running server's /healthz says ok and, in a cluster, all of them name the same
   * JetStream meta leader. Returns that leader's name (the server's own for a single server).
   */
  async waitUntilReady(timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<string> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    const running = this.servers.filter((server) => server.running);
    const healthy = new Set<LocalServer>();
    // What each server's /healthz last answered, for the message when the wait runs out.
    const lastHealth = new Map<LocalServer, string>();
    while (healthy.size < running.length) {
      this.failIfAnyExited(running);
      if (Date.now() > deadline) {
        const waiting = running.filter((server) => !healthy.has(server));
        // A server that logs it is listening but answers no /healthz points at the way to it, not at the server.
        const logs = waiting.map((server) => `${server.name}'s last log lines:\n${server.logTail(4)}`).join("\n");
        const named = waiting.map((server) => `${server.name} (last /healthz: ${lastHealth.get(server) ?? "not asked"})`);
        throw new Error(`cluster ${this.name}: ${named.join(", ")} not healthy after ${timeoutMs / 1000}s\n${logs}`);
      }
      for (const server of running) {
        if (healthy.has(server)) continue;
        const health = await readHealth(server.ports.monitor);
        lastHealth.set(server, health);
        if (health !== "ok") continue;
        healthy.add(server);
        this.onProgress(`${server.name} healthy on ${server.clientUrl} (${seconds()}s)`);
      }
      if (healthy.size < running.length) await sleep(POLL_MS);
    }
    if (this.cluster.servers === 1) return this.servers[0].name;
    for (;;) {
      this.failIfAnyExited(running);
      const leaders = await Promise.all(running.map(async (server) => (await readJetStream(server.ports.monitor))?.meta_cluster?.leader));
      const leader = leaders[0];
      if (leader && leaders.every((seen) => seen === leader)) {
        this.onProgress(`JetStream meta leader ${leader} (${seconds()}s)`);
        return leader;
      }
      if (Date.now() > deadline) throw new Error(`cluster ${this.name}: no JetStream meta leader agreed on after ${timeoutMs / 1000}s`);
      await sleep(POLL_MS);
    }
  }

  /** The meta leader as the first answering server sees it, or undefined when none is known. */
  async metaLeader(): Promise<string | undefined> {
    for (const server of this.servers.filter((candidate) => candidate.running)) {
      const report = await readJetStream(server.ports.monitor);
      if (report === undefined) continue;
      return this.cluster.servers === 1 ? server.name : report.meta_cluster?.leader || undefined;
    }
    return undefined;
  }

  /** kill -9 one server. */
  async kill(index: number): Promise<void> {
    await this.servers[index].kill();
    this.onProgress(`${this.servers[index].name} killed`);
  }

  /**
   * Starts a stopped or killed server again on the same config and store, and waits until it is healthy,
   * which in a cluster means in contact with a meta leader: restarting into a cluster that has lost its
   * quorum waits until the timeout.
   */
  async restart(index: number, timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<void> {
    const server = this.servers[index];
    server.start();
    const deadline = Date.now() + timeoutMs;
    while (!(await isHealthy(server.ports.monitor))) {
      this.failIfAnyExited([server]);
      if (Date.now() > deadline) throw new Error(`${server.name} not healthy ${timeoutMs / 1000}s after restart`);
      await sleep(POLL_MS);
    }
    this.onProgress(`${server.name} restarted`);
  }

  /**
   * Stops every server in lame duck at once, each given the cluster's termination grace period (as a
   * pod is) before it is killed. Tests use this too rather than a quicker SIGTERM: with no client
   * connected a whole cluster exits in about a second on 2.9.10, and only clients still connected make
   * it take longer (the grace period, then lame_duck_duration, which 2.9.10 refuses below 30 s), which
   * is exactly the hand-over a clean shutdown owes them.
   */
  async stop(): Promise<void> {
    const timeoutMs = this.cluster.terminationGracePeriodSeconds * 1000;
    await Promise.all(this.servers.map((server) => server.stop(timeoutMs)));
  }
}

/**
 * Writes one server's nats.conf for the installed nats-server into `<runDir>/<server name>/`, making its
 * directories on first use, and returns its files and the options left out for the installed version. A
 * running server reads the new file on its next reload.
 */
export function writeServerConfig(
  cluster: Cluster,
  placement: ServerPlacement,
  index: number,
  options: Pick<StartClusterOptions, "binary" | "extraSections"> & { runDir: string },
): { files: LocalServerFiles; omitted: string[] } {
  const name = serverName(cluster, index);
  const dir = path.join(options.runDir, name);
  makeOwnerOnlyDir(dir);
  makeOwnerOnlyDir(placement.storeDir);
  const rendered = renderServer(cluster, placement, {
    targetVersion: options.binary.version,
    extraSections: options.extraSections?.(index, placement),
  });
  const configFile = path.join(dir, "nats.conf");
  writeOwnerOnlyFile(configFile, rendered.text);
  return { files: { dir, configFile, logFile: path.join(dir, "nats.log"), storeDir: placement.storeDir }, omitted: rendered.omitted };
}

/**
 * Renders every server's nats.conf for the installed nats-server and starts the processes, without
 * waiting for them: several clusters (a supercluster) can be launched before any is waited on.
 */
export function launchCluster(cluster: Cluster, options: StartClusterOptions & { ports: Ports[] }): LocalCluster {
  const runDir = path.resolve(options.runDir);
  const placements = localPlacements(cluster, options.ports, runDir);
  const omitted = new Set<string>();
  const servers = placements.map((placement, index) => {
    const written = writeServerConfig(cluster, placement, index, { ...options, runDir });
    written.omitted.forEach((note) => omitted.add(note));
    return new LocalServer(index, serverName(cluster, index), placement.ports, written.files, options.binary);
  });
  const local = new LocalCluster(cluster, servers, [...omitted], options.onProgress);
  for (const server of servers) server.start();
  options.onProgress?.(`started ${servers.length} nats-server process${servers.length === 1 ? "" : "es"} for cluster ${cluster.name}`);
  return local;
}

/**
 * Launches a cluster and waits until it is ready (healthy, meta leader elected). On failure every
 * server it started is stopped before the error is thrown.
 */
export async function startCluster(cluster: Cluster, options: StartClusterOptions): Promise<LocalCluster> {
  for (let attempt = 1; ; attempt++) {
    const ports = options.ports ?? (await allocatePorts(cluster.servers));
    const local = launchCluster(cluster, { ...options, ports });
    try {
      await local.waitUntilReady(options.readyTimeoutMs);
      return local;
    } catch (error) {
      await Promise.all(local.servers.map((server) => server.kill()));
      const retry = error instanceof ServerExitedError && error.portTaken && options.ports === undefined && attempt < PORT_ATTEMPTS;
      if (!retry) throw error;
      options.onProgress?.(`a port was taken meanwhile; starting ${cluster.name} again on fresh ports`);
      for (const server of local.servers) fs.rmSync(server.files.dir, { recursive: true, force: true });
    }
  }
}

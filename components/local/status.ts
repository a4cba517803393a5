/** What a running local cluster looks like (servers, ports, leaders, streams) and how to connect to it. */
import * as path from "path";
import { JetStreamManager } from "nats";
import { formatServerVersion, ServerVersion } from "../model/version";
import { LocalCluster } from "./local-cluster";
import { readHealth } from "./monitor";
import { formatTable } from "./table";

/** One server of a running local cluster. */
export interface ServerStatus {
  name: string;
  /** The process id; undefined once it has stopped. */
  pid: number | undefined;
  running: boolean;
  /** The client port on 127.0.0.1. */
  client: number;
  /** The route port; a single server opens none that anyone dials. */
  cluster: number;
  /** The monitoring port. */
  monitor: number;
  /**
   * The full /healthz: "ok", or why not (a stream or consumer not current, no meta leader); "-" once stopped.
   * A stream that cannot recover shows here, and only here: the pods' probes ask about the server alone.
   */
  health: string;
}

/** One stream of an account, as the cluster reports it. */
export interface StreamStatus {
  account: string;
  name: string;
  replicas: number;
  /** "file" or "memory". */
  storage: string;
  messages: number;
  /** The server leading its replicas; undefined for a stream on a single server. */
  leader: string | undefined;
}

/** A running local cluster: its servers, its streams and where it answers. */
export interface ClusterStatus {
  cluster: string;
  tier: string;
  /** The installed nats-server's version. */
  serverVersion: string;
  /** The JetStream meta leader the servers name; undefined when none is known. */
  metaLeader: string | undefined;
  /** Whether clients need a user's creds; false for a leaf site that runs without auth. */
  operatorMode: boolean;
  /** Every server's client URL; a client given all fails over between them. */
  clientUrls: string[];
  /** Every server's monitoring URL, which needs no creds. */
  monitorUrls: string[];
  servers: ServerStatus[];
  streams: StreamStatus[];
}

/** A JetStream manager of one account, on a connection to the cluster. */
export interface AccountManager {
  account: string;
  jsm: JetStreamManager;
}

/**
 * Reads the cluster's state; each account's streams are listed through its own manager. `operatorMode` false:
 * a cluster without auth, such as a leaf site that names no local account.
 */
export async function readStatus(local: LocalCluster, managers: readonly AccountManager[], installed: ServerVersion, operatorMode: boolean): Promise<ClusterStatus> {
  const streams: StreamStatus[] = [];
  for (const { account, jsm } of managers) {
    for await (const info of jsm.streams.list()) {
      streams.push({
        account,
        name: info.config.name,
        replicas: info.config.num_replicas,
        storage: info.config.storage,
        messages: info.state.messages,
        leader: info.cluster?.leader,
      });
    }
  }
  return {
    cluster: local.name,
    tier: local.cluster.tier.name,
    serverVersion: formatServerVersion(installed),
    metaLeader: await local.metaLeader(),
    operatorMode,
    clientUrls: local.clientUrls,
    monitorUrls: local.servers.map((server) => `http://127.0.0.1:${server.ports.monitor}/`),
    servers: await Promise.all(
      local.servers.map(async (server) => ({
        name: server.name,
        pid: server.pid,
        running: server.running,
        client: server.ports.client,
        cluster: server.ports.cluster,
        monitor: server.ports.monitor,
        health: server.running ? await readHealth(server.ports.monitor) : "-",
      })),
    ),
    streams: streams.sort((a, b) => `${a.account}/${a.name}`.localeCompare(`${b.account}/${b.name}`)),
  };
}

/** The cluster's title, its server table and its stream table, as the CLI prints them. */
export function formatStatus(status: ClusterStatus): string {
  const clustered = status.servers.length > 1;
  const servers = formatTable(
    ["server", "state", "pid", "client", "cluster", "monitor", "role", "health"],
    status.servers.map((server) => [
      server.name,
      server.running ? "running" : "stopped",
      server.pid === undefined ? "-" : String(server.pid),
      String(server.client),
      clustered ? String(server.cluster) : "-",
      String(server.monitor),
      clustered && server.name === status.metaLeader ? "meta leader" : "",
      server.health,
    ]),
  );
  const streams =
    status.streams.length === 0
      ? "streams: none"
      : formatTable(
          ["account", "stream", "replicas", "storage", "messages", "leader"],
          status.streams.map((stream) => [stream.account, stream.name, `R${stream.replicas}`, stream.storage, String(stream.messages), stream.leader ?? "-"]),
        );
  const jetstream = clustered ? `meta leader ${status.metaLeader ?? "none"}` : "JetStream on a single server";
  const title = `cluster ${status.cluster} (${status.tier} tier, nats-server ${status.serverVersion}), ${jetstream}`;
  return [title, servers, streams].join("\n\n");
}

/** A creds file to connect with, and who it makes the client. */
export interface CredsFile {
  user: string;
  account: string;
  /** The creds file's absolute path. */
  file: string;
  /** Exists only for the local run (an account's admin), never deployed. */
  localOnly: boolean;
  /** The inbox prefix the user's client must set to read replies; undefined for the clients' default. */
  inboxPrefix?: string;
}

/** An example `nats` CLI command: its arguments after the connection flags. */
export interface ConnectExample {
  /** Whose creds it uses; unset for a cluster without auth (a leaf site). */
  user?: string;
  command: string;
  /** The cluster it runs against, when not the one `formatCredsHelp` is given. */
  urls?: readonly string[];
}

/** Where the cluster answers: every server's client URL and monitoring URL, and whether creds are needed. */
export function formatEndpoints(status: ClusterStatus): string {
  const how = status.operatorMode ? "with a user's creds; a connection without creds is refused" : "without creds: it runs without auth, as a leaf site with no local account does";
  return [`connect to cluster ${status.cluster} at ${status.clientUrls.join(",")} ${how}`, `monitoring (no creds needed): ${status.monitorUrls.join(" ")}`].join("\n");
}

/**
 * Every user's creds file, and example commands run against `urls` (the cluster holding the streams) unless an
 * example names its own. Paths are shown relative to `cwd`.
 */
export function formatCredsHelp(creds: readonly CredsFile[], examples: readonly ConnectExample[], urls: readonly string[], cwd = process.cwd()): string {
  const fileOf = new Map(creds.map((entry) => [entry.user, path.relative(cwd, entry.file) || entry.file]));
  const prefixOf = new Map(creds.map((entry) => [entry.user, entry.inboxPrefix]));
  const table = formatTable(
    ["user", "account", "creds file (owner-only)"],
    creds.map((entry) => [entry.user, entry.account, `${fileOf.get(entry.user)}${entry.localOnly ? "  (local only: JetStream admin)" : ""}`]),
  );
  const commands = examples
    .filter((example) => example.user === undefined || fileOf.has(example.user))
    .map((example, index) => {
      const prefix = example.user === undefined ? undefined : prefixOf.get(example.user);
      const creds = (example.user === undefined ? "" : `--creds ${fileOf.get(example.user)} `) + (prefix === undefined ? "" : `--inbox-prefix ${prefix} `);
      return `  ${index === 0 ? "e.g." : "    "} nats ${creds}-s ${(example.urls ?? urls).join(",")} ${example.command}`;
    });
  return ["the stack's users, and the admins of this local run:", table.replace(/^/gm, "  "), ...commands].join("\n");
}

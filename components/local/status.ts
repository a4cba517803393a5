/** What a running local cluster looks like: its servers, ports, leaders and streams, as a table. */
import { JetStreamManager } from "nats";
import { formatServerVersion, ServerVersion } from "../model/version";
import { LocalCluster } from "./local-cluster";
import { formatTable } from "./table";

export interface ServerStatus {
  name: string;
  pid: number | undefined;
  running: boolean;
  client: number;
  cluster: number;
  monitor: number;
}

export interface StreamStatus {
  name: string;
  replicas: number;
  storage: string;
  messages: number;
  leader: string | undefined;
}

export interface ClusterStatus {
  cluster: string;
  tier: string;
  serverVersion: string;
  metaLeader: string | undefined;
  servers: ServerStatus[];
  streams: StreamStatus[];
}

/** Reads the cluster's state; streams are listed through `jsm`, a connection to the cluster. */
export async function readStatus(local: LocalCluster, jsm: JetStreamManager, installed: ServerVersion): Promise<ClusterStatus> {
  const streams: StreamStatus[] = [];
  for await (const info of jsm.streams.list()) {
    streams.push({
      name: info.config.name,
      replicas: info.config.num_replicas,
      storage: info.config.storage,
      messages: info.state.messages,
      leader: info.cluster?.leader,
    });
  }
  return {
    cluster: local.name,
    tier: local.cluster.tier.name,
    serverVersion: formatServerVersion(installed),
    metaLeader: await local.metaLeader(),
    servers: local.servers.map((server) => ({
      name: server.name,
      pid: server.pid,
      running: server.running,
      client: server.ports.client,
      cluster: server.ports.cluster,
      monitor: server.ports.monitor,
    })),
    streams: streams.sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export function formatStatus(status: ClusterStatus): string {
  const clustered = status.servers.length > 1;
  const servers = formatTable(
    ["server", "state", "pid", "client", "cluster", "monitor", "role"],
    status.servers.map((server) => [
      server.name,
      server.running ? "running" : "stopped",
      server.pid === undefined ? "-" : String(server.pid),
      String(server.client),
      clustered ? String(server.cluster) : "-",
      String(server.monitor),
      clustered && server.name === status.metaLeader ? "meta leader" : "",
    ]),
  );
  const streams =
    status.streams.length === 0
      ? "streams: none"
      : formatTable(
          ["stream", "replicas", "storage", "messages", "leader"],
          status.streams.map((stream) => [stream.name, `R${stream.replicas}`, stream.storage, String(stream.messages), stream.leader ?? "-"]),
        );
  const jetstream = clustered ? `meta leader ${status.metaLeader ?? "none"}` : "JetStream on a single server";
  const title = `cluster ${status.cluster} (${status.tier} tier, nats-server ${status.serverVersion}), ${jetstream}`;
  return [title, servers, streams].join("\n\n");
}

/** How to reach the cluster: every server's client URL (a client given all fails over between them). */
export function formatConnectHelp(local: LocalCluster): string {
  const urls = local.clientUrls;
  return [
    `connect to cluster ${local.name}:`,
    ...urls.map((url) => `  ${url}`),
    `  e.g. nats --server ${urls.join(",")} stream ls`,
    `monitoring: ${local.servers.map((server) => `http://127.0.0.1:${server.ports.monitor}/`).join(" ")}`,
  ].join("\n");
}

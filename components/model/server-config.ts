/**
 * One server's nats.conf, built from one small section per concern and merged, as the official chart
 * splits its config. Both back ends call `renderServer`; only the placement differs.
 */
import { Cluster } from "./cluster";
import { ConfBlock, mergeConf, renderConf } from "./conf";
import { ServerPlacement } from "./placement";
import { atLeast, formatServerVersion, OPTION_SINCE, ServerVersion } from "./version";

export interface RenderOptions {
  /** Render for this server version instead of the cluster's (the local back end renders for the installed binary). */
  targetVersion?: ServerVersion;
  /** Further sections (accounts, gateways, leaf nodes) merged after the cluster's own. */
  extraSections?: ConfBlock[];
}

/** One server's config, as data and as nats.conf text. */
export interface RenderedServer {
  /** The merged config as data, for tests and tools that read it. */
  config: ConfBlock;
  /** nats.conf text. */
  text: string;
  /** Options the cluster asks for that the target version does not know, with why each was left out. */
  omitted: string[];
}

function serverSection(cluster: Cluster, placement: ServerPlacement): ConfBlock {
  return {
    server_name: placement.serverName,
    host: placement.listenHost,
    port: placement.ports.client,
    http_port: placement.ports.monitor,
    pid_file: placement.pidFile,
    max_payload: cluster.limits.maxPayload,
    max_pending: cluster.limits.maxPending,
    max_connections: cluster.limits.maxConnections,
    write_deadline: cluster.limits.writeDeadline,
    lame_duck_duration: cluster.lameDuck.duration,
    lame_duck_grace_period: cluster.lameDuck.gracePeriod,
  };
}

function clusterSection(cluster: Cluster, placement: ServerPlacement): ConfBlock {
  if (cluster.servers === 1) return {};
  return {
    cluster: {
      name: cluster.name,
      host: placement.listenHost,
      port: placement.ports.cluster,
      routes: placement.routes,
      no_advertise: placement.noAdvertise,
    },
  };
}

function jetstreamSection(cluster: Cluster, placement: ServerPlacement, version: ServerVersion, omitted: string[]): ConfBlock {
  const jetstream: ConfBlock = {
    store_dir: placement.storeDir,
    max_memory_store: cluster.jetstream.maxMemoryStore,
    max_file_store: cluster.jetstream.maxFileStore,
    domain: cluster.jetstream.domain,
  };
  if (cluster.jetstream.syncAlways) {
    if (atLeast(version, OPTION_SINCE.syncInterval)) jetstream.sync_interval = "always";
    else {
      omitted.push(
        `jetstream.sync_interval: left out for nats-server ${formatServerVersion(version)} (needs ${OPTION_SINCE.syncInterval}); writes are acknowledged before fsync`,
      );
    }
  }
  return { jetstream };
}

export function renderServer(cluster: Cluster, placement: ServerPlacement, options: RenderOptions = {}): RenderedServer {
  const version = options.targetVersion ?? cluster.serverVersion;
  const omitted: string[] = [];
  const config = mergeConf(
    serverSection(cluster, placement),
    clusterSection(cluster, placement),
    jetstreamSection(cluster, placement, version, omitted),
    ...(options.extraSections ?? []),
  );
  const header = `nats-server ${formatServerVersion(version)} config for cluster ${cluster.name} (${cluster.tier.name} tier). Generated: edit the stack, not this file.`;
  return { config, text: renderConf(config, header), omitted };
}

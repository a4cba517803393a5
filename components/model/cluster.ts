/**
 * A JetStream cluster as a stack describes it (ClusterSpec) and as the back ends use it (Cluster): every
 * default filled from the tier, every quantity parsed, every rule checked.
 */
import { parseDurationSeconds, DURATION_RULE } from "./duration";
import { Problems } from "./errors";
import { natsServerImage } from "./images";
import { ClientTls, ClientTlsSpec, resolveClientTls } from "./link-tls";
import { dnsLabelRule, isDnsLabel, isNatsName, MAX_CLUSTER_NAME_LENGTH, NATS_NAME_RULE } from "./names";
import { formatBytes, MEBIBYTE, parseBytes, parseMillicores } from "./quantity";
import { PodSettings, PodSettingsSpec, resolvePodSettings } from "./pod-settings";
import { isTierName, StorageKind, Tier, TIER_NAMES, TIERS, TierName } from "./tiers";
import {
  atLeast,
  DEFAULT_SERVER_VERSION,
  OLDEST_SUPPORTED_VERSION,
  OPTION_SINCE,
  parseServerVersion,
  ServerVersion,
} from "./version";

/** Listening ports of every server in a cluster. */
export interface Ports {
  /** Where clients connect. Default 4222. */
  client: number;
  /** Routes between the servers of one cluster. Default 6222. */
  cluster: number;
  /** HTTP monitoring (`/healthz`, `/varz`). Default 8222. */
  monitor: number;
  /** Gateways between the clusters of a supercluster. Default 7222. */
  gateway: number;
  /** Leaf node links from leaf sites to a hub. Default 7422. */
  leafnodes: number;
  /** The prometheus-nats-exporter sidecar's metrics. Default 7777. */
  metrics: number;
}

export const DEFAULT_PORTS: Readonly<Ports> = {
  client: 4222,
  cluster: 6222,
  monitor: 8222,
  gateway: 7222,
  leafnodes: 7422,
  metrics: 7777,
};

/** Connection limits written into every server's config. */
export interface LimitsSpec {
  /** Largest message a client may publish (Kubernetes-style quantity, e.g. "1Mi"). Default 1Mi. */
  maxPayload?: string;
  /** Largest backlog buffered for one client before it is cut off as a slow consumer. Default 64Mi. */
  maxPending?: string;
  /** How long a write to a client may block before the client is dropped. Default "10s". */
  writeDeadline?: string;
  /** Most client connections one server accepts. Default 65536. */
  maxConnections?: number;
}

/** Lame-duck mode: how a server hands its clients to its peers before it stops. */
export interface LameDuckSpec {
  /** Time over which clients are closed, spread out so they reconnect gradually. Default "30s". */
  duration?: string;
  /** Time to wait after entering lame duck before closing the first client. Default "10s". */
  gracePeriod?: string;
}

/** JetStream's storage and defaults on every server of a cluster. */
export interface JetStreamSpec {
  /** Memory-backed stream storage per server. Default: half the memory limit, leaving 256Mi for the process. */
  maxMemoryStore?: string;
  /** File-backed stream storage per server. Default: 90% of the volume, leaving filesystem headroom. */
  maxFileStore?: string;
  /** Sync every write to disk before acknowledging it. Default from the tier (off in dev, on otherwise). */
  syncAlways?: boolean;
  /** Replicas a stream gets when it does not name a count. Default R1 in a one-server cluster, else R3. */
  streamReplicas?: number;
  /** JetStream domain, for hub-and-leaf topologies: a NATS name (no '.', '*', '>' or spaces). Default none. */
  domain?: string;
}

/** A JetStream cluster as a stack describes it. Only `name` and `tier` are required. */
export interface ClusterSpec {
  /** Cluster name: the NATS cluster name and the prefix of every Kubernetes object of the cluster; a DNS label. */
  name: string;
  /** Sizing tier: dev, small, medium or large (see TierName); every figure below defaults from it. */
  tier: TierName;
  /** Number of servers. Default from the tier; 1 only in dev, otherwise 3 or 5 as the tier allows. */
  servers?: number;
  /** CPU request per server, a CPU quantity such as "500m" or "2". Default from the tier: 1, 2, 4 or 8. No CPU limit is set. */
  cpu?: string;
  /** Memory request and limit per server, a quantity of at least 512Mi. Default from the tier: 512Mi, 2Gi, 8Gi or 16Gi. */
  memory?: string;
  /** JetStream volume size per server, a quantity such as "20Gi". Default from the tier: 1Gi, 20Gi, 100Gi or 500Gi. */
  volumeSize?: string;
  /** StorageClass of the JetStream volumes; unset uses the tier's class (the cluster default in dev). */
  storageClass?: string;
  /** nats-server version the config is rendered for and the image runs, 2.9.0 or newer. Default: the version of the nats image the package pins. */
  serverVersion?: string;
  /** Container image; default the official image of serverVersion (see natsServerImage). Another image must have /bin/sh and sleep, as the official -alpine images do: the preStop hook runs them. */
  image?: string;
  /** Kubernetes namespace of the cluster's objects, a DNS label. Default "nats". */
  namespace?: string;
  /** Listening ports, each a whole number from 1 to 65535 that no other listener uses. Default: the NATS defaults (4222, 6222, 8222, ...). */
  ports?: Partial<Ports>;
  /** Connection limits written into every server's config. Default: NATS's own limits. */
  limits?: LimitsSpec;
  /** How a server hands its clients to its peers before it stops. Default: 30s over a 10s grace period. */
  lameDuck?: LameDuckSpec;
  /** JetStream storage and defaults. Default: sized from the tier's memory and volume. */
  jetstream?: JetStreamSpec;
  /** TLS on the servers' own listeners. Default none: plain TCP. */
  tls?: ClusterTlsSpec;
  /** Node selector, tolerations, priority class, image pull secrets, labels and annotations of the server pods. Default none; a cluster on a NATS node pool gets the pool's selector and toleration. */
  pod?: PodSettingsSpec;
}

/** TLS on a cluster's listeners; gateways and leaf links take theirs from the topology (gatewayTls, leafnodesTls). */
export interface ClusterTlsSpec {
  /** TLS on the client port, with certificates from a cert-manager issuer or a Secret; `verify: true` requires client certificates too. */
  client?: ClientTlsSpec;
}

/** A validated cluster with every default filled in. */
export interface Cluster {
  /** Cluster name, as given. */
  name: string;
  /** The tier the figures default from. */
  tier: Tier;
  /** Number of servers: 1, 3 or 5. */
  servers: number;
  /** Kubernetes namespace of the cluster's objects. */
  namespace: string;
  /** CPU request per server, as given or from the tier. */
  cpu: string;
  /** Memory request and limit per server, as given or from the tier. */
  memory: string;
  /** `memory` in bytes. */
  memoryBytes: number;
  /** Soft memory limit for the Go runtime: 85% of the memory limit, so GC tightens before the OOM killer. */
  goMemLimitBytes: number;
  /** JetStream volume size per server, as given or from the tier. */
  volumeSize: string;
  /** `volumeSize` in bytes. */
  volumeBytes: number;
  /** StorageClass name, or undefined for the Kubernetes cluster's default class. */
  storageClass: string | undefined;
  /** The kind of disk the tier asks for: the cluster's default class, SSD or NVMe. */
  storageKind: StorageKind;
  /** nats-server version the config is rendered for. */
  serverVersion: ServerVersion;
  /** Container image of nats-server. */
  image: string;
  /** Listening ports, defaults filled in. */
  ports: Ports;
  /** Connection limits, sizes in bytes. */
  limits: { maxPayload: number; maxPending: number; writeDeadline: string; maxConnections: number };
  /** Lame-duck timings, as nats-server durations. */
  lameDuck: { duration: string; gracePeriod: string };
  /** Long enough for the whole lame-duck sequence plus time for the process to exit. */
  terminationGracePeriodSeconds: number;
  /** JetStream's limits per server, sizes in bytes, and its defaults. */
  jetstream: {
    maxMemoryStore: number;
    maxFileStore: number;
    /** Whether `sync_interval: always` is wanted (the renderer leaves it out for servers older than 2.10). */
    syncAlways: boolean;
    streamReplicas: number;
    domain: string | undefined;
  };
  /** TLS on the client port. Undefined: plain TCP. */
  clientTls: ClientTls | undefined;
  /** Scheduling, pull secrets, labels and annotations of the server pods; empty where none are given. */
  pod: PodSettings;
}

/** Memory the nats-server process needs besides its memory store (the operations guide's minimum). */
export const PROCESS_MEMORY_HEADROOM = 256 * MEBIBYTE;
/** Share of a volume JetStream may fill: the rest is filesystem overhead and room for compaction. */
export const FILE_STORE_SHARE = 0.9;
export const GOMEMLIMIT_SHARE = 0.85;
export const MIN_MEMORY = 512 * MEBIBYTE;
/** nats-server refuses payloads over 64MB outright. */
export const MAX_PAYLOAD_CEILING = 64 * MEBIBYTE;
/** nats-server refuses a lame_duck_duration under 30 seconds. */
export const MIN_LAME_DUCK_SECONDS = 30;
/** Seconds a pod gets after lame duck ends before the kubelet kills it. */
const EXIT_MARGIN_SECONDS = 20;

/** Default StorageClass names per storage kind; the AWS module creates classes of these names. */
export const STORAGE_CLASS_FOR: Readonly<Record<StorageKind, string | undefined>> = {
  default: undefined,
  ssd: "nats-ssd",
  nvme: "nats-nvme",
};

function roundDownToMebibyte(bytes: number): number {
  return Math.floor(bytes / MEBIBYTE) * MEBIBYTE;
}

function checkQuantity(problems: Problems, path: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const bytes = typeof value === "string" ? parseBytes(value) : undefined;
  if (bytes === undefined || bytes <= 0) {
    problems.add(path, value, 'use a Kubernetes quantity such as "512Mi", "20Gi" or "1Ti"');
    return undefined;
  }
  return bytes;
}

function checkDuration(problems: Problems, path: string, value: string): number | undefined {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) problems.add(path, value, DURATION_RULE);
  return seconds;
}

function checkPorts(problems: Problems, path: string, given: Partial<Ports> | undefined): Ports {
  const ports: Ports = { ...DEFAULT_PORTS, ...(given ?? {}) };
  const seen = new Map<number, string>();
  for (const [key, port] of Object.entries(ports) as [keyof Ports, number][]) {
    if (!(key in DEFAULT_PORTS)) {
      problems.add(`${path}.${key}`, port, `name one of ${Object.keys(DEFAULT_PORTS).join(", ")}`);
      continue;
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.add(`${path}.${key}`, port, "use a whole number from 1 to 65535");
      continue;
    }
    const clash = seen.get(port);
    if (clash) problems.add(`${path}.${key}`, port, `use a port no other listener uses (${clash} has it)`);
    else seen.set(port, key);
  }
  return ports;
}

/**
 * Checks a cluster description and fills in its defaults. Problems are collected into `problems` under
 * `path`; the result is only meaningful when no problem was added.
 */
export function resolveCluster(spec: ClusterSpec, path: string, problems: Problems): Cluster {
  const given = (spec ?? {}) as Partial<ClusterSpec>;
  if (!isDnsLabel(given.name, MAX_CLUSTER_NAME_LENGTH)) {
    problems.add(`${path}.name`, given.name, dnsLabelRule(MAX_CLUSTER_NAME_LENGTH));
  }
  const tierOk = isTierName(given.tier);
  if (!tierOk) problems.add(`${path}.tier`, given.tier, `use one of ${TIER_NAMES.join(", ")}`);
  const tier = tierOk ? TIERS[given.tier as TierName] : TIERS.dev;

  const servers = given.servers ?? tier.servers;
  if (tierOk && !tier.allowedServers.includes(servers)) {
    problems.add(
      `${path}.servers`,
      servers,
      `a ${tier.name} cluster runs ${tier.allowedServers.join(" or ")} servers` +
        (servers > 1 && servers % 2 === 0 ? " (an even count gains no fault tolerance over one less)" : ""),
    );
  }

  const namespace = given.namespace ?? "nats";
  if (!isDnsLabel(namespace)) problems.add(`${path}.namespace`, namespace, dnsLabelRule());

  const cpu = given.cpu ?? tier.cpu;
  const millicores = parseMillicores(cpu);
  if (millicores === undefined || millicores <= 0) {
    problems.add(`${path}.cpu`, cpu, 'use a CPU quantity such as "500m", "1" or "2.5"');
  }

  const memory = given.memory ?? tier.memory;
  const memoryBytes = checkQuantity(problems, `${path}.memory`, memory) ?? parseBytes(tier.memory)!;
  if (memoryBytes < MIN_MEMORY && parseBytes(memory) !== undefined) {
    problems.add(`${path}.memory`, memory, `give each server at least ${formatBytes(MIN_MEMORY)}`);
  }

  const volumeSize = given.volumeSize ?? tier.volumeSize;
  const volumeBytes = checkQuantity(problems, `${path}.volumeSize`, volumeSize) ?? parseBytes(tier.volumeSize)!;

  if (given.storageClass !== undefined && !isDnsLabel(given.storageClass, 253)) {
    problems.add(`${path}.storageClass`, given.storageClass, "name an existing StorageClass (a DNS name)");
  }

  const versionText = given.serverVersion ?? DEFAULT_SERVER_VERSION;
  let serverVersion = parseServerVersion(versionText);
  if (!serverVersion || !atLeast(serverVersion, OLDEST_SUPPORTED_VERSION)) {
    problems.add(`${path}.serverVersion`, versionText, `use a nats-server version ${OLDEST_SUPPORTED_VERSION} or newer, such as "${DEFAULT_SERVER_VERSION}"`);
    serverVersion = parseServerVersion(DEFAULT_SERVER_VERSION)!;
  }

  const ports = checkPorts(problems, `${path}.ports`, given.ports);

  const limitsSpec = given.limits ?? {};
  const maxPayload = checkQuantity(problems, `${path}.limits.maxPayload`, limitsSpec.maxPayload ?? "1Mi") ?? MEBIBYTE;
  const maxPending = checkQuantity(problems, `${path}.limits.maxPending`, limitsSpec.maxPending ?? "64Mi") ?? 64 * MEBIBYTE;
  if (maxPayload > MAX_PAYLOAD_CEILING) {
    problems.add(`${path}.limits.maxPayload`, limitsSpec.maxPayload, "use at most 64Mi (nats-server refuses more; 8Mi is the advised ceiling)");
  } else if (maxPayload > maxPending) {
    problems.add(`${path}.limits.maxPayload`, limitsSpec.maxPayload, `use at most limits.maxPending (${formatBytes(maxPending)}), or a client could never be sent one message`);
  }
  const writeDeadline = limitsSpec.writeDeadline ?? "10s";
  checkDuration(problems, `${path}.limits.writeDeadline`, writeDeadline);
  const maxConnections = limitsSpec.maxConnections ?? 65536;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    problems.add(`${path}.limits.maxConnections`, maxConnections, "use a whole number of at least 1");
  }

  const lameDuck = { duration: given.lameDuck?.duration ?? "30s", gracePeriod: given.lameDuck?.gracePeriod ?? "10s" };
  const duckSeconds = checkDuration(problems, `${path}.lameDuck.duration`, lameDuck.duration);
  const graceSeconds = checkDuration(problems, `${path}.lameDuck.gracePeriod`, lameDuck.gracePeriod);
  if (duckSeconds !== undefined && duckSeconds < MIN_LAME_DUCK_SECONDS) {
    problems.add(`${path}.lameDuck.duration`, lameDuck.duration, `use at least ${MIN_LAME_DUCK_SECONDS}s; nats-server refuses a shorter lame duck`);
  } else if (duckSeconds !== undefined && graceSeconds !== undefined && graceSeconds >= duckSeconds) {
    problems.add(`${path}.lameDuck.gracePeriod`, lameDuck.gracePeriod, `use less than lameDuck.duration (${lameDuck.duration}); nats-server refuses otherwise`);
  }
  const terminationGracePeriodSeconds = Math.ceil((duckSeconds ?? 30) + (graceSeconds ?? 10)) + EXIT_MARGIN_SECONDS;

  const js = given.jetstream ?? {};
  const defaultMemoryStore = roundDownToMebibyte(Math.min(memoryBytes / 2, memoryBytes - PROCESS_MEMORY_HEADROOM));
  const maxMemoryStore = checkQuantity(problems, `${path}.jetstream.maxMemoryStore`, js.maxMemoryStore) ?? defaultMemoryStore;
  if (js.maxMemoryStore !== undefined && maxMemoryStore > memoryBytes - PROCESS_MEMORY_HEADROOM) {
    problems.add(
      `${path}.jetstream.maxMemoryStore`,
      js.maxMemoryStore,
      `use at most ${formatBytes(Math.max(0, memoryBytes - PROCESS_MEMORY_HEADROOM))}: the memory limit (${memory}) less ${formatBytes(PROCESS_MEMORY_HEADROOM)} for the server process`,
    );
  }
  const fileStoreCeiling = roundDownToMebibyte(volumeBytes * FILE_STORE_SHARE);
  const maxFileStore = checkQuantity(problems, `${path}.jetstream.maxFileStore`, js.maxFileStore) ?? fileStoreCeiling;
  if (js.maxFileStore !== undefined && maxFileStore > fileStoreCeiling) {
    problems.add(
      `${path}.jetstream.maxFileStore`,
      js.maxFileStore,
      `use at most ${formatBytes(fileStoreCeiling)}: 90% of the volume (${volumeSize}), leaving room for the filesystem`,
    );
  }
  const syncAlways = js.syncAlways ?? tier.syncAlways;
  if (js.syncAlways === true && !atLeast(serverVersion, OPTION_SINCE.syncInterval)) {
    problems.add(`${path}.jetstream.syncAlways`, true, `needs nats-server ${OPTION_SINCE.syncInterval} or newer (serverVersion is ${versionText}); set it false or raise serverVersion`);
  }
  const streamReplicas = js.streamReplicas ?? (servers === 1 ? 1 : 3);
  checkReplicas(problems, `${path}.jetstream.streamReplicas`, streamReplicas, servers);
  if (js.domain !== undefined && !isNatsName(js.domain)) {
    problems.add(`${path}.jetstream.domain`, js.domain, NATS_NAME_RULE);
  }

  return {
    name: given.name ?? "",
    tier,
    servers,
    namespace,
    cpu,
    memory,
    memoryBytes,
    goMemLimitBytes: roundDownToMebibyte(memoryBytes * GOMEMLIMIT_SHARE),
    volumeSize,
    volumeBytes,
    storageClass: given.storageClass ?? STORAGE_CLASS_FOR[tier.storage],
    storageKind: tier.storage,
    serverVersion,
    image: given.image ?? natsServerImage(versionText.replace(/^v/, "")),
    ports,
    limits: { maxPayload, maxPending, writeDeadline, maxConnections },
    lameDuck,
    terminationGracePeriodSeconds,
    jetstream: { maxMemoryStore, maxFileStore, syncAlways, streamReplicas, domain: js.domain },
    clientTls: resolveClientTls(given.tls?.client, `${path}.tls.client`, problems),
    pod: resolvePodSettings(given.pod, `${path}.pod`, problems),
  };
}

/** Replica counts JetStream accepts (1 to 5), never more than the servers that would hold them. */
export function checkReplicas(problems: Problems, path: string, replicas: unknown, servers: number): void {
  const ceiling = Math.min(5, servers);
  if (!Number.isInteger(replicas) || (replicas as number) < 1 || (replicas as number) > ceiling) {
    problems.add(
      path,
      replicas,
      servers === 1
        ? "use 1: a one-server cluster holds a single replica"
        : `use a replica count from 1 to ${ceiling} (the cluster has ${servers} servers)`,
    );
  }
}

/** Resolves one cluster on its own, throwing a ValidationError that lists every problem. */
export function validateCluster(spec: ClusterSpec, path = "cluster"): Cluster {
  const problems = new Problems();
  const cluster = resolveCluster(spec, path, problems);
  problems.throwIfAny();
  return cluster;
}

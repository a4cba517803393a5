/**
 * Reads a local server's monitoring endpoints (/healthz, /jsz, /varz): the same endpoints the pods'
 * probes and exporter read, so readiness here means what it means in Kubernetes.
 */
import { LOOPBACK } from "./ports";

/** How long one monitoring request may take before the server counts as not answering. */
const REQUEST_TIMEOUT_MS = 1_000;

/** The parts of /jsz this package reads. */
export interface JetStreamReport {
  /** Present only when the server runs in a JetStream cluster. */
  meta_cluster?: {
    name?: string;
    leader?: string;
    cluster_size?: number;
    replicas?: { name: string; current: boolean; offline?: boolean }[];
  };
  streams: number;
  consumers: number;
  messages: number;
  account_details?: {
    name: string;
    stream_detail?: {
      name: string;
      state: { messages: number; first_seq: number; last_seq: number };
      /** The stream's group as this server sees it: no leader while it follows none (cut off, electing). */
      cluster?: { leader?: string };
    }[];
  }[];
}

async function getJson<T>(monitorPort: number, pathAndQuery: string): Promise<T> {
  const response = await fetch(`http://${LOOPBACK}:${monitorPort}${pathAndQuery}`, {
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return (await response.json()) as T;
}

/**
 * Whether /healthz answers "ok". In a JetStream cluster nats-server only says so once it is in contact
 * with a current meta leader and every stream and consumer it holds a replica of is current: a cluster
 * whose servers all say so has every replica in place.
 */
export async function isHealthy(monitorPort: number): Promise<boolean> {
  return (await readHealth(monitorPort)) === "ok";
}

/**
 * The full /healthz as a word: "ok", or nats-server's reason (the first stream or consumer it finds not
 * current, no meta leader), or "no answer". No probe reads it; it is how a stream's trouble shows.
 */
export async function readHealth(monitorPort: number): Promise<string> {
  try {
    const body = await getJson<{ status?: string; error?: string }>(monitorPort, "/healthz");
    return body.status === "ok" ? "ok" : (body.error ?? body.status ?? "unavailable");
  } catch {
    return "no answer";
  }
}

/** The server's JetStream report, or undefined when it does not answer. */
export async function readJetStream(monitorPort: number, query = ""): Promise<JetStreamReport | undefined> {
  try {
    return await getJson<JetStreamReport>(monitorPort, `/jsz${query}`);
  } catch {
    return undefined;
  }
}

/** The streams this one server holds a replica of, with its local state of each. */
export async function readLocalStreams(monitorPort: number): Promise<Map<string, { messages: number; lastSeq: number }>> {
  const report = await readJetStream(monitorPort, "?accounts=true&streams=true");
  const streams = new Map<string, { messages: number; lastSeq: number }>();
  for (const account of report?.account_details ?? []) {
    for (const stream of account.stream_detail ?? []) {
      streams.set(stream.name, { messages: stream.state.messages, lastSeq: stream.state.last_seq });
    }
  }
  return streams;
}

/** The parts of /gatewayz this package reads. */
export interface GatewayReport {
  /** The server's own gateway name, which is its cluster's name. */
  name?: string;
  /** The clusters this server has an outbound gateway connection to, by name. */
  outbound_gateways?: Record<string, unknown>;
}

/** The server's gateway report, or undefined when it does not answer. */
export async function readGateways(monitorPort: number): Promise<GatewayReport | undefined> {
  try {
    return await getJson<GatewayReport>(monitorPort, "/gatewayz");
  } catch {
    return undefined;
  }
}

/** One leaf connection as /leafz lists it (nats-server 2.9 does not name the server at the other end). */
export interface LeafConnection {
  /** The account the connection is bound to on this server (in operator mode its public key). */
  account: string;
  ip: string;
  /** The port at the other end: on a site, the hub server's leafnodes port; on the hub, the site's own. */
  port: number;
}

/** The server's leaf connections; none when it does not answer. */
export async function readLeafConnections(monitorPort: number): Promise<LeafConnection[]> {
  try {
    return (await getJson<{ leafs?: LeafConnection[] | null }>(monitorPort, "/leafz")).leafs ?? [];
  } catch {
    return [];
  }
}

/**
 * The interest each of the server's leaf connections carries from the other end: the subjects the remote side
 * has subscribers for (and its permissions let through), which this server forwards over the link. None when
 * the server does not answer.
 */
export async function readLeafInterest(monitorPort: number): Promise<string[][]> {
  try {
    const leafs = (await getJson<{ leafs?: { subscriptions_list?: string[] | null }[] | null }>(monitorPort, "/leafz?subs=1")).leafs ?? [];
    return leafs.map((leaf) => leaf.subscriptions_list ?? []);
  } catch {
    return [];
  }
}

/**
 * Whether the server passes an HTTP probe on `pathAndQuery` as the kubelet judges one: a status from 200 to
 * 399 within `timeoutMs` (the probe's timeoutSeconds), whatever the body says.
 */
export async function passesProbe(monitorPort: number, pathAndQuery: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<boolean> {
  try {
    const response = await fetch(`http://${LOOPBACK}:${monitorPort}${pathAndQuery}`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status >= 200 && response.status < 400;
  } catch {
    return false;
  }
}

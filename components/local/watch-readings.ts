/**
 * The figures the alert rules watch, read from a running local cluster's monitoring endpoints (/varz for a
 * server's JetStream storage, /jsz for its consumers): what the exporter reads in a pod. Each consumer is
 * taken from the server that leads it, as the rules take it from the leader's replica.
 */
import { Monitoring } from "../model/monitoring/monitoring";
import { ConsumerReading, ServerReading, WatchedFigure, watchedFigures } from "../model/monitoring/watch";
import { LocalCluster } from "./local-cluster";
import { LOOPBACK } from "./ports";
import { formatTable } from "./table";

const REQUEST_TIMEOUT_MS = 2_000;

/** The parts of /varz read here. */
interface VarzJetStream {
  jetstream?: { config?: { max_memory?: number; max_storage?: number }; stats?: { memory?: number; storage?: number } };
}

/** The parts of /jsz?accounts=true&streams=true&consumers=true&config=true read here. */
interface JszConsumers {
  now?: string;
  account_details?: {
    name: string;
    stream_detail?: {
      name: string;
      consumer_detail?: {
        name: string;
        config?: { max_ack_pending?: number; max_deliver?: number };
        delivered?: { last_active?: string };
        num_pending: number;
        num_ack_pending: number;
        num_redelivered: number;
        cluster?: { leader?: string };
      }[];
    }[];
  }[];
}

/** The endpoint's JSON; undefined when the server does not answer, which its status row already shows. */
async function getJson<T>(port: number, pathAndQuery: string): Promise<T | undefined> {
  try {
    const response = await fetch(`http://${LOOPBACK}:${port}${pathAndQuery}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return (await response.json()) as T;
  } catch {
    return undefined;
  }
}

/** Each running server's JetStream storage, and each consumer from the server that leads it. */
export async function readWatchReadings(local: LocalCluster): Promise<{ servers: ServerReading[]; consumers: ConsumerReading[] }> {
  const servers: ServerReading[] = [];
  const consumers = new Map<string, ConsumerReading>();
  for (const server of local.servers.filter((candidate) => candidate.running)) {
    const varz = await getJson<VarzJetStream>(server.ports.monitor, "/varz");
    const jsz = await getJson<JszConsumers>(server.ports.monitor, "/jsz?accounts=true&streams=true&consumers=true&config=true");
    if (varz === undefined || jsz === undefined) continue;
    servers.push({
      server: server.name,
      storage: varz.jetstream?.stats?.storage ?? 0,
      maxStorage: varz.jetstream?.config?.max_storage ?? 0,
      memory: varz.jetstream?.stats?.memory ?? 0,
      maxMemory: varz.jetstream?.config?.max_memory ?? 0,
    });
    const now = jsz.now === undefined ? Date.now() : Date.parse(jsz.now);
    for (const account of jsz.account_details ?? []) {
      for (const stream of account.stream_detail ?? []) {
        for (const consumer of stream.consumer_detail ?? []) {
          // A replica that does not lead reports its own view; a consumer outside a cluster has no leader named.
          const leader = consumer.cluster?.leader;
          if (leader !== undefined && leader !== server.name) continue;
          const lastActive = consumer.delivered?.last_active;
          consumers.set(`${account.name}/${stream.name}/${consumer.name}`, {
            stream: stream.name,
            consumer: consumer.name,
            pending: consumer.num_pending,
            ackPending: consumer.num_ack_pending,
            maxAckPending: consumer.config?.max_ack_pending ?? 0,
            redelivered: consumer.num_redelivered,
            maxDeliver: consumer.config?.max_deliver ?? 0,
            secondsSinceDelivery: lastActive === undefined || lastActive.startsWith("0001-") ? undefined : Math.max(0, (now - Date.parse(lastActive)) / 1000),
          });
        }
      }
    }
  }
  return { servers, consumers: [...consumers.values()].sort((a, b) => `${a.stream}/${a.consumer}`.localeCompare(`${b.stream}/${b.consumer}`)) };
}

/** The cluster's key figures against the stack's thresholds, read from its servers. */
export async function readWatchedFigures(local: LocalCluster, monitoring: Monitoring): Promise<WatchedFigure[]> {
  const readings = await readWatchReadings(local);
  return watchedFigures(monitoring, readings.servers, readings.consumers);
}

/** The figures as a table, each crossed threshold marked with `!` in the first column. */
export function formatWatchedFigures(cluster: string, figures: readonly WatchedFigure[]): string {
  const crossed = figures.filter((figure) => figure.crossed).length;
  const table = formatTable(
    ["", "of", "figure", "now", "alert at", "alert"],
    figures.map((figure) => [figure.crossed ? "!" : "", figure.subject, figure.figure, figure.value, figure.threshold, figure.alert]),
  );
  return [`key metrics of cluster ${cluster} (the alert rules' thresholds; ${crossed === 0 ? "none crossed" : `${crossed} crossed, marked !`}):`, table].join("\n");
}

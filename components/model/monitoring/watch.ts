/**
 * The production checklist's key figures of a running cluster, each against the threshold its alert rule
 * uses, so a status read from the servers' own monitoring endpoints marks what would page: a consumer's
 * pending messages and named lag, unacknowledged messages at maxAckPending, redeliveries, the time since a
 * consumer with pending work got a delivery (the heartbeat gap), and each server's JetStream storage.
 * The thresholds come from the same resolved `monitoring` as the rules (alert-rules.ts).
 */
import { Monitoring } from "./monitoring";

/** One consumer as its leader reports it in /jsz. */
export interface ConsumerReading {
  stream: string;
  consumer: string;
  pending: number;
  ackPending: number;
  /** The consumer's max_ack_pending; -1 or 0 for none. */
  maxAckPending: number;
  redelivered: number;
  /** The consumer's max_deliver; -1 or 0 for no limit. */
  maxDeliver: number;
  /** Seconds since its last delivery; undefined when it never delivered. */
  secondsSinceDelivery: number | undefined;
}

/** One server's JetStream use as its /varz reports it. */
export interface ServerReading {
  server: string;
  storage: number;
  maxStorage: number;
  memory: number;
  maxMemory: number;
}

/** One figure with the threshold it is held to, and whether it crosses it. */
export interface WatchedFigure {
  /** The server, or the stream/consumer, the figure is of. */
  subject: string;
  /** What is measured, as the checklist names it. */
  figure: string;
  value: string;
  /** The threshold as the alert compares it, e.g. "> 1000". */
  threshold: string;
  /** The alert that pages when it is crossed long enough. */
  alert: string;
  crossed: boolean;
}

function percentOf(used: number, limit: number): number {
  return limit > 0 ? (used * 100) / limit : 0;
}

function consumerFigures(monitoring: Monitoring, reading: ConsumerReading): WatchedFigure[] {
  const { thresholds } = monitoring;
  const subject = `${reading.stream}/${reading.consumer}`;
  const figures: WatchedFigure[] = [
    { subject, figure: "pending", value: String(reading.pending), threshold: `> ${thresholds.consumerPending}`, alert: "NatsConsumerPending", crossed: reading.pending > thresholds.consumerPending },
  ];
  const lag = monitoring.consumerLag.find((rule) => rule.stream === reading.stream && rule.consumer === reading.consumer);
  if (lag !== undefined) figures.push({ subject, figure: "lag", value: String(reading.pending), threshold: `> ${lag.pending}`, alert: "NatsConsumerLag", crossed: reading.pending > lag.pending });
  if (reading.maxAckPending > 0) {
    const atMax = Math.max(1, Math.ceil((reading.maxAckPending * thresholds.ackPendingPercent) / 100));
    figures.push({ subject, figure: "ack pending", value: String(reading.ackPending), threshold: `>= ${atMax}`, alert: "NatsConsumerAckPendingAtMax", crossed: reading.ackPending >= atMax });
  }
  if (reading.maxDeliver > 0) {
    figures.push({ subject, figure: "redelivered", value: String(reading.redelivered), threshold: `>= ${thresholds.redelivered}`, alert: "NatsConsumerRedeliveries", crossed: reading.redelivered >= thresholds.redelivered });
  }
  if (reading.pending > 0 && reading.secondsSinceDelivery !== undefined) {
    const since = Math.floor(reading.secondsSinceDelivery);
    figures.push({ subject, figure: "since last delivery", value: `${since}s`, threshold: `> ${thresholds.heartbeatGapSeconds}s`, alert: "NatsConsumerInactive", crossed: reading.secondsSinceDelivery > thresholds.heartbeatGapSeconds });
  }
  return figures;
}

function serverFigures(monitoring: Monitoring, reading: ServerReading): WatchedFigure[] {
  const percent = monitoring.thresholds.storagePercent;
  const figure = (name: string, used: number, limit: number, alert: string): WatchedFigure => ({
    subject: reading.server,
    figure: name,
    value: `${percentOf(used, limit).toFixed(1)}%`,
    threshold: `> ${percent}%`,
    alert,
    crossed: limit > 0 && (used * 100) / limit > percent,
  });
  return [figure("file storage", reading.storage, reading.maxStorage, "NatsServerStorageHigh"), figure("memory storage", reading.memory, reading.maxMemory, "NatsServerMemoryStoreHigh")];
}

/** The figures of one cluster: each server's storage, then each consumer's, in the order given. */
export function watchedFigures(monitoring: Monitoring, servers: readonly ServerReading[], consumers: readonly ConsumerReading[]): WatchedFigure[] {
  return [...servers.flatMap((reading) => serverFigures(monitoring, reading)), ...consumers.flatMap((reading) => consumerFigures(monitoring, reading))];
}

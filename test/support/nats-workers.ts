/**
 * A worker pool for fault tests: workers on their own connections pull from one durable consumer and ack
 * each message, recording every delivery, so a test can tell a redelivery after a missing ack (allowed) from a
 * message handed out twice without one (not allowed).
 */
import { ConsumerMessages, jetstream } from "@nats-io/jetstream";
import { connect, NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, JetStreamManager, nanos } from "nats";
import { LocalCluster } from "../../components/local";
import { waitFor } from "./nats-client";

export interface Delivery {
  msgId: string;
  /** The stream sequence of the message delivered. */
  seq: number;
  /**
   * The consumer sequence the server gave this delivery. A consumer leader issues each one once and in
   * increasing order, so a number that goes back shows that a new leader resumed from older replicated state.
   */
  consumerSeq: number;
  worker: number;
  /** The server said this delivery is a redelivery (a previous one was not acknowledged in time). */
  redelivered: boolean;
  at: number;
}

/** What the deliveries say once the pool has worked everything off. */
export interface WorkAudit {
  /** Distinct messages processed. */
  processed: number;
  /** Messages delivered more than once where the server marked a later delivery as a redelivery (its ack went missing or came too late). */
  redelivered: number;
  /**
   * Messages handed out again unmarked by a consumer leader that resumed from older replicated state: the
   * later delivery's consumer sequence is not above the earlier one's, or was already issued to another
   * delivery. The old leader's record of the first delivery (and of its ack) had not reached the new leader.
   */
  replayedAfterLeaderChange: string[];
  /** Messages delivered more than once where a later delivery is neither marked as a redelivery nor a replay. */
  unexplainedDuplicates: string[];
}

export interface WorkerPoolOptions {
  stream: string;
  durable: string;
  workers: number;
  /** How long the server waits for an ack before it redelivers. */
  ackWaitMs: number;
  /** Deliveries after which the server gives a message up (unlimited when absent). */
  maxDeliver?: number;
  /** The stream sequence the consumer starts at (the stream's first when absent). */
  startSeq?: number;
  /** Messages the workers fail (nak, so they are redelivered at once) every time they get them. */
  fails?: (msgId: string) => boolean;
  /** Client URLs the workers connect to (every server of the cluster when absent), to keep them on one side of a partition. */
  servers?: string[];
  /**
   * How long each pull request lasts (the client's default of 30 s when absent). A pull request waits on the
   * consumer leader that took it; when that leader is cut off, the client only pulls again from the new one
   * once the request expires or its heartbeats stop, so a shorter one resumes the work sooner.
   */
  pullExpiresMs?: number;
}

/** The pool's durable explicit-ack consumer; adding it again with the same settings leaves it as it is. */
export async function addWorkConsumer(jsm: JetStreamManager, options: WorkerPoolOptions): Promise<void> {
  await jsm.consumers.add(options.stream, {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs),
    max_ack_pending: 1_000,
    ...(options.maxDeliver === undefined ? {} : { max_deliver: options.maxDeliver }),
    ...(options.startSeq === undefined ? {} : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.startSeq }),
  });
}

export class WorkerPool {
  readonly deliveries: Delivery[] = [];
  private readonly connections: NatsConnection[] = [];
  private readonly subscriptions: ConsumerMessages[] = [];
  private readonly loops: Promise<void>[] = [];
  /** What each worker's subscription and connection reported last (heartbeats missed, pulls, reconnects, its loop's end), for a timeout's message. */
  private readonly events = new Map<number, string[]>();

  /** The consumer's leaders as polled every second, each with when it was first seen, for a failure's message. */
  private readonly leaders: { leader: string; at: number }[] = [];
  private leaderWatch: ReturnType<typeof setInterval> | undefined;

  private constructor(private readonly options: WorkerPoolOptions) {}

  /** Adds the durable consumer (see addWorkConsumer) and starts the workers, each on a connection of its own. */
  static async start(local: LocalCluster, jsm: JetStreamManager, options: WorkerPoolOptions): Promise<WorkerPool> {
    await addWorkConsumer(jsm, options);
    const pool = new WorkerPool(options);
    for (let worker = 0; worker < options.workers; worker++) await pool.startWorker(local, worker);
    pool.watchLeader(jsm);
    return pool;
  }

  /** Records each change of the consumer's leader; a poll that goes unanswered (a fault in progress) is skipped. */
  private watchLeader(jsm: JetStreamManager): void {
    let polling = false;
    this.leaderWatch = setInterval(() => {
      if (polling) return;
      polling = true;
      jsm.consumers
        .info(this.options.stream, this.options.durable)
        .then((info) => {
          const leader = info.cluster?.leader ?? "none";
          if (this.leaders.at(-1)?.leader !== leader) this.leaders.push({ leader, at: Date.now() });
        })
        .catch(() => undefined)
        .finally(() => (polling = false));
    }, 1_000);
  }

  /**
   * A worker on the maintained client's consume loop. Under a rolling restart the older `nats` 2.x loop was
   * seen to stop pulling for good: a pull answered "409 Leadership Change" carries no pending count, so the
   * loop waits for missed heartbeats to pull again, and none was reported afterwards. Its reconnect handling
   * leaves the heartbeat monitor off when an earlier reset is still retrying; the 3.x loop turns the monitor
   * back on after every reconnect.
   */
  private async startWorker(local: LocalCluster, worker: number): Promise<void> {
    const nc = await connect({
      servers: this.options.servers ?? local.clientUrls,
      ...(this.options.servers ? { ignoreClusterUpdates: true } : {}),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
      timeout: 5_000,
    });
    this.connections.push(nc);
    const consumer = await jetstream(nc).consumers.get(this.options.stream, this.options.durable);
    const messages = await consumer.consume({ max_messages: 50, ...(this.options.pullExpiresMs === undefined ? {} : { expires: this.options.pullExpiresMs }) });
    this.subscriptions.push(messages);
    const record = (event: string): void => {
      this.events.set(worker, [...(this.events.get(worker) ?? []), `${clockTime(Date.now())} ${event}`].slice(-8));
    };
    void (async () => {
      for await (const { type, ...details } of messages.status()) record(`${type} ${JSON.stringify(details)}`);
    })().catch((error: Error) => record(`status stream failed: ${error.message}`));
    void (async () => {
      for await (const { type } of nc.status()) if (type === "disconnect" || type === "reconnect") record(`connection ${type}`);
    })().catch((error: Error) => record(`connection status failed: ${error.message}`));
    this.loops.push(
      (async () => {
        for await (const message of messages) {
          const msgId = message.headers?.get("Nats-Msg-Id") || `(no id at ${message.seq})`;
          this.deliveries.push({ msgId, seq: message.seq, consumerSeq: message.info.deliverySequence, worker, redelivered: message.redelivered, at: Date.now() });
          if (this.options.fails?.(msgId)) message.nak();
          else message.ack();
        }
        record("message loop ended");
      })().catch((error: Error) => record(`message loop failed: ${error.message}`)),
    );
  }

  /**
   * Waits until the consumer has handed out every message and holds no unacknowledged one; fails after
   * `timeoutMs` with the consumer's last counts.
   */
  async waitUntilWorkedOff(jsm: JetStreamManager, timeoutMs: number): Promise<void> {
    let last = "no consumer info";
    await waitFor(`consumer ${this.options.durable} to be worked off`, timeoutMs, async () => {
      const info = await jsm.consumers.info(this.options.stream, this.options.durable);
      last = `${info.num_pending} pending, ${info.num_ack_pending} awaiting ack`;
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    }).catch((error: Error) => {
      const lastDelivery = this.deliveries.at(-1);
      throw new Error(
        `${error.message}; last seen: ${last}; last delivery at ${lastDelivery ? clockTime(lastDelivery.at) : "none"}; ${this.leaderHistory()}; ${this.workerEvents()}`,
      );
    });
  }

  /** The consumer's leaders seen, e.g. `consumer leaders: rolling3-1 from 10:02:03.120, rolling3-0 from 10:02:09.871`. */
  private leaderHistory(): string {
    return `consumer leaders: ${this.leaders.map(({ leader, at }) => `${leader} from ${clockTime(at)}`).join(", ") || "none seen"}`;
  }

  /** What each worker's subscription and connection last reported, e.g. `worker 0: 10:02:03.120 connection reconnect | ...`. */
  private workerEvents(): string {
    return [...this.events].map(([worker, events]) => `worker ${worker}: ${events.join(" | ")}`).join("; ") || "no worker reported an event";
  }

  async stop(): Promise<void> {
    clearInterval(this.leaderWatch);
    for (const messages of this.subscriptions) messages.stop();
    await Promise.allSettled(this.loops);
    await Promise.all(this.connections.map((nc) => nc.close()));
  }

  /** The ids of acknowledged messages no worker of the pool ever received. */
  neverReceived(acknowledged: readonly { msgId: string }[]): string[] {
    const received = new Set(this.deliveries.map((delivery) => delivery.msgId));
    return acknowledged.filter((ack) => !received.has(ack.msgId)).map((ack) => ack.msgId);
  }

  /**
   * The acknowledged messages no worker received, and for a test's failure message what tells where each was
   * lost: the deliveries around it, the consumer sequences the workers never saw, the consumer's own counts
   * and what each worker's subscription last reported.
   */
  async unreceived(jsm: JetStreamManager, acknowledged: readonly { msgId: string; seq: number }[]): Promise<{ missing: string[]; explanation: string }> {
    const missingIds = new Set(this.neverReceived(acknowledged));
    if (missingIds.size === 0) return { missing: [], explanation: "every acknowledged message was received" };
    const consumer = await jsm.consumers
      .info(this.options.stream, this.options.durable)
      .then(
        (info) =>
          `consumer delivered up to stream seq ${info.delivered.stream_seq} (consumer seq ${info.delivered.consumer_seq}), ack floor stream seq ${info.ack_floor.stream_seq}, ` +
          `${info.num_pending} pending, ${info.num_ack_pending} awaiting ack, ${info.num_redelivered} redelivered, leader ${info.cluster?.leader ?? "none"}`,
      )
      .catch((error: Error) => `consumer info failed: ${error.message}`);
    const missing = acknowledged.filter((ack) => missingIds.has(ack.msgId));
    return { missing: missing.map((ack) => ack.msgId), explanation: [explainUnreceived(this.deliveries, missing), consumer, this.leaderHistory(), this.workerEvents()].join("; ") };
  }

  audit(): WorkAudit {
    return auditDeliveries(this.deliveries);
  }
}

/**
 * Sorts repeated deliveries, in the order they were received, into those the server marked as redeliveries,
 * those a consumer leader replayed after taking over from older state, and the rest, which no failure explains.
 */
export function auditDeliveries(deliveries: readonly Delivery[]): WorkAudit {
  const byId = new Map<string, Delivery[]>();
  const issued = new Map<number, number>();
  for (const delivery of deliveries) {
    byId.set(delivery.msgId, [...(byId.get(delivery.msgId) ?? []), delivery]);
    issued.set(delivery.consumerSeq, (issued.get(delivery.consumerSeq) ?? 0) + 1);
  }
  const repeated = [...byId].filter(([, received]) => received.length > 1);
  const replayed = (received: Delivery[], index: number) =>
    received[index].consumerSeq <= received[index - 1].consumerSeq || (issued.get(received[index].consumerSeq) ?? 0) > 1;
  const unmarked = (received: Delivery[]) => received.map((delivery, index) => ({ delivery, index })).filter(({ delivery, index }) => index > 0 && !delivery.redelivered);
  return {
    processed: byId.size,
    redelivered: repeated.filter(([, received]) => received.slice(1).some((delivery) => delivery.redelivered)).length,
    replayedAfterLeaderChange: repeated
      .filter(([, received]) => unmarked(received).length > 0 && unmarked(received).every(({ index }) => replayed(received, index)))
      .map(([id]) => id),
    unexplainedDuplicates: repeated.filter(([, received]) => unmarked(received).some(({ index }) => !replayed(received, index))).map(([id]) => id),
  };
}

/** A time of day to the millisecond (UTC), e.g. `10:02:03.120`, as the failure messages show it. */
function clockTime(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}

/** A delivery as a failure message shows it: stream and consumer sequence, worker, time, redelivery flag. */
function describeDelivery(delivery: Delivery | undefined): string {
  if (!delivery) return "none";
  return `stream seq ${delivery.seq} as consumer seq ${delivery.consumerSeq} to worker ${delivery.worker} at ${clockTime(delivery.at)}${delivery.redelivered ? " (redelivered)" : ""}`;
}

/**
 * Where messages no worker received sit among the deliveries: for each (the first five), the deliveries of
 * the stream sequences just below and above it; and the consumer sequences below the highest received that
 * no worker got. A missing consumer sequence is a delivery the server issued that never arrived; none missing
 * means the consumer never issued the message at all.
 */
export function explainUnreceived(deliveries: readonly Delivery[], missing: readonly { msgId: string; seq: number }[]): string {
  const neighbours = missing.slice(0, 5).map(({ msgId, seq }) => {
    const below = deliveries.filter((delivery) => delivery.seq < seq).reduce<Delivery | undefined>((best, delivery) => (!best || delivery.seq > best.seq ? delivery : best), undefined);
    const above = deliveries.filter((delivery) => delivery.seq > seq).reduce<Delivery | undefined>((best, delivery) => (!best || delivery.seq < best.seq ? delivery : best), undefined);
    return `${msgId} (stream seq ${seq}): before it ${describeDelivery(below)}; after it ${describeDelivery(above)}`;
  });
  const received = new Set(deliveries.map((delivery) => delivery.consumerSeq));
  const highest = Math.max(0, ...received);
  const skipped: number[] = [];
  for (let consumerSeq = 1; consumerSeq < highest; consumerSeq++) if (!received.has(consumerSeq)) skipped.push(consumerSeq);
  const gaps = skipped.length === 0 ? "no consumer sequence up to the highest received is missing" : `consumer sequences never received: ${skipped.slice(0, 10).join(", ")}${skipped.length > 10 ? ` (${skipped.length} in all)` : ""}`;
  return [`${missing.length} never received`, ...neighbours, gaps].join("; ");
}

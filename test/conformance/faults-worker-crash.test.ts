/**
 * A worker that dies holding jobs, and a job that keeps failing, while publishers keep writing: the dead worker's
 * jobs go to the others once their ack wait runs out, and the failing job is given up at the consumer's
 * max deliver with the server's max-deliveries advisory, the dead-letter signal alerts are built on.
 */
import { JSONCodec } from "nats";
import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model";
import { connectToCluster, waitFor } from "../support/nats-client";
import { auditAndReport, FAULT_STREAM, loadedClusters } from "../support/nats-faults";
import { addWorkConsumer, WorkerPool, WorkerPoolOptions } from "../support/nats-workers";

const CLUSTER = validateCluster({ name: "workers3", tier: "small" });
const POISON_ID = "poison-1";
const JOBS: WorkerPoolOptions = {
  stream: FAULT_STREAM,
  durable: "jobs",
  workers: 2,
  ackWaitMs: 2_000,
  maxDeliver: 3,
  fails: (msgId) => msgId === POISON_ID,
};

/** The fields of io.nats.jetstream.advisory.v1.max_deliver this test reads. */
interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

describe("a worker pool under load when a worker crashes", () => {
  const startLoad = loadedClusters();

  it("redelivers a dead worker's jobs after the ack wait and gives a failing job up at max deliver", { timeout: 90_000 }, async () => {
    const { local, nc, jsm, publisher } = await startLoad(CLUSTER, 3);
    const advisories: MaxDeliveriesAdvisory[] = [];
    const codec = JSONCodec<MaxDeliveriesAdvisory>();
    const advisorySubscription = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${FAULT_STREAM}.${JOBS.durable}`, {
      callback: (error, message) => {
        if (!error) advisories.push(codec.decode(message.data));
      },
    });
    // The consumer starts at the failing job, so it is in the first batch a worker takes.
    const poison = await nc.jetstream().publish("faults.load", "poison", { msgID: POISON_ID });
    const WORK = { ...JOBS, startSeq: poison.seq };
    await addWorkConsumer(jsm, WORK);

    // The worker that dies takes a batch, the poison job among them, and its process goes without acking any.
    const doomed = await connectToCluster(local);
    const batch = await (await doomed.jetstream().consumers.get(FAULT_STREAM, WORK.durable)).fetch({ max_messages: 20, expires: 5_000 });
    const held: { msgId: string; seq: number }[] = [];
    for await (const message of batch) held.push({ msgId: message.headers?.get("Nats-Msg-Id") ?? "", seq: message.seq });
    await doomed.close();
    const crashedAt = Date.now();
    expect(held.map((job) => job.msgId)).toContain(POISON_ID);

    const pool = await WorkerPool.start(local, jsm, WORK);
    try {
      await waitFor("the max-deliveries advisory for the failing job", 30_000, async () => (advisories.length > 0 ? true : undefined));
      await publisher.waitForMore(100, 15_000);
      await publisher.stop();
      await pool.waitUntilWorkedOff(jsm, 30_000);

      const takeovers = held.map((job) => pool.deliveries.find((delivery) => delivery.msgId === job.msgId));
      const redeliveryDelays = takeovers.map((delivery) => (delivery ? (delivery.at - crashedAt) / 1000 : Infinity));
      const poisonDeliveries = pool.deliveries.filter((delivery) => delivery.msgId === POISON_ID).length + 1;
      const processedIds = new Set([...pool.deliveries.map((delivery) => delivery.msgId), ...held.map((job) => job.msgId)]);
      const unprocessed = publisher.acknowledged.filter((ack) => ack.seq > poison.seq && !processedIds.has(ack.msgId)).map((ack) => ack.msgId);
      await auditAndReport("worker crash", local, nc, publisher, {
        "held-by-dead-worker": `${held.length}`,
        "redelivered-after": `${Math.min(...redeliveryDelays).toFixed(1)}-${Math.max(...redeliveryDelays).toFixed(1)}s`,
        "failing-job-deliveries": `${poisonDeliveries}`,
        "max-deliveries-advisories": `${advisories.length}`,
      });

      expect(takeovers.every((delivery) => delivery?.redelivered), "every job the dead worker held redelivered to another worker").toBe(true);
      // The server checks ack waits on a timer, so a job comes back after its ack wait, never before it.
      expect(Math.min(...redeliveryDelays)).toBeGreaterThanOrEqual(WORK.ackWaitMs / 1000 - 0.5);
      expect(poisonDeliveries).toBe(WORK.maxDeliver);
      expect(advisories).toEqual([expect.objectContaining({ stream: FAULT_STREAM, consumer: WORK.durable, stream_seq: poison.seq, deliveries: WORK.maxDeliver })]);
      expect(unprocessed, "acknowledged messages the worker pool never received").toEqual([]);
      expect(pool.audit().unexplainedDuplicates, "messages delivered twice without a redelivery or a new consumer leader's replay").toEqual([]);
    } finally {
      advisorySubscription.unsubscribe();
      await pool.stop();
    }
  });
});

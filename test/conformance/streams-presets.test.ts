/**
 * The Lightdash and DagNATS streams, consumers and buckets, created on real nats-server from the same
 * settings objects the NACK objects are written from: the server must accept them and report back exactly
 * those settings, on one server and on a three-server cluster.
 */
import { JetStreamManager, NatsConnection, StreamInfo } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, validateCluster } from "../../components/model/cluster";
import { consumerSettings, keyValueSettings, nanoseconds, streamSettings } from "../../components/model/jetstream-config";
import { JetStreamResourceSet, validateJetStreamResourceSet } from "../../components/model/jetstream-resource-set";
import { dagnatsJetStream, DagnatsSpec, taskConsumerName } from "../../components/workloads/dagnats-objects";
import { goDuration } from "../../components/workloads/go-duration";
import { LightdashSpec, lightdashStreams, WAREHOUSE_CONSUMER, WAREHOUSE_STREAM } from "../../components/workloads/lightdash-objects";
import { nackObjects } from "../../components/workloads/nack-objects";
import { connectToCluster, waitFor } from "../support/nats-client";
import { startTestCluster, TestCluster } from "../support/nats-cluster";

const lightdash: LightdashSpec = {
  namespace: "lightdash",
  image: "lightdash/lightdash:0.2675.0",
  account: "LIGHTDASH",
  nats: { enabled: true, url: "nats://nats.nats.svc:4222" },
  api: { creds: { name: "lightdash-api-creds" } },
  warehouseWorker: { enabled: true, user: "warehouse", creds: { name: "warehouse-creds" } },
  preAggregateWorker: { enabled: true, user: "pre-aggregate", creds: { name: "pre-aggregate-creds" }, concurrency: 20 },
  secretName: "lightdash-secrets",
};

const dagnats: DagnatsSpec = {
  namespace: "dagnats",
  image: "dagnats/dagnats:latest",
  account: "DAGNATS",
  natsUrl: "nats://nats.nats.svc:4222",
  stickyTasks: true,
  engine: { creds: { name: "dagnats-engine-creds" } },
  taskPools: [
    { name: "llm", taskTypes: ["summarize", "classify"], user: "llm-workers", creds: { name: "llm-creds" } },
    { name: "io", taskTypes: ["fetch"], user: "io-workers", creds: { name: "io-creds" } },
  ],
  webhookSecret: "not-used-here",
  bridgeToken: "not-used-here",
};

/**
 * The two presets' streams and buckets, checked as a stack would check them. Without operator mode every
 * stream lives in one account on the server; the subjects of the two presets do not overlap, so they fit.
 */
function presetResources(cluster: Cluster): JetStreamResourceSet {
  const engine = dagnatsJetStream(dagnats, cluster);
  return validateJetStreamResourceSet(
    { streams: [...lightdashStreams(lightdash), ...engine.streams], keyValues: engine.keyValues },
    {
      cluster,
      accounts: [
        { name: "LIGHTDASH", users: [{ name: "warehouse" }, { name: "pre-aggregate" }] },
        { name: "DAGNATS", users: [{ name: "llm-workers" }, { name: "io-workers" }] },
      ],
    },
  );
}

/** How long one JetStream API request may take before the test fails on it. */
const JETSTREAM_API_TIMEOUT_MS = 20_000;

/** Creates every stream, consumer and bucket and checks what the server reports back against the settings and the NACK objects. */
async function createAndCompare(nc: NatsConnection, resources: JetStreamResourceSet): Promise<void> {
  // Each R3 create is a proposal through the meta group and then the new stream's own group; on two loaded
  // cores that can take longer than the client's 5 s default, so each request gets a longer deadline.
  const jsm = await nc.jetstreamManager({ timeout: JETSTREAM_API_TIMEOUT_MS });
  const js = nc.jetstream({ timeout: JETSTREAM_API_TIMEOUT_MS });
  const nack = nackObjects(resources, { namespace: "nats", credsPath: (account) => `/etc/nack/creds/${account}/user.creds` });

  for (const stream of resources.streams) {
    const settings = streamSettings(stream);
    // The client adds fields to the object it is given, so it gets its own copy.
    const { config } = await jsm.streams.add(streamSettings(stream));
    expect(config).toMatchObject(settings);
    expect({ name: config.name, retention: config.retention, storage: config.storage, replicas: config.num_replicas }).toEqual({
      name: stream.name,
      retention: stream.retention,
      storage: stream.storage,
      replicas: stream.replicas,
    });
    const object = nack.streams.find((candidate) => candidate.spec.name === stream.name)!;
    expect(object.spec).toMatchObject({
      retention: config.retention,
      storage: config.storage,
      replicas: config.num_replicas,
      maxBytes: config.max_bytes,
      maxMsgs: config.max_msgs,
      discard: config.discard,
      duplicateWindow: goDuration(config.duplicate_window),
      subjects: config.subjects,
    });
    expect(object.spec.maxAge).toBe(config.max_age > 0 ? goDuration(config.max_age) : undefined);

    for (const consumer of stream.consumers) {
      const consumerConfig = consumerSettings(consumer);
      const info = await jsm.consumers.add(stream.name, consumerSettings(consumer));
      expect(info.config).toMatchObject(consumerConfig);
      const consumerObject = nack.consumers.find((candidate) => candidate.spec.durableName === consumer.durable)!;
      expect(consumerObject.spec).toMatchObject({
        streamName: stream.name,
        ackPolicy: info.config.ack_policy,
        ackWait: goDuration(info.config.ack_wait!),
        maxDeliver: info.config.max_deliver,
        maxAckPending: info.config.max_ack_pending,
      });
      expect(consumerObject.spec.filterSubject).toBe(info.config.filter_subject || undefined);
    }
  }

  // Buckets are independent of each other, so they are created at once to keep the test short.
  await Promise.all(resources.keyValues.map((kv) => js.views.kv(kv.bucket, keyValueSettings(kv))));
  for (const kv of resources.keyValues) {
    const { config } = await jsm.streams.info(kv.streamName);
    expect({ history: config.max_msgs_per_subject, maxAge: config.max_age, replicas: config.num_replicas, storage: config.storage }).toEqual({
      history: kv.history,
      maxAge: kv.ttlSeconds === undefined ? 0 : nanoseconds(kv.ttlSeconds),
      replicas: kv.replicas,
      storage: kv.storage,
    });
    const object = nack.keyValues.find((candidate) => candidate.spec.bucket === kv.bucket)!;
    expect(object.spec).toMatchObject({ history: config.max_msgs_per_subject, replicas: config.num_replicas, storage: config.storage, maxBytes: config.max_bytes });
    expect(object.spec.ttl).toBe(config.max_age > 0 ? goDuration(config.max_age) : undefined);
  }
}

async function streamState(jsm: JetStreamManager, name: string): Promise<StreamInfo["state"]> {
  return (await jsm.streams.info(name)).state;
}

/** A job published to a work-queue stream is pulled, acknowledged, removed, and not delivered again. */
async function runOneJob(nc: NatsConnection): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const ack = await js.publish("warehouse.query.jobs", JSON.stringify({ queryUuid: "3f1c" }));
  expect(ack.stream).toBe(WAREHOUSE_STREAM);
  expect((await streamState(jsm, WAREHOUSE_STREAM)).messages).toBe(1);

  const consumer = await js.consumers.get(WAREHOUSE_STREAM, WAREHOUSE_CONSUMER);
  const job = await consumer.next({ expires: 5_000 });
  expect(job?.json()).toEqual({ queryUuid: "3f1c" });
  expect(await job!.ackAck()).toBe(true);

  // The ack is confirmed by the consumer's leader. With replicas, the server answering for the stream removes the
  // message when it applies the replicated ack, possibly a moment later, so the state is read until it has.
  await waitFor(`${WAREHOUSE_STREAM} to drop the acknowledged job`, 5_000, async () =>
    (await streamState(jsm, WAREHOUSE_STREAM)).messages === 0 ? true : undefined,
  );
  expect(await consumer.next({ expires: 1_000 })).toBeNull();
  const info = await jsm.consumers.info(WAREHOUSE_STREAM, WAREHOUSE_CONSUMER);
  expect({ pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered }).toEqual({ pending: 0, ackPending: 0, redelivered: 0 });
}

for (const servers of [1, 3]) {
  describe(`the presets' JetStream resources on ${servers} server(s)`, () => {
    const cluster = validateCluster({ name: `presets${servers}`, tier: "dev", servers });
    const resources = presetResources(cluster);
    let running: TestCluster;
    let nc: NatsConnection;

    beforeAll(async () => {
      running = await startTestCluster(cluster);
      nc = await connectToCluster(running.local);
    }, 60_000);

    afterAll(async () => {
      await nc?.close();
      await running?.stop();
    }, 60_000);

    it("declares the streams, consumers and buckets with the cluster's replicas", () => {
      expect(resources.streams.map((stream) => stream.name)).toEqual([
        "WAREHOUSE_QUERY_JOBS",
        "PRE_AGGREGATE_QUERY_JOBS",
        "WORKFLOW_HISTORY",
        "TASK_QUEUES",
        "EVENTS",
        "DEAD_LETTERS",
        "SLEEP_TIMERS",
        "TELEMETRY",
        "TRIGGER_HISTORY",
        "STICKY_TASKS",
      ]);
      expect(new Set(resources.streams.map((stream) => stream.replicas))).toEqual(new Set([servers]));
      const tasks = resources.streams.find((stream) => stream.name === "TASK_QUEUES")!;
      expect(tasks.consumers.map((consumer) => consumer.durable)).toEqual(["summarize", "classify", "fetch"].map(taskConsumerName));
    });

    it("are accepted by the server with exactly the declared settings", { timeout: 60_000 }, async () => {
      await createAndCompare(nc, resources);
    });

    it("deliver a Lightdash job once: pulled, acknowledged, removed, never redelivered", { timeout: 30_000 }, async () => {
      await runOneJob(nc);
    });
  });
}

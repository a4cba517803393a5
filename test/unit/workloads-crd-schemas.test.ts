/**
 * The NACK and KEDA objects against their CRDs' OpenAPI schemas. The schemas below are transcribed from
 * NACK's v1beta2 CRDs (Stream, Consumer, KeyValue as the nats-io/k8s nack chart ships them) and KEDA's
 * ScaledObject (keda.sh/v1alpha1), every spec field listed; unknown fields are refused, as the API server
 * does under strict field validation.
 */
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { validateJetStreamResources } from "../../components/model/jetstream-resources";
import { dagnats, dagnatsJetStream, DagnatsSpec } from "../../components/workloads/dagnats";
import { clusterMonitoringEndpoint } from "../../components/workloads/keda";
import { lightdash, LightdashSpec, lightdashStreams } from "../../components/workloads/lightdash";
import { nackObjects } from "../../components/workloads/nack-objects";

const string = { type: "string" };
const integer = { type: "integer" };
const boolean = { type: "boolean" };
const strings = { type: "array", items: string };
const stringMap = { type: "object", additionalProperties: string };
const closed = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, required, additionalProperties: false });

/** Fields every NACK v1beta2 spec has for its connection and deletion behaviour. */
const connection = {
  account: { type: "string", pattern: "^[^.*>]*$" },
  creds: string,
  nkey: string,
  preventDelete: boolean,
  preventUpdate: boolean,
  servers: strings,
  tls: closed({ clientCert: string, clientKey: string, rootCas: strings }),
  tlsFirst: boolean,
  jsDomain: string,
};
const transform = closed({ source: string, dest: string });
const source = closed({
  name: string,
  optStartSeq: integer,
  optStartTime: string,
  filterSubject: string,
  externalApiPrefix: string,
  externalDeliverPrefix: string,
  subjectTransforms: { type: "array", items: transform },
});
const placement = closed({ cluster: string, tags: strings });
const republish = closed({ destination: string, source: string, headers_only: boolean });

const nackStreamSchema = closed({
  name: { type: "string", pattern: "^[^.*>]*$", minLength: 1 },
  description: string,
  subjects: { type: "array", items: { type: "string", minLength: 1 } },
  retention: { enum: ["limits", "interest", "workqueue"] },
  maxConsumers: { type: "integer", minimum: -1 },
  maxMsgs: { type: "integer", minimum: -1 },
  maxBytes: { type: "integer", minimum: -1 },
  discard: { enum: ["old", "new"] },
  discardPerSubject: boolean,
  maxAge: string,
  maxMsgsPerSubject: integer,
  maxMsgSize: { type: "integer", minimum: -1 },
  storage: { enum: ["file", "memory"] },
  replicas: { type: "integer", minimum: 1 },
  noAck: boolean,
  duplicateWindow: string,
  placement,
  mirror: source,
  sources: { type: "array", items: source },
  sealed: boolean,
  denyDelete: boolean,
  denyPurge: boolean,
  allowRollup: boolean,
  compression: { enum: ["s2", "none", ""] },
  firstSequence: { type: "number" },
  subjectTransform: transform,
  republish,
  allowDirect: boolean,
  mirrorDirect: boolean,
  allowMsgTtl: boolean,
  subjectDeleteMarkerTtl: string,
  allowMsgCounter: boolean,
  allowAtomicPublish: boolean,
  allowMsgSchedules: boolean,
  persistMode: string,
  consumerLimits: closed({ inactiveThreshold: string, maxAckPending: integer }),
  metadata: stringMap,
  ...connection,
});

const nackConsumerSchema = closed({
  durableName: { type: "string", pattern: "^[^.*>]+$", minLength: 1 },
  streamName: string,
  deliverPolicy: { enum: ["all", "last", "new", "byStartSequence", "byStartTime"] },
  optStartSeq: { type: "integer", minimum: 0 },
  optStartTime: string,
  deliverSubject: string,
  ackPolicy: { enum: ["none", "all", "explicit"] },
  ackWait: string,
  maxDeliver: { type: "integer", minimum: -1 },
  backoff: strings,
  filterSubject: string,
  filterSubjects: strings,
  replayPolicy: { enum: ["instant", "original"] },
  sampleFreq: string,
  maxWaiting: integer,
  rateLimitBps: integer,
  maxAckPending: integer,
  deliverGroup: string,
  description: string,
  flowControl: boolean,
  headersOnly: boolean,
  heartbeatInterval: string,
  maxRequestBatch: integer,
  maxRequestExpires: string,
  maxRequestMaxBytes: integer,
  inactiveThreshold: string,
  pauseUntil: string,
  priorityPolicy: string,
  pinnedTtl: string,
  priorityGroups: strings,
  replicas: integer,
  memStorage: boolean,
  metadata: stringMap,
  ...connection,
});

const nackKeyValueSchema = closed({
  bucket: string,
  description: string,
  maxValueSize: integer,
  history: integer,
  ttl: string,
  limitMarkerTtl: integer,
  maxBytes: integer,
  storage: { enum: ["file", "memory"] },
  replicas: { type: "integer", minimum: 1, maximum: 5 },
  placement,
  republish,
  mirror: source,
  compression: boolean,
  sources: { type: "array", items: source },
  ...connection,
});

const scaledObjectSchema = closed(
  {
    scaleTargetRef: closed({ apiVersion: string, kind: string, name: string, envSourceContainerName: string }, ["name"]),
    pollingInterval: integer,
    cooldownPeriod: integer,
    initialCooldownPeriod: integer,
    idleReplicaCount: integer,
    minReplicaCount: integer,
    maxReplicaCount: integer,
    fallback: { type: "object" },
    advanced: { type: "object" },
    triggers: {
      type: "array",
      items: closed(
        {
          type: string,
          name: string,
          metadata: stringMap,
          metricType: string,
          useCachedMetrics: boolean,
          authenticationRef: closed({ name: string, kind: string }, ["name"]),
        },
        ["type", "metadata"],
      ),
    },
  },
  ["scaleTargetRef", "triggers"],
);

/** The parts of the nats-jetstream trigger's metadata KEDA reads; it ignores other keys, so a misspelt one is refused here. */
const natsJetStreamMetadata = closed(
  {
    natsServerMonitoringEndpoint: string,
    account: string,
    stream: string,
    consumer: string,
    lagThreshold: { type: "string", pattern: "^[0-9]+$" },
    activationLagThreshold: { type: "string", pattern: "^[0-9]+$" },
    useHttps: { enum: ["true", "false"] },
  },
  ["natsServerMonitoringEndpoint", "account", "stream", "consumer"],
);

const ajv = new Ajv({ allErrors: true, strict: false });
const SCHEMAS: Record<string, object> = {
  "jetstream.nats.io/v1beta2/Stream": nackStreamSchema,
  "jetstream.nats.io/v1beta2/Consumer": nackConsumerSchema,
  "jetstream.nats.io/v1beta2/KeyValue": nackKeyValueSchema,
  "keda.sh/v1alpha1/ScaledObject": scaledObjectSchema,
};
const validators = Object.fromEntries(Object.entries(SCHEMAS).map(([key, schema]) => [key, ajv.compile(schema)]));
const validateTriggerMetadata = ajv.compile(natsJetStreamMetadata);

/** Every way the object's spec breaks its CRD schema; empty when valid. */
function crdProblems(object: { apiVersion: string; kind: string; metadata: unknown; spec: unknown }): string[] {
  const validate = validators[`${object.apiVersion}/${object.kind}`];
  if (!validate) return [`no schema for ${object.apiVersion} ${object.kind}`];
  const problems = validate(object.spec) ? [] : validate.errors!.map((error) => `spec${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
  if (object.kind === "ScaledObject") {
    for (const trigger of (object.spec as { triggers: { type: string; metadata: unknown }[] }).triggers) {
      if (trigger.type === "nats-jetstream" && !validateTriggerMetadata(trigger.metadata)) {
        problems.push(...validateTriggerMetadata.errors!.map((error) => `trigger metadata${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`));
      }
    }
  }
  const metadata = object.metadata as { name?: string; namespace?: string };
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(metadata.name ?? "")) problems.push(`metadata.name ${metadata.name} is not a DNS subdomain`);
  return problems;
}

const cluster = validateCluster({ name: "nats", tier: "small" });

const lightdashSpec: LightdashSpec = {
  namespace: "lightdash",
  image: "lightdash/lightdash:0.2675.0",
  account: "LIGHTDASH",
  nats: { enabled: true, url: "nats://nats.nats.svc:4222" },
  api: { creds: { name: "lightdash-api-creds" } },
  warehouseWorker: {
    enabled: true,
    user: "warehouse",
    creds: { name: "warehouse-creds" },
    autoscaling: { minReplicas: 1, maxReplicas: 10, account: "ACCOUNTPUBLICKEY", monitoringEndpoint: clusterMonitoringEndpoint(cluster) },
  },
  preAggregateWorker: { enabled: true, user: "pre-aggregate", creds: { name: "pre-aggregate-creds" } },
  secretName: "lightdash-secrets",
};

const dagnatsSpec: DagnatsSpec = {
  namespace: "dagnats",
  image: "dagnats/dagnats:1.0.0",
  account: "DAGNATS",
  natsUrl: "nats://nats.nats.svc:4222",
  engine: { creds: { name: "engine-creds" } },
  taskPools: [
    {
      name: "llm",
      taskTypes: ["summarize"],
      user: "llm",
      creds: { name: "llm-creds" },
      autoscaling: { minReplicas: 0, maxReplicas: 4, account: "ACCOUNTPUBLICKEY", monitoringEndpoint: clusterMonitoringEndpoint(cluster) },
    },
  ],
  webhookSecret: "w",
  bridgeToken: "b",
};

function presetObjects() {
  const engine = dagnatsJetStream(dagnatsSpec, cluster);
  const resources = validateJetStreamResources(
    { streams: [...lightdashStreams(lightdashSpec), ...engine.streams], keyValues: engine.keyValues },
    { cluster, accounts: [{ name: "LIGHTDASH", users: [{ name: "warehouse" }, { name: "pre-aggregate" }] }, { name: "DAGNATS", users: [{ name: "llm" }] }] },
  );
  const nack = nackObjects(resources, { namespace: "nats", credsPath: (account) => `/etc/nack/creds/${account}/user.creds` });
  const scaled = [lightdash(lightdashSpec, { resources }).warehouseWorker!.scaledObject!, dagnats(dagnatsSpec, { resources }).taskPools[0].scaledObject!];
  return { nack, scaled };
}

describe("NACK and KEDA objects against their CRD schemas", () => {
  const { nack, scaled } = presetObjects();

  it("builds a NACK object for every stream, consumer and bucket of both presets", () => {
    expect(nack.streams).toHaveLength(9);
    expect(nack.consumers).toHaveLength(3);
    expect(nack.keyValues).toHaveLength(16);
  });

  it.each([...nack.streams, ...nack.consumers, ...nack.keyValues].map((object) => [`${object.kind} ${object.metadata.name}`, object] as const))(
    "%s fits its CRD",
    (_, object) => {
      expect(crdProblems(object as never)).toEqual([]);
    },
  );

  it("the ScaledObjects fit the CRD and carry the nats-jetstream trigger's keys", () => {
    for (const object of scaled) expect(crdProblems(object as never)).toEqual([]);
    expect(scaled[0].spec.triggers[0].metadata).toEqual({
      natsServerMonitoringEndpoint: "nats-headless.nats.svc.cluster.local:8222",
      account: "ACCOUNTPUBLICKEY",
      stream: "WAREHOUSE_QUERY_JOBS",
      consumer: "worker-warehouse",
      lagThreshold: "100",
      activationLagThreshold: "0",
      useHttps: "false",
    });
    expect(scaled[1].spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 4, scaleTargetRef: { kind: "Deployment", name: "dagnats-llm" } });
  });

  it("refuses an unknown field and a wrong type, so the checks above have teeth", () => {
    const stream = nack.streams[0];
    expect(crdProblems({ ...stream, spec: { ...stream.spec, maxAgeSeconds: 5 } } as never)[0]).toMatch(/must NOT have additional properties.*maxAgeSeconds/);
    expect(crdProblems({ ...stream, spec: { ...stream.spec, replicas: "3" } } as never)[0]).toMatch(/spec\/replicas must be integer/);
    const object = scaled[0];
    const trigger = { ...object.spec.triggers[0], metadata: { ...object.spec.triggers[0].metadata, lagTreshold: "5" } };
    expect(crdProblems({ ...object, spec: { ...object.spec, triggers: [trigger] } } as never)[0]).toMatch(/additional properties.*lagTreshold/);
  });
});

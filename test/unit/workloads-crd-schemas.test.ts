/**
 * The NACK and KEDA objects the builders return, against their CRDs' OpenAPI schemas (test/support/crd-schemas.ts):
 * the NACK schemas the package installs its CRDs with, transcribed from NACK's v1beta2 CRDs, and KEDA's
 * ScaledObject (keda.sh/v1alpha1), every spec field listed; unknown fields are refused, as the API server
 * does under strict field validation.
 */
import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { validateJetStreamResourceSet } from "../../components/model/jetstream-resource-set";
import { dagnats, dagnatsJetStream, DagnatsSpec } from "../../components/workloads/dagnats-objects";
import { clusterMonitoringEndpoint } from "../../components/kubernetes/apps/lag-scaling";
import { lightdash, LightdashSpec, lightdashStreams } from "../../components/workloads/lightdash-objects";
import { nackObjects } from "../../components/workloads/nack-objects";
import { schemaProblems } from "../support/k8s-schema";

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
  const resources = validateJetStreamResourceSet(
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
      expect(schemaProblems(object as never)).toEqual([]);
    },
  );

  it("the ScaledObjects fit the CRD and carry the nats-jetstream trigger's keys", () => {
    for (const object of scaled) expect(schemaProblems(object as never)).toEqual([]);
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
    expect(schemaProblems({ ...stream, spec: { ...stream.spec, maxAgeSeconds: 5 } } as never)).toEqual([".spec.maxAgeSeconds: unknown field"]);
    expect(schemaProblems({ ...stream, spec: { ...stream.spec, replicas: "3" } } as never)).toEqual([".spec.replicas: must be integer"]);
    expect(schemaProblems({ ...stream, metadata: { ...stream.metadata, name: "Jobs_Stream" } } as never)).toEqual(['.metadata.name: "Jobs_Stream" is not a DNS subdomain']);
    const object = scaled[0];
    const trigger = { ...object.spec.triggers[0], metadata: { ...object.spec.triggers[0].metadata, lagTreshold: "5" } };
    expect(schemaProblems({ ...object, spec: { ...object.spec, triggers: [trigger] } } as never)).toEqual([".spec.triggers[0].metadata.lagTreshold: unknown field"]);
  });
});

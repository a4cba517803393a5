/**
 * Every Kubernetes object the workload builders return, against the Kubernetes API schemas: types and
 * required fields from kubernetes-models, unknown fields from @kubernetes/client-node's field lists (the
 * method of test/support/k8s-schema.ts, applied here also to the kinds that file does not list).
 */
import * as clientModels from "@kubernetes/client-node/dist/gen/models/all.js";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { dagnats, DagnatsSpec } from "../../components/workloads/dagnats-objects";
import { clusterMonitoringEndpoint } from "../../components/kubernetes/apps/lag-scaling";
import { lightdash, LightdashSpec } from "../../components/workloads/lightdash-objects";
import { nackController } from "../../components/workloads/nack-controller";
import { kedaMonitorIngressRule } from "../../components/workloads/network-rules";
import { workerPool } from "../../components/workloads/worker-pool-objects";
import { schemaProblems } from "../support/k8s-schema";

type Attribute = { baseName: string; type: string };
const FIELD_MODELS = clientModels as unknown as Record<string, { getAttributeTypeMap(): Attribute[] } | undefined>;
const MODELS: Record<string, { model: new (data: object) => { validate(): void }; fields: string }> = {
  "apps/v1/Deployment": { model: Deployment, fields: "V1Deployment" },
  "rbac.authorization.k8s.io/v1/Role": { model: Role, fields: "V1Role" },
  "rbac.authorization.k8s.io/v1/RoleBinding": { model: RoleBinding as unknown as new (data: object) => { validate(): void }, fields: "V1RoleBinding" },
};

function unknownFields(value: unknown, typeName: string, path: string, found: string[]): void {
  if (value === null || value === undefined || typeof value !== "object") return;
  const array = /^Array<(.+)>$/.exec(typeName);
  if (array) return void (value as unknown[]).forEach((item, index) => unknownFields(item, array[1], `${path}[${index}]`, found));
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
  if (map) return void Object.entries(value).forEach(([key, item]) => unknownFields(item, map[1], `${path}.${key}`, found));
  const model = FIELD_MODELS[typeName];
  if (!model) return;
  const fields = new Map(model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute.type]));
  for (const [field, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const fieldType = fields.get(field);
    if (fieldType === undefined) found.push(`${path}.${field}: unknown field of ${typeName}`);
    else unknownFields(item, fieldType, `${path}.${field}`, found);
  }
}

/** Every way the object breaks the Kubernetes schema of its kind; empty when valid. */
function kubernetesProblems(object: unknown): string[] {
  const typed = object as { apiVersion: string; kind: string };
  const local = MODELS[`${typed.apiVersion}/${typed.kind}`];
  if (!local) return schemaProblems(object as Record<string, unknown>);
  const found: string[] = [];
  try {
    new local.model(object as object).validate();
  } catch (error) {
    found.push(String(error));
  }
  unknownFields(object, local.fields, "", found);
  return found;
}

const cluster = validateCluster({ name: "nats", tier: "small" });
const natsUrl = "nats://nats.nats.svc:4222";

const lightdashSpec: LightdashSpec = {
  namespace: "lightdash",
  image: "lightdash/lightdash:0.2675.0",
  account: "LIGHTDASH",
  nats: { enabled: true, url: natsUrl },
  api: { creds: { name: "lightdash-api-creds" } },
  warehouseWorker: { enabled: true, user: "warehouse", creds: { name: "warehouse-creds" } },
  preAggregateWorker: { enabled: true, user: "pre-aggregate", creds: { name: "pre-aggregate-creds" } },
  preAggregates: { enabled: true },
  secretName: "lightdash-secrets",
  env: { PGHOST: "postgres" },
};

const dagnatsSpec: DagnatsSpec = {
  namespace: "dagnats",
  image: "dagnats/dagnats:1.0.0",
  account: "DAGNATS",
  natsUrl,
  engine: { creds: { name: "engine-creds" } },
  taskPools: [{ name: "io", taskTypes: ["fetch"], user: "io", creds: { name: "io-creds" }, port: 9090 }],
  webhookSecret: "generated-elsewhere",
  bridgeToken: "generated-elsewhere",
};

function allObjects(): [string, unknown][] {
  const withName = (objects: unknown[]): [string, unknown][] =>
    objects.map((object) => {
      const typed = object as { kind: string; metadata: { name: string } };
      return [`${typed.kind} ${typed.metadata.name}`, object];
    });
  const pool = workerPool({
    name: "resizer",
    namespace: "apps",
    image: "example/resizer:1",
    natsUrl,
    creds: { name: "resizer-creds" },
    consumers: [{ stream: "IMAGES", durable: "resizer" }],
    concurrency: 8,
    port: 8080,
    probes: { liveness: { path: "/healthz" }, readiness: { path: "/ready" } },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    antiAffinity: "required",
    autoscaling: { maxReplicas: 5, account: "$G", monitoringEndpoint: clusterMonitoringEndpoint(cluster) },
  });
  const site = lightdash(lightdashSpec);
  const off = lightdash({ ...lightdashSpec, name: "lightdash-off", nats: { url: natsUrl }, warehouseWorker: undefined, preAggregateWorker: undefined, preAggregates: undefined });
  const engine = dagnats(dagnatsSpec);
  const controller = nackController({ namespace: "nats", natsUrl, accounts: [{ account: "LIGHTDASH", secretName: "nack-lightdash-creds" }, { account: "DAGNATS", secretName: "nack-dagnats-creds" }] });
  const policy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "nats", namespace: "nats" },
    spec: { podSelector: { matchLabels: { "app.kubernetes.io/name": "nats" } }, policyTypes: ["Ingress"], ingress: [kedaMonitorIngressRule(8222), site.natsIngressRule] },
  };
  return withName([
    pool.deployment,
    pool.podDisruptionBudget,
    site.configMap,
    site.api.deployment,
    site.api.podDisruptionBudget,
    site.api.service,
    site.warehouseWorker!.deployment,
    site.warehouseWorker!.podDisruptionBudget,
    site.preAggregateWorker!.deployment,
    off.configMap,
    off.api.deployment,
    engine.secret,
    engine.engine.deployment,
    engine.engine.service,
    engine.engine.podDisruptionBudget,
    engine.taskPools[0].deployment,
    engine.taskPools[0].podDisruptionBudget,
    controller.serviceAccount,
    controller.role,
    controller.roleBinding,
    controller.deployment,
    policy,
  ]);
}

describe("workload objects against the Kubernetes schemas", () => {
  it.each(allObjects())("%s is valid", (_, object) => {
    expect(kubernetesProblems(object)).toEqual([]);
  });

  it("finds a misspelt field, so the checks above have teeth", () => {
    const [, deployment] = allObjects()[0] as [string, { spec: { template: { spec: { containers: object[] } } } }];
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0] = { ...broken.spec.template.spec.containers[0], readinesProbe: {} };
    expect(kubernetesProblems(broken)).toEqual([".spec.template.spec.containers[0].readinesProbe: unknown field of V1Container"]);
  });
});

/**
 * The schemas of the custom resources the package creates, for test/support/k8s-schema.ts to check them
 * against, refusing unknown fields as the API server does under strict field validation.
 *
 * - NACK (`jetstream.nats.io/v1beta2` Stream, Consumer, KeyValue): the schemas the package installs its CRDs
 *   with (components/kubernetes/jetstream/nack-crd-schemas.ts), transcribed from NACK's own CRDs, every spec field
 *   listed. Each object schema is closed here, since a CRD schema cannot say `additionalProperties: false`.
 * - KEDA (`keda.sh/v1alpha1` ScaledObject): transcribed below from KEDA's CRD, with the keys of the
 *   nats-jetstream trigger's metadata, which KEDA reads from a free-form map and so would not refuse.
 * - prometheus-operator (`monitoring.coreos.com/v1` PodMonitor, PrometheusRule): transcribed below from its
 *   CRDs (example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml and _prometheusrules.yaml),
 *   the fields this package may set, with the CRDs' patterns and required fields; the field types are also
 *   checked by @kubernetes-models/prometheus-operator's validators (k8s-schema.ts).
 * - cert-manager (`cert-manager.io/v1` Certificate): transcribed below from cert-manager's CRD
 *   (deploy/crds/cert-manager.io_certificates.yaml), the fields the listeners' certificates may use, with
 *   the CRD's own enums and required fields.
 */
import { NACK_SPEC_SCHEMAS, OpenApiSchema } from "../../components/kubernetes/jetstream/nack-crd-schemas";

const string = { type: "string" };
const integer = { type: "integer" };
const boolean = { type: "boolean" };
const stringMap = { type: "object", additionalProperties: string };
const closed = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, required, additionalProperties: false });

/** The schema with every object that lists its properties closed to others. */
function closedSchema(schema: OpenApiSchema): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...schema };
  if (schema.properties !== undefined) {
    copy.properties = Object.fromEntries(Object.entries(schema.properties).map(([field, inner]) => [field, closedSchema(inner)]));
    copy.additionalProperties = false;
  }
  if (schema.items !== undefined) copy.items = closedSchema(schema.items);
  if (schema.additionalProperties !== undefined) copy.additionalProperties = closedSchema(schema.additionalProperties);
  return copy;
}

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
export const NATS_JETSTREAM_TRIGGER_METADATA = closed(
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

const strings = { type: "array", items: string };
const KEY_USAGES = [
  "signing", "digital signature", "content commitment", "key encipherment", "key agreement", "data encipherment", "cert sign", "crl sign",
  "encipher only", "decipher only", "any", "server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system",
  "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc",
];
const certificateSchema = closed(
  {
    secretName: string,
    secretTemplate: closed({ labels: stringMap, annotations: stringMap }),
    commonName: string,
    dnsNames: strings,
    ipAddresses: strings,
    uris: strings,
    duration: string,
    renewBefore: string,
    isCA: boolean,
    usages: { type: "array", items: { type: "string", enum: KEY_USAGES } },
    privateKey: closed({
      algorithm: { type: "string", enum: ["RSA", "ECDSA", "Ed25519"] },
      encoding: { type: "string", enum: ["PKCS1", "PKCS8"] },
      rotationPolicy: { type: "string", enum: ["Never", "Always"] },
      size: integer,
    }),
    issuerRef: closed({ group: string, kind: string, name: string }, ["name"]),
  },
  ["issuerRef", "secretName"],
);

const PROMETHEUS_DURATION = { type: "string", pattern: "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$" };
const labelSelector = closed({
  matchLabels: stringMap,
  matchExpressions: { type: "array", items: closed({ key: string, operator: string, values: strings }, ["key", "operator"]) },
});
const relabelConfig = closed({
  action: { type: "string", enum: ["replace", "Replace", "keep", "Keep", "drop", "Drop", "hashmod", "HashMod", "labelmap", "LabelMap", "labeldrop", "LabelDrop", "labelkeep", "LabelKeep", "lowercase", "Lowercase", "uppercase", "Uppercase", "keepequal", "KeepEqual", "dropequal", "DropEqual"] },
  modulus: integer,
  regex: string,
  replacement: string,
  separator: string,
  sourceLabels: { type: "array", items: { type: "string", pattern: "^[a-zA-Z_][a-zA-Z0-9_]*$" } },
  targetLabel: string,
});
const podMonitorSchema = closed(
  {
    jobLabel: string,
    podTargetLabels: strings,
    selector: labelSelector,
    namespaceSelector: closed({ any: boolean, matchNames: strings }),
    sampleLimit: integer,
    podMetricsEndpoints: {
      type: "array",
      items: closed({
        port: string,
        portNumber: integer,
        path: string,
        scheme: { type: "string", enum: ["http", "https", "HTTP", "HTTPS"] },
        interval: PROMETHEUS_DURATION,
        scrapeTimeout: PROMETHEUS_DURATION,
        honorLabels: boolean,
        relabelings: { type: "array", items: relabelConfig },
        metricRelabelings: { type: "array", items: relabelConfig },
      }),
    },
  },
  ["selector"],
);
const prometheusRuleSchema = closed({
  groups: {
    type: "array",
    items: closed(
      {
        name: { type: "string", minLength: 1 },
        interval: PROMETHEUS_DURATION,
        labels: stringMap,
        limit: integer,
        rules: {
          type: "array",
          items: closed(
            {
              alert: string,
              record: string,
              expr: { anyOf: [integer, string] },
              for: PROMETHEUS_DURATION,
              keep_firing_for: PROMETHEUS_DURATION,
              labels: stringMap,
              annotations: stringMap,
            },
            ["expr"],
          ),
        },
      },
      ["name"],
    ),
  },
});

/** The spec schema of each custom resource kind, by `apiVersion/kind`, every object closed to unknown fields. */
export const CUSTOM_RESOURCE_SPEC_SCHEMAS: Readonly<Record<string, object>> = {
  "jetstream.nats.io/v1beta2/Stream": closedSchema(NACK_SPEC_SCHEMAS.Stream),
  "jetstream.nats.io/v1beta2/Consumer": closedSchema(NACK_SPEC_SCHEMAS.Consumer),
  "jetstream.nats.io/v1beta2/KeyValue": closedSchema(NACK_SPEC_SCHEMAS.KeyValue),
  "keda.sh/v1alpha1/ScaledObject": scaledObjectSchema,
  "cert-manager.io/v1/Certificate": certificateSchema,
  "monitoring.coreos.com/v1/PodMonitor": podMonitorSchema,
  "monitoring.coreos.com/v1/PrometheusRule": prometheusRuleSchema,
};

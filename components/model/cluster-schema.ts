/**
 * The schema of the topology keys: `cluster`, `supercluster` and `hubLeaf`, as ClusterSpec, SuperClusterSpec
 * and HubAndLeafSpec declare them. Rules that need the tier or other clusters stay in the resolvers.
 */
import { z } from "zod";
import { memberAwsSchema } from "./aws-schema";
import { ISSUER_KINDS } from "./link-tls";
import { SERVICE_TYPES } from "./listener-exposure";
import { MAX_CLUSTER_NAME_LENGTH } from "./names";
import {
  byteQuantity,
  cpuQuantity,
  dnsLabel,
  duration,
  flag,
  imageReference,
  MAX_INT32,
  MAX_NODE_MEMORY,
  MAX_VOLUME_BYTES,
  natsName,
  oneOf,
  port,
  text,
  wholeNumber,
} from "./schema-fields";
import { TAINT_EFFECTS, TOLERATION_OPERATORS } from "./pod-settings";
import { TIER_NAMES } from "./tiers";

/**
 * Each connection holds one file descriptor, and Linux caps a process's descriptors at fs.nr_open, 1048576 by
 * default: more connections than that can never be accepted.
 */
export const MAX_CONNECTIONS = 1_048_576;

const NODE_MEMORY_REASON = "the most memory any node has (AWS EC2 u7in-32tb.224xlarge)";
const VOLUME_REASON = "the largest single volume (EBS io2 Block Express, GCE persistent disk)";

const portsSchema = z.strictObject({
  client: port().optional(),
  cluster: port().optional(),
  monitor: port().optional(),
  gateway: port().optional(),
  leafnodes: port().optional(),
  metrics: port().optional(),
});

const limitsSchema = z.strictObject({
  maxPayload: byteQuantity(64 * 2 ** 20, "nats-server refuses more; 8Mi is the advised ceiling").optional(),
  maxPending: byteQuantity(MAX_NODE_MEMORY, `the buffer lives in memory, and ${NODE_MEMORY_REASON}`).optional(),
  writeDeadline: duration().optional(),
  maxConnections: wholeNumber(1, MAX_CONNECTIONS).optional(),
});

const lameDuckSchema = z.strictObject({
  duration: duration().optional(),
  gracePeriod: duration().optional(),
});

const jetStreamSchema = z.strictObject({
  maxMemoryStore: byteQuantity(MAX_NODE_MEMORY, NODE_MEMORY_REASON).optional(),
  maxFileStore: byteQuantity(MAX_VOLUME_BYTES, VOLUME_REASON).optional(),
  syncAlways: flag().optional(),
  streamReplicas: wholeNumber(1, 5, "use a replica count from 1 to 5").optional(),
  domain: natsName().optional(),
});

const CIDR_RULE = 'use a CIDR such as "203.0.113.0/24" or "2001:db8::/32"';
const cidrs = (what: string) => z.array(text(CIDR_RULE, 43), { error: `list the source CIDRs ${what}` }).min(1, { error: `list at least one source CIDR ${what}` });

/** Where a listener's certificates come from (TlsCertificatesSpec): a cert-manager issuer or a Secret. */
const tlsCertificatesShape = {
  issuer: z
    .strictObject({
      name: dnsLabel(253, "name a cert-manager Issuer or ClusterIssuer (a DNS name)"),
      kind: oneOf(ISSUER_KINDS).optional(),
    })
    .optional(),
  secretName: dnsLabel(253, "name a Secret of type kubernetes.io/tls (a DNS name)").optional(),
  caSecretName: dnsLabel(253, "name a Secret holding ca.crt (a DNS name), or leave it out to use secretName's").optional(),
};

const tlsCertificatesSchema = z.strictObject(tlsCertificatesShape);

const clusterTlsSchema = z.strictObject({
  client: z.strictObject({ ...tlsCertificatesShape, verify: flag().optional() }).optional(),
});

/** The Service in front of a gateway or leafnodes listener (ListenerServiceSpec). */
const listenerServiceSchema = z.strictObject({
  type: oneOf(SERVICE_TYPES).optional(),
  annotations: z.record(z.string(), z.string(), { error: "give a map of annotation names to text values" }).optional(),
  loadBalancerSourceRanges: cidrs("the load balancer admits").optional(),
  allowAnySource: flag().optional(),
  allowedCidrs: cidrs("the NetworkPolicy admits").optional(),
  advertiseHost: text("use a DNS name or an IP address").optional(),
  nodePort: wholeNumber(30000, 32767).optional(),
});

const stringMap = (what: string) => z.record(z.string(), z.string({ error: `give ${what} as text` }), { error: `give a map of ${what}` });

/** Pod-level settings of the servers (PodSettingsSpec): scheduling, image pull secrets, labels and annotations. */
const podSchema = z.strictObject({
  nodeSelector: stringMap("node label names to values").optional(),
  tolerations: z
    .array(
      z.strictObject({
        key: text("name the taint key", 316).optional(),
        operator: oneOf(TOLERATION_OPERATORS).optional(),
        value: z.string({ error: "give the taint value as text" }).max(63, { error: "use at most 63 characters" }).optional(),
        effect: oneOf(TAINT_EFFECTS).optional(),
        tolerationSeconds: wholeNumber(0, MAX_INT32).optional(),
      }),
      { error: "list tolerations, each as { key, operator, value, effect }" },
    )
    .optional(),
  priorityClassName: dnsLabel(253, "name a PriorityClass (a DNS name)").optional(),
  imagePullSecrets: z.array(dnsLabel(253, "name a Secret in the cluster's namespace (a DNS name)"), { error: "list Secret names" }).optional(),
  labels: stringMap("label names to values").optional(),
  annotations: stringMap("annotation names to values").optional(),
});

/** The keys of one cluster (ClusterSpec), shared by a single cluster, a supercluster member, a hub and a site. */
export const clusterShape = {
  name: dnsLabel(MAX_CLUSTER_NAME_LENGTH),
  tier: oneOf(TIER_NAMES),
  servers: wholeNumber(1, 5, "use 1, 3 or 5 servers as the tier allows").optional(),
  cpu: cpuQuantity().optional(),
  memory: byteQuantity(MAX_NODE_MEMORY, NODE_MEMORY_REASON).optional(),
  volumeSize: byteQuantity(MAX_VOLUME_BYTES, VOLUME_REASON).optional(),
  storageClass: dnsLabel(253, "name an existing StorageClass (a DNS name)").optional(),
  serverVersion: text('use a nats-server version such as "2.10.24"').optional(),
  image: imageReference().optional(),
  namespace: dnsLabel().optional(),
  ports: portsSchema.optional(),
  limits: limitsSchema.optional(),
  lameDuck: lameDuckSchema.optional(),
  jetstream: jetStreamSchema.optional(),
  tls: clusterTlsSchema.optional(),
  pod: podSchema.optional(),
};

export const clusterSchema = z.strictObject(clusterShape);

const kubernetesTargetSchema = z.strictObject({
  provider: dnsLabel().optional(),
  context: text("name a context of the kubeconfig, or leave it out for the current context").optional(),
});

const memberSchema = z.strictObject({
  ...clusterShape,
  region: dnsLabel(),
  zones: z.array(dnsLabel(), { error: 'list the zones, e.g. ["us-east-1a", "us-east-1b", "us-east-1c"]' }).optional(),
  gatewayName: natsName().optional(),
  serverNamePrefix: natsName().optional(),
  kubernetes: kubernetesTargetSchema.optional(),
  gatewayService: listenerServiceSchema.optional(),
  aws: memberAwsSchema.optional(),
});

export const superClusterSchema = z.strictObject({
  clusters: z.array(memberSchema, { error: "list at least 2 clusters: gateways join clusters" }).min(2, { error: "list at least 2 clusters: gateways join clusters" }),
  gatewayTls: tlsCertificatesSchema.optional(),
  allowPlaintextGateways: flag().optional(),
});

const siteSchema = z.strictObject({
  ...clusterShape,
  account: text("name the hub account the site's leaf connection binds to"),
  user: dnsLabel().optional(),
  localAccount: dnsLabel().optional(),
  anonymousClients: flag().optional(),
  clients: z.array(dnsLabel(), { error: "list the users of the site's local account that connect to it" }).min(1, { error: "list at least one user, or leave clients out for all of them" }).optional(),
  hubStreams: z
    .array(z.strictObject({ stream: natsName(), consumer: natsName().optional() }), { error: "list the hub streams the site uses, each as { stream, consumer? }" })
    .optional(),
  kubernetes: kubernetesTargetSchema.optional(),
});

export const hubLeafSchema = z.strictObject({
  hub: z.strictObject({ ...clusterShape, kubernetes: kubernetesTargetSchema.optional(), leafnodesService: listenerServiceSchema.optional() }),
  sites: z.array(siteSchema, { error: "list at least one leaf site" }).min(1, { error: "list at least one leaf site" }),
  leafnodesTls: tlsCertificatesSchema.optional(),
  allowPlaintextLeafnodes: flag().optional(),
});

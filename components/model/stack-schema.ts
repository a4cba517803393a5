/**
 * The stack schema: every key a stack file may hold under `nats-jetstream:`, declared once. The description
 * (`cluster`, `supercluster`, `hubLeaf`, `accounts`, `streams`, `keyValues`), the presets (`lightdash`, `dagnats`) and
 * the Pulumi program's own keys are all here, so a key missing from this declaration does not exist.
 *
 * Declared with zod 4 because it is TypeScript-first (a parse gives a value typed from the declaration, so the
 * resolvers receive the types they declare), its strict objects refuse unknown keys at every level, and it
 * generates JSON Schema itself (z.toJSONSchema): one declaration is both the check that the tools and the
 * program run and the schema editors use (schema/stack.schema.json, written by `npm run schema`).
 *
 * The schema checks structure, types, bounds and formats. Rules that relate fields to each other or to the
 * tier (server counts, storage that fits, users of the right account) stay in the resolvers, which run on
 * the parsed value.
 */
import { z } from "zod";
import { accountSchema } from "./accounts-schema";
import { awsSchema, costSchema } from "./aws-schema";
import { backupsSchema } from "./backups-schema";
import { CLOUDS } from "./clouds";
import { clusterSchema, hubLeafSchema, superClusterSchema } from "./cluster-schema";
import { Problem } from "./errors";
import { keyValueSchema, streamSchema } from "./jetstream-schema";
import { KUBERNETES_VERSION_PATTERN, KUBERNETES_VERSION_RULE } from "./kubernetes-version";
import { dagnatsSchema } from "./dagnats-schema";
import { lightdashSchema } from "./lightdash-schema";
import { monitoringSchema } from "./monitoring/monitoring-schema";
import { dnsLabel, flag, oneOf, text } from "./schema-fields";
import { PARSE_OPTIONS, schemaProblems } from "./schema-problems";


/** Every key of the `nats-jetstream:` namespace, with what it holds. */
export const stackKeysShape = {
  cluster: clusterSchema.optional().meta({ description: "A single JetStream cluster: a name and a tier at least." }),
  supercluster: superClusterSchema.optional().meta({ description: "Clusters in several regions joined by gateways; instead of cluster." }),
  hubLeaf: hubLeafSchema.optional().meta({ description: "A hub cluster with leaf sites; instead of cluster." }),
  accounts: z.array(accountSchema, { error: "give a list of accounts" }).optional().meta({ description: "Accounts, one per trust boundary, each with its users." }),
  streams: z.array(streamSchema, { error: "give a list of streams" }).optional().meta({ description: "JetStream streams with their durable consumers." }),
  keyValues: z.array(keyValueSchema, { error: "give a list of key-value buckets" }).optional().meta({ description: "Key-value buckets." }),
  backups: backupsSchema.optional().meta({ description: "Scheduled backups of the stack's file-backed streams and buckets, and where they go." }),
  lightdash: lightdashSchema.optional().meta({ description: "The Lightdash preset: its API and workers on NATS, and their streams." }),
  dagnats: dagnatsSchema.optional().meta({
    description: "The DagNATS preset: a workflow engine and its task pools on NATS, their streams, buckets and users, and backups of the engine's stores.",
  }),
  kubeconfig: text("give the contents of a kubeconfig, or the path of one", 1024 * 1024)
    .optional()
    .meta({ description: "Kubeconfig contents or path for the stack's Kubernetes provider; set it with --secret." }),
  context: text("name a context of the kubeconfig").optional().meta({ description: "Context of the kubeconfig the stack deploys to." }),
  createNamespace: flag().optional().meta({ description: "Create each cluster's namespace. Default true." }),
  clientNamespaces: z
    .array(dnsLabel(), { error: "list the namespaces whose pods may connect" })
    .min(1, { error: "name at least one namespace, or leave it out to allow the cluster's own" })
    .optional()
    .meta({ description: "Namespaces whose pods may connect to the client port. Default: the cluster's own." }),
  monitoringNamespace: dnsLabel().optional().meta({ description: "Namespace whose pods may read the monitor and metrics ports." }),
  monitoring: monitoringSchema.optional().meta({ description: "Prometheus scraping, alert rules and dashboards, with the thresholds the rules page at." }),
  cloud: oneOf(CLOUDS, `use ${CLOUDS.join(" or ")}, or leave it out for no cloud-specific load balancer settings`)
    .optional()
    .meta({ description: "Cloud whose load balancers front the gateway and leaf listeners." }),
  installNackCrds: flag().default(true).meta({ description: "Install NACK's CustomResourceDefinitions with the stack. Default true; false when NACK's chart already did." }),
  kubernetesVersion: z
    .string({ error: KUBERNETES_VERSION_RULE })
    .regex(KUBERNETES_VERSION_PATTERN, { error: KUBERNETES_VERSION_RULE })
    .optional()
    .meta({ description: 'The Kubernetes version the stack targets, MAJOR.MINOR such as "1.35".' }),
  aws: awsSchema.optional().meta({ description: "With cloud: aws, a NATS node pool on an existing EKS cluster and the storage classes the tier needs; instance types per tier." }),
  acceptNodeLocalDataLoss: flag()
    .optional()
    .meta({ description: "Allow file streams and buckets with fewer than 3 replicas on nats-nvme instance storage, whose data dies with its node. Default false: refused." }),
  cost: costSchema.optional().meta({ description: "What the cost estimate cannot read from the topology: the rate clients write into JetStream." }),
};

export const stackKeysSchema = z.strictObject(stackKeysShape);

/** A stack's keys as the schema passed them, typed from the declaration. */
export type StackKeys = z.output<typeof stackKeysSchema>;

export type StackKey = keyof typeof stackKeysShape;

export const STACK_KEYS = Object.keys(stackKeysShape) as StackKey[];

/** Keys whose value is never repeated in a message: a kubeconfig holds credentials. */
export const SECRET_KEYS: readonly StackKey[] = ["kubeconfig"];

/** What checkStackKeys found: the typed keys when they pass, and every problem. */
export interface StackKeysCheck {
  /** The keys with the schema's defaults filled in; undefined when a problem was found. */
  keys: StackKeys | undefined;
  problems: Problem[];
}

/** Checks a stack's keys (the `nats-jetstream:` namespace, without it) against the schema, collecting every problem. */
export function checkStackKeys(values: Record<string, unknown>): StackKeysCheck {
  const result = stackKeysSchema.safeParse(values, PARSE_OPTIONS);
  if (result.success) return { keys: result.data, problems: [] };
  return { keys: undefined, problems: schemaProblems(stackKeysSchema, result.error.issues, SECRET_KEYS) };
}

/**
 * The schema of the `lightdash` preset key, as LightdashSettings declares it: Lightdash's image, namespace and
 * account, its API and two worker pools with their Kubernetes resources, environment and lag scaling.
 */
import { z } from "zod";
import { byteQuantity, cpuQuantity, dnsLabel, flag, imageReference, MAX_INT32, MAX_NODE_MEMORY, MAX_VOLUME_BYTES, wholeNumber } from "./schema-fields";

const NODE_MEMORY_REASON = "the most memory any node has (AWS EC2 u7in-32tb.224xlarge)";
const ENV_NAME_RULE = "use letters, digits, '_', '-' and '.', not starting with a digit";
/** Environment variable names Kubernetes accepts everywhere (its C-identifier-like rule, widened by '-' and '.'). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_KEY_RULE = "use letters, digits, '_', '-' and '.' only (a ConfigMap key)";
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const resourceList = z.strictObject({
  cpu: cpuQuantity().optional(),
  memory: byteQuantity(MAX_NODE_MEMORY, NODE_MEMORY_REASON).optional(),
  "ephemeral-storage": byteQuantity(MAX_VOLUME_BYTES, "the largest single volume a node has").optional(),
});

export const resourcesSchema = z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() });

const keyReference = z.strictObject({
  name: dnsLabel(253),
  key: z.string({ error: CONFIG_KEY_RULE }).max(253, { error: CONFIG_KEY_RULE }).regex(CONFIG_KEY, { error: CONFIG_KEY_RULE }),
  optional: flag().optional(),
});

export const envVarSchema = z.strictObject({
  name: z.string({ error: ENV_NAME_RULE }).max(253, { error: ENV_NAME_RULE }).regex(ENV_NAME, { error: ENV_NAME_RULE }),
  value: z.string({ error: 'give the value as text (quote numbers and booleans: "3", "true")' }).optional(),
  valueFrom: z.strictObject({ secretKeyRef: keyReference.optional(), configMapKeyRef: keyReference.optional() }).optional(),
});

const replicas = () => wholeNumber(1, MAX_INT32);

export const autoscalingSchema = z.strictObject({
  minReplicas: wholeNumber(0, MAX_INT32).optional(),
  maxReplicas: wholeNumber(1, MAX_INT32),
  lagThreshold: wholeNumber(1, MAX_INT32).optional(),
  activationLagThreshold: wholeNumber(0, MAX_INT32).optional(),
  pollingInterval: wholeNumber(1, MAX_INT32).optional(),
  cooldownPeriod: wholeNumber(0, MAX_INT32).optional(),
});

const workerSchema = z.strictObject({
  enabled: flag().optional(),
  user: dnsLabel().optional(),
  concurrency: wholeNumber(1, MAX_INT32).optional(),
  replicas: replicas().optional(),
  autoscaling: autoscalingSchema.optional(),
  resources: resourcesSchema.optional(),
  env: z.array(envVarSchema).optional(),
});

export const lightdashSchema = z.strictObject({
  name: dnsLabel().optional(),
  namespace: dnsLabel(),
  image: imageReference(),
  account: dnsLabel(),
  nats: z.strictObject({ enabled: flag().optional() }).optional(),
  api: z.strictObject({ user: dnsLabel().optional(), replicas: replicas().optional(), resources: resourcesSchema.optional() }).optional(),
  warehouseWorker: workerSchema.optional(),
  preAggregateWorker: workerSchema.optional(),
  preAggregates: z.strictObject({ enabled: flag().optional(), parquetEnabled: flag().optional() }).optional(),
  env: z.record(z.string().max(253, { error: CONFIG_KEY_RULE }).regex(CONFIG_KEY, { error: CONFIG_KEY_RULE }), z.string({ error: 'give the value as text (quote numbers and booleans: "5432", "true")' })).optional(),
});

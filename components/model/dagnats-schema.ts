/**
 * The schema of the `dagnats` preset key, as DagNatsSettings declares it: the engine's image, namespace,
 * account and store budget, its own Deployment, its task pools with their task types and users, and the
 * backups of its stores.
 */
import { z } from "zod";
import { destinationSchema, retentionDaysSchema, scheduleSchema } from "./backups-schema";
import { autoscalingSchema, envVarSchema, resourcesSchema } from "./lightdash-schema";
import { byteQuantity, dnsLabel, duration, flag, imageReference, MAX_INT32, MAX_VOLUME_BYTES, natsName, port, text, wholeNumber } from "./schema-fields";

const ARGUMENT_RULE = "give each argument as text";
const argumentList = () => z.array(text(ARGUMENT_RULE, 4096), { error: "give a list of arguments" });

const engineSchema = z.strictObject({
  user: dnsLabel().meta({ description: "The NATS user the engine connects as; the preset gives it its streams and buckets." }),
  command: argumentList().optional().meta({ description: "The container's entrypoint. Default the image's." }),
  args: argumentList().optional().meta({ description: "Arguments to the entrypoint. Default the image's." }),
  replicas: wholeNumber(1, MAX_INT32).optional().meta({ description: "Pods of the engine. Default 1." }),
  resources: resourcesSchema.optional().meta({ description: "Requests and limits of the engine's container." }),
});

const taskPoolSchema = z.strictObject({
  name: dnsLabel().meta({ description: "Pool name; the Deployment is <engine name>-<pool name>." }),
  taskTypes: z.array(natsName(), { error: "list the task types the pool runs" }).min(1, { error: "list at least one task type the pool runs" }).meta({
    description: "Task types the pool runs; each gets the durable consumer workers-<type> on task.<type>.>.",
  }),
  user: dnsLabel().meta({ description: "The NATS user the pool pulls with; the preset gives it its task types' consumers." }),
  image: imageReference().optional().meta({ description: "Default the engine's image." }),
  command: argumentList().optional().meta({ description: "The container's entrypoint. Default the image's." }),
  args: argumentList().optional().meta({ description: "Arguments to the entrypoint. Default the image's." }),
  concurrency: wholeNumber(1, MAX_INT32).optional().meta({ description: "Tasks one pod runs at once. Default 1." }),
  maxAckPending: wholeNumber(1, MAX_INT32).optional().meta({ description: "Per task type: most tasks handed out and not yet acknowledged. Default 1000." }),
  ackWait: duration().optional().meta({ description: 'How long a task may run unacknowledged before it is handed out again. Default "30s".' }),
  replicas: wholeNumber(1, MAX_INT32).optional().meta({ description: "Fixed pod count; leave out with autoscaling. Default 2." }),
  autoscaling: autoscalingSchema.optional().meta({ description: "Scale on the pool's consumers' lag with KEDA instead of a fixed replicas." }),
  resources: resourcesSchema.optional().meta({ description: "Requests and limits of the pool's container." }),
  port: port().optional().meta({ description: "Port of the pool's /health and /ready endpoints, if it serves them." }),
  env: z.array(envVarSchema).optional().meta({ description: "Further environment of the pool's container." }),
});

const backupSettingsSchema = z.strictObject({
  enabled: flag().optional().meta({ description: "Back the engine's event history, task queues and buckets up. Default true." }),
  schedule: scheduleSchema().optional().meta({ description: 'When backups run, as a CronJob schedule. Default "0 3 * * *"; with the stack\'s own backups, leave it out.' }),
  retentionDays: retentionDaysSchema().optional().meta({ description: "Days a backup is kept. Default 7; with the stack's own backups, leave it out." }),
  destination: destinationSchema.optional().meta({ description: "Where backups go. Default: a claim per cluster as large as the store budget; with the stack's own backups, leave it out." }),
});

export const dagnatsSchema = z.strictObject({
  name: dnsLabel().optional().meta({ description: 'Name of the engine\'s Deployment and prefix of every other object. Default "dagnats".' }),
  namespace: dnsLabel().meta({ description: "The namespace the engine and its pools run in." }),
  image: imageReference().meta({ description: "The engine's image, which the pools run too unless they name their own." }),
  account: dnsLabel().meta({ description: "NATS account of the engine's streams, buckets and users; added unless the stack declares it." }),
  storeBudget: byteQuantity(MAX_VOLUME_BYTES, "the largest single volume").optional().meta({
    description: "Store the streams' byte ceilings are shares of. Default the cluster's per-server file store.",
  }),
  stickyTasks: flag().optional().meta({ description: "Add the memory-backed STICKY_TASKS stream for sticky workflows. Default false." }),
  engine: engineSchema.meta({ description: "The engine's own Deployment, which schedules the workflows." }),
  taskPools: z.array(taskPoolSchema, { error: "give a list of task pools" }).optional().meta({ description: "Worker pools, each running its own task types. Default none." }),
  backups: backupSettingsSchema.optional().meta({ description: "Backups of the engine's stores. Default on: daily at 03:00 UTC, kept 7 days, on a claim per cluster." }),
});

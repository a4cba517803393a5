/** The schema of the `streams` and `keyValues` keys, as StreamSpec, ConsumerSpec and KeyValueSpec declare them. */
import { z } from "zod";
import { ACK_POLICIES } from "./consumers";
import { MAX_KV_HISTORY, KV_RULE } from "./kv";
import { MAX_CLUSTER_NAME_LENGTH } from "./names";
import {
  byteQuantity,
  countLimit,
  description,
  dnsLabel,
  duration,
  MAX_COUNT,
  MAX_VOLUME_BYTES,
  natsName,
  oneOf,
  subject,
  wholeNumber,
} from "./schema-fields";
import { DISCARD_POLICIES, RETENTIONS, STORAGE_TYPES, STREAM_LIMITS } from "./streams";

const STORE_REASON = "a stream's replica lives on one server, whose store is at most the largest single volume";
const replicas = () => wholeNumber(1, 5, "use a replica count from 1 to 5 (JetStream's most), within the cluster's servers");
/** The cluster of the topology a stream or bucket lands in: one of its cluster names. */
const targetCluster = () => dnsLabel(MAX_CLUSTER_NAME_LENGTH, "name a cluster of the stack's topology");

const consumerSchema = z.strictObject({
  durable: natsName(),
  description: description().optional(),
  filterSubject: subject().optional(),
  ackPolicy: oneOf(ACK_POLICIES, `use one of ${ACK_POLICIES.join(", ")}: a pull consumer must acknowledge what it is given`).optional(),
  ackWait: duration().optional(),
  maxDeliver: countLimit(1).optional(),
  maxAckPending: countLimit(1).optional(),
  workerUser: dnsLabel().optional(),
});

export const streamSchema = z.strictObject({
  name: natsName(),
  account: dnsLabel(),
  cluster: targetCluster().optional(),
  description: description().optional(),
  subjects: z.array(subject(), { error: "list at least one subject the stream captures" }).min(1, { error: "list at least one subject the stream captures" }),
  retention: oneOf(RETENTIONS).optional(),
  storage: oneOf(STORAGE_TYPES).optional(),
  replicas: replicas().optional(),
  maxAge: duration().optional(),
  maxBytes: byteQuantity(MAX_VOLUME_BYTES, STORE_REASON).optional(),
  maxMsgs: wholeNumber(1, MAX_COUNT, "use a whole number of at least 1").optional(),
  dominantLimit: oneOf(STREAM_LIMITS).optional(),
  discard: oneOf(DISCARD_POLICIES).optional(),
  duplicateWindow: duration().optional(),
  consumers: z.array(consumerSchema).optional(),
});

export const keyValueSchema = z.strictObject({
  bucket: z.string({ error: KV_RULE }).regex(/^[A-Za-z0-9_-]+$/, { error: KV_RULE }).max(255, { error: KV_RULE }),
  account: dnsLabel(),
  cluster: targetCluster().optional(),
  description: description().optional(),
  history: wholeNumber(1, MAX_KV_HISTORY).optional(),
  ttl: duration().optional(),
  replicas: replicas().optional(),
  storage: oneOf(STORAGE_TYPES).optional(),
  maxBytes: byteQuantity(MAX_VOLUME_BYTES, STORE_REASON).optional(),
  maxValueSize: byteQuantity(64 * 2 ** 20, "nats-server refuses messages over 64Mi").optional(),
});

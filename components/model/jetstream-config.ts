/**
 * Streams, consumers and buckets as the JetStream API takes them (the nats client's StreamConfig,
 * ConsumerConfig and KvOptions). These objects are the one source of settings: the local back end sends them
 * to a real server as they are, and the NACK objects for Kubernetes are written from them, so a test that
 * has a server accept them also vouches for what the pods are given.
 *
 * Only types come from the client, so the model stays free of a runtime dependency on it.
 */
import type { AckPolicy, ConsumerConfig, DeliverPolicy, DiscardPolicy, KvOptions, ReplayPolicy, RetentionPolicy, StorageType, StreamConfig } from "nats";
import { Consumer } from "./consumers";
import { KeyValue } from "./kv";
import { Stream } from "./streams";

/** JetStream's "no limit" for counts and sizes; max age 0 likewise means no limit. */
const NO_LIMIT = -1;

/** The JetStream API counts durations in nanoseconds. */
export function nanoseconds(seconds: number): number {
  return Math.round(seconds * 1e9);
}

/** The settings of a stream as the JetStream API takes them. Every limit is set, so a read-back config compares equal. */
export type StreamSettings = Pick<
  StreamConfig,
  "name" | "subjects" | "retention" | "storage" | "num_replicas" | "max_age" | "max_bytes" | "max_msgs" | "discard" | "duplicate_window"
> &
  Pick<Partial<StreamConfig>, "description" | "placement">;

export type ConsumerSettings = Pick<ConsumerConfig, "ack_policy" | "deliver_policy" | "replay_policy"> &
  Required<Pick<ConsumerConfig, "durable_name" | "ack_wait" | "max_deliver" | "max_ack_pending">> &
  Pick<ConsumerConfig, "description" | "filter_subject">;

export type KeyValueSettings = Pick<KvOptions, "history" | "replicas" | "storage" | "max_bytes" | "maxValueSize"> & Pick<Partial<KvOptions>, "ttl" | "description" | "placement">;

/** A supercluster member by name: the meta group then creates the stream there, whichever member was asked. */
function placement(cluster: string | undefined): Pick<Partial<StreamConfig>, "placement"> {
  return cluster === undefined ? {} : { placement: { cluster, tags: [] } };
}

export function streamSettings(stream: Stream): StreamSettings {
  return {
    name: stream.name,
    ...(stream.description !== undefined ? { description: stream.description } : {}),
    subjects: [...stream.subjects],
    retention: stream.retention as RetentionPolicy,
    storage: stream.storage as StorageType,
    num_replicas: stream.replicas,
    max_age: stream.maxAgeSeconds === undefined ? 0 : nanoseconds(stream.maxAgeSeconds),
    max_bytes: stream.maxBytes ?? NO_LIMIT,
    max_msgs: stream.maxMsgs ?? NO_LIMIT,
    discard: stream.discard as DiscardPolicy,
    duplicate_window: nanoseconds(stream.duplicateWindowSeconds),
    ...placement(stream.placementCluster),
  };
}

/** A durable pull consumer: no deliver subject, every message of the filter from the start, as fast as pulled. */
export function consumerSettings(consumer: Consumer): ConsumerSettings {
  return {
    durable_name: consumer.durable,
    ...(consumer.description !== undefined ? { description: consumer.description } : {}),
    ...(consumer.filterSubject !== undefined ? { filter_subject: consumer.filterSubject } : {}),
    ack_policy: consumer.ackPolicy as AckPolicy,
    ack_wait: nanoseconds(consumer.ackWaitSeconds),
    max_deliver: consumer.maxDeliver,
    max_ack_pending: consumer.maxAckPending,
    deliver_policy: "all" as DeliverPolicy,
    replay_policy: "instant" as ReplayPolicy,
  };
}

/** A bucket as the client's `views.kv` takes it; unlike the stream API, the client counts `ttl` in milliseconds. */
export function keyValueSettings(kv: KeyValue): KeyValueSettings {
  return {
    ...(kv.description !== undefined ? { description: kv.description } : {}),
    history: kv.history,
    ...(kv.ttlSeconds !== undefined ? { ttl: Math.round(kv.ttlSeconds * 1000) } : {}),
    replicas: kv.replicas,
    storage: kv.storage as StorageType,
    max_bytes: kv.maxBytes ?? NO_LIMIT,
    maxValueSize: kv.maxValueSize ?? NO_LIMIT,
    ...placement(kv.placementCluster),
  };
}

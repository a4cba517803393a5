/**
 * Streams, consumers and buckets as NACK objects (`jetstream.nats.io/v1beta2` Stream, Consumer, KeyValue),
 * written from the same JetStream API settings that the local back end sends to a real server.
 *
 * Each object names the creds file of a user of its own account, so one controller can manage the streams
 * of several accounts; nats-server keeps every account's streams apart, so the account a stream is created
 * in is the account of the user that creates it.
 */
import { ValidationError } from "../model/errors";
import { ConsumerSettings, consumerSettings, KeyValueSettings, keyValueSettings, StreamSettings, streamSettings } from "../model/jetstream-config";
import { JetStreamResourceSet } from "../model/jetstream-resource-set";
import { goDuration } from "./go-duration";
import { ObjectMeta } from "./k8s-types";
import { appLabels, objectName } from "./object-names";

export const NACK_API_VERSION = "jetstream.nats.io/v1beta2";

/** Fields every NACK object has for reaching the server and for what deleting the object does. */
interface NackManagement {
  /**
   * Path of a creds file inside the controller's pod; the user's account is where the object is created.
   * Absent for servers without auth, where every object lands in the servers' default account.
   */
  creds?: string;
  /** Keep the JetStream object when the Kubernetes object is deleted. */
  preventDelete: boolean;
}

export interface NackStreamSpec extends NackManagement {
  name: string;
  description?: string;
  subjects: string[];
  retention: string;
  storage: string;
  replicas: number;
  /** Omitted for no limit. */
  maxAge?: string;
  maxBytes: number;
  maxMsgs: number;
  discard: string;
  duplicateWindow: string;
  /** The supercluster member the stream is created in. */
  placement?: NackPlacementCluster;
}

/** A supercluster member by name, as NACK's `placement` takes it. */
export interface NackPlacementCluster {
  cluster: string;
}

export interface NackConsumerSpec extends NackManagement {
  streamName: string;
  durableName: string;
  description?: string;
  filterSubject?: string;
  ackPolicy: string;
  ackWait: string;
  maxDeliver: number;
  maxAckPending: number;
  deliverPolicy: string;
  replayPolicy: string;
}

export interface NackKeyValueSpec extends NackManagement {
  bucket: string;
  description?: string;
  history: number;
  /** Omitted for values that never expire. */
  ttl?: string;
  replicas: number;
  storage: string;
  maxBytes: number;
  maxValueSize: number;
  /** The supercluster member the bucket is created in. */
  placement?: NackPlacementCluster;
}

interface NackObject<Kind extends string, Spec> {
  apiVersion: typeof NACK_API_VERSION;
  kind: Kind;
  metadata: ObjectMeta;
  spec: Spec;
}

export type NackStream = NackObject<"Stream", NackStreamSpec>;
export type NackConsumer = NackObject<"Consumer", NackConsumerSpec>;
export type NackKeyValue = NackObject<"KeyValue", NackKeyValueSpec>;

export interface NackPlacement {
  /** Namespace of the objects; the NACK controller watches it. */
  namespace: string;
  /** Creds path (inside the controller) of a user of the given account; undefined for servers without auth. */
  credsPath: (account: string) => string | undefined;
  /**
   * Keep streams and buckets, and the messages in them, when their objects are deleted. Default true: a
   * stack that drops a stream by mistake should not drop its data. Consumers are always deleted with their
   * objects; recreating one loses only its position.
   */
  preventDelete?: boolean;
}

function metadata(name: string, namespace: string, component: string): ObjectMeta {
  return { name, namespace, labels: appLabels(name, component, "nats-jetstream") };
}

function credsOf(placement: NackPlacement, account: string): { creds?: string } {
  const creds = placement.credsPath(account);
  return creds === undefined ? {} : { creds };
}

function placedIn(placement: { cluster: string } | undefined): { placement?: NackPlacementCluster } {
  return placement === undefined ? {} : { placement: { cluster: placement.cluster } };
}

/** A NACK Stream from the stream's API settings; `account` picks the creds the controller creates it with. */
export function nackStream(settings: StreamSettings, account: string, placement: NackPlacement): NackStream {
  const name = objectName(account, settings.name);
  return {
    apiVersion: NACK_API_VERSION,
    kind: "Stream",
    metadata: metadata(name, placement.namespace, "stream"),
    spec: {
      name: settings.name,
      ...(settings.description !== undefined ? { description: settings.description } : {}),
      subjects: [...settings.subjects],
      retention: settings.retention,
      storage: settings.storage,
      replicas: settings.num_replicas,
      ...(settings.max_age > 0 ? { maxAge: goDuration(settings.max_age) } : {}),
      maxBytes: settings.max_bytes,
      maxMsgs: settings.max_msgs,
      discard: settings.discard,
      duplicateWindow: goDuration(settings.duplicate_window),
      ...placedIn(settings.placement),
      ...credsOf(placement, account),
      preventDelete: placement.preventDelete ?? true,
    },
  };
}

export function nackConsumer(stream: string, settings: ConsumerSettings, account: string, placement: NackPlacement): NackConsumer {
  const name = objectName(account, stream, settings.durable_name);
  return {
    apiVersion: NACK_API_VERSION,
    kind: "Consumer",
    metadata: metadata(name, placement.namespace, "consumer"),
    spec: {
      streamName: stream,
      durableName: settings.durable_name,
      ...(settings.description !== undefined ? { description: settings.description } : {}),
      ...(settings.filter_subject !== undefined ? { filterSubject: settings.filter_subject } : {}),
      ackPolicy: settings.ack_policy,
      ackWait: goDuration(settings.ack_wait),
      maxDeliver: settings.max_deliver,
      maxAckPending: settings.max_ack_pending,
      deliverPolicy: settings.deliver_policy,
      replayPolicy: settings.replay_policy,
      ...credsOf(placement, account),
      preventDelete: false,
    },
  };
}

/** A NACK KeyValue; the client counts `ttl` in milliseconds, NACK in a Go duration. */
export function nackKeyValue(bucket: string, settings: KeyValueSettings, account: string, placement: NackPlacement): NackKeyValue {
  const name = objectName(account, "kv", bucket);
  return {
    apiVersion: NACK_API_VERSION,
    kind: "KeyValue",
    metadata: metadata(name, placement.namespace, "key-value"),
    spec: {
      bucket,
      ...(settings.description !== undefined ? { description: settings.description } : {}),
      history: settings.history,
      ...(settings.ttl !== undefined ? { ttl: goDuration(settings.ttl * 1_000_000) } : {}),
      replicas: settings.replicas,
      storage: settings.storage,
      maxBytes: settings.max_bytes,
      maxValueSize: settings.maxValueSize,
      ...placedIn(settings.placement),
      ...credsOf(placement, account),
      preventDelete: placement.preventDelete ?? true,
    },
  };
}

export interface NackObjects {
  streams: NackStream[];
  consumers: NackConsumer[];
  keyValues: NackKeyValue[];
}

/**
 * Every stream, consumer and bucket of a stack as NACK objects. Object names fold NATS names to lowercase
 * DNS names, so two NATS names that fold alike (`ORDERS` and `orders` in one account) are refused here.
 */
export function nackObjects(resources: JetStreamResourceSet, placement: NackPlacement): NackObjects {
  const objects: NackObjects = {
    streams: resources.streams.map((stream) => nackStream(streamSettings(stream), stream.account, placement)),
    consumers: resources.streams.flatMap((stream) =>
      stream.consumers.map((consumer) => nackConsumer(stream.name, consumerSettings(consumer), stream.account, placement)),
    ),
    keyValues: resources.keyValues.map((kv) => nackKeyValue(kv.bucket, keyValueSettings(kv), kv.account, placement)),
  };
  const seen = new Map<string, string>();
  const clashes: { path: string; value: unknown; allowed: string }[] = [];
  for (const object of [...objects.streams, ...objects.consumers, ...objects.keyValues]) {
    const key = `${object.kind}/${object.metadata.name}`;
    const described = describe(object);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      clashes.push({ path: "streams", value: described, allowed: `rename it: its Kubernetes name ${object.metadata.name} is also the name of ${earlier}` });
    } else seen.set(key, described);
  }
  if (clashes.length > 0) throw new ValidationError(clashes);
  return objects;
}

function describe(object: NackStream | NackConsumer | NackKeyValue): string {
  switch (object.kind) {
    case "Stream":
      return `stream ${object.spec.name}`;
    case "Consumer":
      return `consumer ${object.spec.durableName} of ${object.spec.streamName}`;
    case "KeyValue":
      return `bucket ${object.spec.bucket}`;
  }
}

/**
 * Creating a stack's streams, consumers and key-value buckets on running local clusters: exactly what the
 * model's provisioning lists (stackProvisioning), from the same settings objects the Kubernetes side is
 * written from. Each account's objects are created through a connection of that account, to the cluster they
 * land in: streams and buckets belong to the account, and the JetStream domain, they are created in.
 */
import { NatsConnection } from "nats";
import { consumerSettings, keyValueSettings, streamSettings } from "../model/jetstream-config";
import { AccountProvisioning, ProvisionedObject, Provisioning, ProvisioningTarget } from "../model/provisioning";

/** One object created, with what the server reported of it; a consumer reports none of the settings below. */
export interface CreatedObject extends ProvisionedObject {
  /** The replicas of a stream or bucket. */
  replicas?: number;
  /** A stream's retention policy, e.g. "workqueue". */
  retention?: string;
  /** A stream's storage, "file" or "memory". */
  storage?: string;
}

/** The line the CLI prints for a created object, e.g. `stream JOBS created (R3, workqueue, file)`. */
export function createdLine(object: CreatedObject): string {
  const noun = object.kind === "bucket" ? "key-value bucket" : object.kind;
  const reported = [object.replicas === undefined ? undefined : `R${object.replicas}`, object.retention, object.storage].filter((part) => part !== undefined);
  return `${noun} ${object.name} created${reported.length > 0 ? ` (${reported.join(", ")})` : ""}`;
}

function refused(what: string, error: unknown): Error {
  return new Error(`${what} was refused: ${(error as Error).message}`);
}

/**
 * Creates one account's streams with their consumers, then its buckets, in the order declared, through `nc`
 * (a connection of that account to `cluster`); the first refusal stops the run with the object's name.
 */
export async function provisionAccount(nc: NatsConnection, cluster: string, share: AccountProvisioning): Promise<CreatedObject[]> {
  const jsm = await nc.jetstreamManager();
  const at = { cluster, account: share.account };
  const created: CreatedObject[] = [];
  for (const stream of share.streams) {
    const info = await jsm.streams.add(streamSettings(stream)).catch((error: unknown) => {
      throw refused(`stream ${stream.name}`, error);
    });
    created.push({ ...at, kind: "stream", name: info.config.name, replicas: info.config.num_replicas, retention: info.config.retention, storage: info.config.storage });
    for (const consumer of stream.consumers) {
      const consumerInfo = await jsm.consumers.add(stream.name, consumerSettings(consumer)).catch((error: unknown) => {
        throw refused(`consumer ${stream.name}/${consumer.durable}`, error);
      });
      created.push({ ...at, kind: "consumer", name: `${consumerInfo.stream_name}/${consumerInfo.name}` });
    }
  }
  const js = nc.jetstream();
  for (const kv of share.keyValues) {
    const bucket = await js.views.kv(kv.bucket, keyValueSettings(kv)).catch((error: unknown) => {
      throw refused(`key-value bucket ${kv.bucket}`, error);
    });
    const status = await bucket.status();
    created.push({ ...at, kind: "bucket", name: status.bucket, replicas: status.replicas });
  }
  return created;
}

/** A connection of `account` to the target's cluster: as the account's admin, or without creds where the cluster runs without auth. */
export type ProvisioningConnection = (target: ProvisioningTarget, account: string) => Promise<NatsConnection>;

/**
 * Creates every object of the provisioning, target by target and account by account, telling `onCreated` of
 * each once its account's share is done, so a long run shows progress. Returns every object created, in order.
 */
export async function provisionStack(
  provisioning: Provisioning,
  connect: ProvisioningConnection,
  onCreated: (object: CreatedObject) => void = () => undefined,
): Promise<CreatedObject[]> {
  const created: CreatedObject[] = [];
  for (const target of provisioning.targets) {
    for (const share of target.accounts) {
      for (const object of await provisionAccount(await connect(target, share.account), target.cluster.name, share)) {
        created.push(object);
        onCreated(object);
      }
    }
  }
  return created;
}

/**
 * What a stack provisions in JetStream, for every back end alike: per cluster it lands in, and per account,
 * the streams with their consumers and the key-value buckets. The local back end creates exactly these
 * through each account's provisioner user; the Kubernetes back end declares exactly these as NACK objects,
 * which a controller beside each cluster creates as that same user.
 */
import { KeyValue } from "./kv";
import { Stack } from "./stack";
import { Stream } from "./streams";
import { JetStreamTarget, jetStreamTargets } from "./jetstream-targets";
import { provisionerAccountNames } from "./provisioners";

/** One account's share of a cluster's objects. */
export interface AccountProvisioning {
  account: string;
  /** The streams with their consumers, in the order the stack declares them. */
  streams: Stream[];
  keyValues: KeyValue[];
}

/** The objects one cluster holds, and how they are created there. */
export interface ProvisioningTarget extends JetStreamTarget {
  /** Accounts in the order they first hold an object; only accounts that hold one. */
  accounts: AccountProvisioning[];
}

/** What a stack provisions: its streams, consumers and buckets by the cluster they land in, and who creates them. */
export interface Provisioning {
  /** Clusters that hold at least one object, in the topology's order. */
  targets: ProvisioningTarget[];
  /**
   * Accounts whose objects are created by a user of their own (every target in operator mode): the model
   * gives each a provisioner user (`<account>-nack`), which both back ends create the objects as.
   */
  provisionerAccounts: string[];
}

/** One object as the back ends create it: a stream, a consumer (`<stream>/<durable>`) or a bucket. */
export interface ProvisionedObject {
  /** Name of the cluster the object lands in. */
  cluster: string;
  /** The account it belongs to. */
  account: string;
  /** Which kind of object it is. */
  kind: "stream" | "consumer" | "bucket";
  /** Its name: the stream's, `<stream>/<durable>` for a consumer, the bucket's. */
  name: string;
}

function accountsOf(streams: readonly Stream[], keyValues: readonly KeyValue[]): AccountProvisioning[] {
  const names = [...new Set([...streams.map((stream) => stream.account), ...keyValues.map((kv) => kv.account)])];
  return names.map((account) => ({
    account,
    streams: streams.filter((stream) => stream.account === account),
    keyValues: keyValues.filter((kv) => kv.account === account),
  }));
}

/** The stack's JetStream objects by the cluster they land in and by account. */
export function stackProvisioning(stack: Stack): Provisioning {
  const targets = jetStreamTargets(stack.topology)
    .map((target) => ({
      ...target,
      accounts: accountsOf(
        stack.jetstream.streams.filter((stream) => stream.cluster === target.cluster.name),
        stack.jetstream.keyValues.filter((kv) => kv.cluster === target.cluster.name),
      ),
    }))
    .filter((target) => target.accounts.length > 0);
  const provisionerAccounts = provisionerAccountNames([...stack.jetstream.streams, ...stack.jetstream.keyValues], targets);
  return { targets, provisionerAccounts };
}

/** Every object of a provisioning, flat: what tests and summaries compare between back ends. */
export function provisionedObjects(provisioning: Provisioning): ProvisionedObject[] {
  return provisioning.targets.flatMap((target) =>
    target.accounts.flatMap(({ account, streams, keyValues }) => {
      const at = { cluster: target.cluster.name, account };
      return [
        ...streams.flatMap((stream) => [
          { ...at, kind: "stream" as const, name: stream.name },
          ...stream.consumers.map((consumer) => ({ ...at, kind: "consumer" as const, name: `${stream.name}/${consumer.durable}` })),
        ]),
        ...keyValues.map((kv) => ({ ...at, kind: "bucket" as const, name: kv.bucket })),
      ];
    }),
  );
}

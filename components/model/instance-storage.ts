/**
 * The durability rule for instance storage: a volume of the nats-nvme class is a disk of one node, and it
 * dies with the node (the node-cleanup controller then releases its claim, and the server starts empty). A
 * replica on another node is the only copy that survives, so a file stream or bucket on such a cluster needs
 * three replicas, which keep a quorum while the lost one catches up from its peers.
 */
import { Cluster, STORAGE_CLASS_FOR } from "./cluster";
import { Problems } from "./errors";
import { KeyValue } from "./kv";
import { Stream } from "./streams";

/** Replicas a file stream on instance storage needs: one lost with its node leaves a quorum of two. */
export const MIN_INSTANCE_STORAGE_REPLICAS = 3;

/** Whether a cluster's JetStream volumes are node-local disks. */
export function onInstanceStorage(cluster: Cluster): boolean {
  return cluster.storageClass === STORAGE_CLASS_FOR.nvme;
}

/**
 * Refuses every file stream and bucket with fewer than three replicas on a cluster whose volumes are instance
 * storage, unless the stack accepts losing them with a node (`acceptNodeLocalDataLoss`). Streams and buckets
 * are named by their index, as the stack lists them.
 */
export function checkInstanceStorageReplicas(
  clusters: readonly Cluster[],
  jetstream: { streams: readonly Stream[]; keyValues: readonly KeyValue[] },
  accepted: boolean,
  problems: Problems,
): void {
  if (accepted) return;
  const local = new Set(clusters.filter(onInstanceStorage).map((cluster) => cluster.name));
  const check = (path: string, item: { cluster: string; replicas: number; storage: string }) => {
    if (!local.has(item.cluster) || item.storage !== "file" || item.replicas >= MIN_INSTANCE_STORAGE_REPLICAS) return;
    problems.add(
      `${path}.replicas`,
      item.replicas,
      `use ${MIN_INSTANCE_STORAGE_REPLICAS} or more on cluster ${item.cluster}: its volumes are ${STORAGE_CLASS_FOR.nvme} instance storage, whose data dies with its node; or set acceptNodeLocalDataLoss: true`,
    );
  };
  jetstream.streams.forEach((stream, index) => check(`streams[${index}]`, stream));
  jetstream.keyValues.forEach((bucket, index) => check(`keyValues[${index}]`, bucket));
}

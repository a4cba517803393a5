/**
 * The AWS substrate of a stack, as the program deploys it: a NatsNodePool per cluster that asks for one,
 * through an AWS provider per region, and the storage classes each cluster's tier names in its Kubernetes
 * cluster. What to create is the model's (resolveAwsSubstrate and nodePoolRequests); this only creates it.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Provider } from "@pulumi/aws/provider";
import { awsSdk } from "./aws-sdk";
import { AwsSubstrate, NodePoolPlan, nodePoolRequests, PoolStackSpec } from "../model/aws-substrate";
import { NatsNodePool } from "./node-pool";
import { NatsStorageClasses, NatsStorageClassesArgs } from "./storage-classes";

/** The storage classes a pool's cluster needs, as NatsStorageClasses takes them; undefined when it needs none. */
export function storageClassesArgs(pool: NodePoolPlan): NatsStorageClassesArgs | undefined {
  const wanted = pool.storageClass;
  if (wanted === undefined) return undefined;
  if (wanted.kind === "nvme") return { nvme: { name: wanted.name, poolName: pool.poolName } };
  return { ssd: { name: wanted.name, iops: wanted.iops, throughput: wanted.throughput, ...(wanted.kmsKeyArn === undefined ? {} : { kmsKeyArn: wanted.kmsKeyArn }) } };
}

/**
 * Creates every node pool of the stack, by cluster name. Pools in a named region go through that region's
 * provider, one per region; a pool without a region uses the ambient AWS provider.
 */
export function deployNodePools(stackName: string, spec: PoolStackSpec, substrate: AwsSubstrate, tags: Record<string, string>): Map<string, NatsNodePool> {
  const providers = new Map<string, Provider>();
  const providerOf = (region: string) => {
    if (!providers.has(region)) providers.set(region, new (awsSdk().provider.Provider)(`${stackName}-aws-${region}`, { region }));
    return providers.get(region)!;
  };
  const pools = new Map<string, NatsNodePool>();
  nodePoolRequests(spec).forEach((request, index) => {
    const plan = substrate.pools[index];
    const opts: pulumi.ComponentResourceOptions = plan.region === undefined ? {} : { providers: [providerOf(plan.region)] };
    pools.set(plan.cluster, new NatsNodePool(plan.poolName, { ...request, tags }, opts));
  });
  return pools;
}

/**
 * Creates the storage classes each pool's cluster needs, in that cluster's Kubernetes cluster (`providerOf`
 * gives its provider, undefined for the ambient one). Two clusters in one Kubernetes cluster share a class
 * of one name: the first creates it.
 */
export function deployStorageClasses(substrate: AwsSubstrate, providerOf: (cluster: string) => k8s.Provider | undefined): NatsStorageClasses[] {
  const created = new Map<k8s.Provider | undefined, Set<string>>();
  const classes: NatsStorageClasses[] = [];
  for (const pool of substrate.pools) {
    const args = storageClassesArgs(pool);
    if (args === undefined) continue;
    const provider = providerOf(pool.cluster);
    const names = created.get(provider) ?? new Set<string>();
    const name = args.ssd?.name ?? args.nvme!.name!;
    if (names.has(name)) continue;
    created.set(provider, names.add(name));
    classes.push(new NatsStorageClasses(`${pool.cluster}-storage`, args, provider ? { providers: [provider] } : {}));
  }
  return classes;
}

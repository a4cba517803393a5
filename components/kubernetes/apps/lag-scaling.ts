/** Scaling on consumer lag as a pool states it, completed with what the cluster and the credentials know. */
import { Cluster } from "../../model/cluster";
import { LagScalingSettings, LagScalingSpec } from "../../workloads/keda";
import { accountPublicKey, NatsWorkloadArgs } from "../access/nats-access";
import { DEFAULT_CLUSTER_DOMAIN, headlessServiceName } from "../cluster/pod-placement";

export type { LagScalingSettings } from "../../workloads/keda";

/** The headless Service's name and monitor port, through which each server's monitor port is reachable by pod name. */
export function clusterMonitoringEndpoint(cluster: Pick<Cluster, "name" | "namespace" | "ports">, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string {
  return `${headlessServiceName(cluster)}.${cluster.namespace}.svc.${clusterDomain}:${cluster.ports.monitor}`;
}

/** What scaling needs of a workload's connection: the resolved cluster, its domain and the account keys. */
export interface LagScalingContext extends Pick<NatsWorkloadArgs, "clusterDomain" | "accountPublicKeys"> {
  cluster: Pick<Cluster, "name" | "namespace" | "ports">;
}

/**
 * KEDA names the account by its public key, as the servers' `/jsz` does in operator mode, and reaches every
 * server by pod name through the headless Service.
 */
export function lagScaling(settings: LagScalingSettings, account: string, context: LagScalingContext): LagScalingSpec {
  return {
    ...settings,
    account: accountPublicKey(context.accountPublicKeys, account),
    monitoringEndpoint: clusterMonitoringEndpoint(context.cluster, context.clusterDomain),
  };
}

/** Scaling on consumer lag as a pool states it, completed with what the cluster and the credentials know. */
import { clusterMonitoringEndpoint, LagScalingSettings, LagScalingSpec } from "../workloads/keda";
import { accountPublicKey, NatsWorkloadArgs } from "./nats-access";

export type { LagScalingSettings } from "../workloads/keda";

/**
 * KEDA names the account by its public key, as the servers' `/jsz` does in operator mode, and reaches every
 * server by pod name through the headless Service.
 */
export function lagScaling(settings: LagScalingSettings, account: string, context: NatsWorkloadArgs): LagScalingSpec {
  return {
    ...settings,
    account: accountPublicKey(context.credentials, account),
    monitoringEndpoint: clusterMonitoringEndpoint(context.cluster, context.clusterDomain),
  };
}

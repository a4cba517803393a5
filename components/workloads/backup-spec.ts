/**
 * The spec of one cluster's backup objects (see backup-objects), from the model: the policy's streams on that
 * cluster, the cluster's address, and the Secrets of its accounts' backup or restore users. The Kubernetes
 * back end builds its CronJob from it, and `npm run restore -- --job` the restore Job, so the two agree.
 */
import { backupUserName, restoreUserName } from "../model/backup-users";
import { BackupPolicy, backupAccounts } from "../model/backups";
import { Cluster } from "../model/cluster";
import { clientServiceName, DEFAULT_CLUSTER_DOMAIN } from "../kubernetes/cluster/pod-placement";
import { userCredsRef } from "./creds-volume";
import { backupClaimName, backupCredsSecretName, BackupObjectsSpec, backupServiceAccountName } from "./backup-objects";

/** The spec of `cluster`'s backup objects, its creds those of each account's backup user, or restore user for `role` "restore". */
export function backupObjectsSpec(cluster: Pick<Cluster, "name" | "namespace" | "ports">, policy: BackupPolicy, partOf: string, role: "backup" | "restore", clusterDomain = DEFAULT_CLUSTER_DOMAIN): BackupObjectsSpec {
  const targets = policy.targets.filter((target) => target.cluster === cluster.name);
  const userOf = role === "backup" ? backupUserName : restoreUserName;
  return {
    clusterName: cluster.name,
    namespace: cluster.namespace,
    natsUrl: `nats://${clientServiceName(cluster)}.${cluster.namespace}.svc.${clusterDomain}:${cluster.ports.client}`,
    partOf,
    schedule: policy.schedule,
    retentionDays: policy.retentionDays,
    streams: targets.map((target) => ({ account: target.account, stream: target.stream })),
    destination: policy.destination,
    creds: Object.fromEntries(backupAccounts(targets).map((account) => [account, userCredsRef(backupCredsSecretName(cluster.name, userOf(account)), userOf(account))])),
    serviceAccountName: backupServiceAccountName(cluster.name),
    ...(policy.destination.kind === "pvc" ? { claimName: backupClaimName(cluster.name) } : {}),
  };
}

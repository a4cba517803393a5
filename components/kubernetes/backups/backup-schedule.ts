/**
 * The BackupSchedule component: one cluster's scheduled backups. A CronJob snapshots the backup policy's
 * streams and buckets on that cluster with the nats CLI, each as its account's backup user, and keeps them on
 * a PersistentVolumeClaim or uploads them to S3; the backup and restore users' creds go into Secrets of the
 * cluster's namespace, where the CronJob and a restore Job (`npm run restore -- <stack> --job <stamp>`) mount
 * them; the pods run as a ServiceAccount of their own, which EKS Pod Identity can bind to the bucket's role.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "../../model/accounts";
import { backupUserName, backupUserPermissions, restoreUserName, restoreUserPermissions } from "../../model/backup-users";
import { BackupPolicy, backupAccounts, BackupsSpec, resolveBackups } from "../../model/backups";
import { Cluster } from "../../model/cluster";
import { Problems } from "../../model/errors";
import { JetStreamResourceSetSpec, resolveJetStreamResourceSet, soleTarget } from "../../model/jetstream-resource-set";
import { subjectWithinAny } from "../../model/subjects";
import { checkInputs } from "../../pulumi-errors";
import { backupClaim, backupCredsSecretName, backupCronJob, backupServiceAccount } from "../../workloads/backup-objects";
import { backupObjectsSpec } from "../../workloads/backup-spec";
import { appLabels } from "../../workloads/object-names";
import { NatsWorkloadArgs, resolveConnection } from "../access/nats-access";
import { createUserCredsSecret } from "../access/user-creds-secret";

export const BACKUP_SCHEDULE_TYPE = "nats-jetstream:index:BackupSchedule";

/** What BackupSchedule takes: the cluster and the stack's users, the policy, and the streams and buckets it selects from. */
export interface BackupScheduleArgs extends NatsWorkloadArgs {
  /** The backup policy as the stack declares it (the stack key `backups`). Plain: it decides which objects exist. */
  backups: BackupsSpec;
  /** The streams and buckets on this cluster, as its JetStreamResources is given them: the policy selects from these. */
  jetStream: JetStreamResourceSetSpec;
  /** The stack's name: what the objects are part of, and the backups' S3 prefix unless the policy gives one. */
  stackName: string;
}

/** The user must hold every permission its role needs, or the CronJob or restore Job would fail at run time. */
function checkUser(accounts: readonly Account[], account: string, user: string, needed: { publish: string[]; subscribe: string[] }, problems: Problems): void {
  const found = accounts.find((candidate) => candidate.name === account)?.users.find((candidate) => candidate.name === user);
  if (found === undefined) {
    problems.add("accounts", account, `give account ${account} the user ${user} with the backup policy's permissions (withBackupUsers adds it)`);
    return;
  }
  const missing = [
    ...needed.publish.filter((subject) => !subjectWithinAny(subject, found.permissions.publish)).map((subject) => `publish ${subject}`),
    ...needed.subscribe.filter((subject) => !subjectWithinAny(subject, found.permissions.subscribe)).map((subject) => `subscribe ${subject}`),
  ];
  if (missing.length > 0) problems.add("accounts", account, `give user ${user} of account ${account} what its role needs: ${missing.join(", ")}`);
}

function checkArgs(args: BackupScheduleArgs): { cluster: Cluster; policy: BackupPolicy } {
  return checkInputs(() => {
    const problems = new Problems();
    const { cluster, accounts } = resolveConnection(args, problems);
    const jetStream = resolveJetStreamResourceSet(args.jetStream, { cluster, accounts, targets: [soleTarget(cluster)] }, problems, "jetStream");
    const policy = resolveBackups(args.backups, jetStream, args.stackName, problems, "backups");
    if (policy !== undefined) {
      for (const account of backupAccounts(policy.targets)) {
        checkUser(accounts, account, backupUserName(account), backupUserPermissions(account, policy.targets), problems);
        checkUser(accounts, account, restoreUserName(account), restoreUserPermissions(account, policy.targets), problems);
      }
    }
    problems.throwIfAny();
    return { cluster, policy: policy! };
  });
}

/** One cluster's scheduled backups of the streams and buckets its stack's backup policy selects. */
export class BackupSchedule extends pulumi.ComponentResource {
  /** The CronJob that takes the backups. */
  readonly cronJobName: pulumi.Output<string>;
  /** The ServiceAccount the backup pods run as: the one to bind to the bucket's role. */
  readonly serviceAccountName: pulumi.Output<string>;
  /** The claim backups are kept on; present for a PVC destination. */
  readonly claimName: pulumi.Output<string> | undefined;

  constructor(name: string, args: BackupScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { cluster, policy } = checkArgs(args);
    super(BACKUP_SCHEDULE_TYPE, name, {}, opts);
    const spec = backupObjectsSpec(cluster, policy, args.stackName, "backup", args.clusterDomain);
    const restoreSpec = backupObjectsSpec(cluster, policy, args.stackName, "restore", args.clusterDomain);

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-service-account`, backupServiceAccount(spec), { parent: this });
    const users = [...Object.values(spec.creds), ...Object.values(restoreSpec.creds)].map((creds) => creds.user!);
    const secrets = users.map((user) =>
      createUserCredsSecret(
        `${name}-${user}-creds`,
        { namespace: cluster.namespace, secretName: backupCredsSecretName(cluster.name, user), user, labels: appLabels(backupCredsSecretName(cluster.name, user), "credentials", args.stackName) },
        args.userCreds,
        { parent: this },
      ),
    );
    const claim =
      policy.destination.kind === "pvc" ? new k8s.core.v1.PersistentVolumeClaim(`${name}-claim`, backupClaim(spec, policy.destination), { parent: this }) : undefined;
    const cronJob = new k8s.batch.v1.CronJob(`${name}-cron-job`, backupCronJob(spec), { parent: this, dependsOn: [serviceAccount, ...secrets, ...(claim ? [claim] : [])] });

    this.cronJobName = cronJob.metadata.name;
    this.serviceAccountName = serviceAccount.metadata.name;
    this.claimName = claim?.metadata.name;
    this.registerOutputs({ cronJobName: this.cronJobName, serviceAccountName: this.serviceAccountName, claimName: this.claimName });
  }
}

/**
 * The BackupSchedule component under Pulumi mocks (update mode): a cluster's CronJob, ServiceAccount, creds
 * Secrets and claim, each valid against its Kubernetes schema; the CronJob's safety settings; the scripts it
 * runs parse as shell; the restore Job it pairs with; and the refusals that come before anything registers.
 */
import { spawnSync } from "child_process";
import { beforeAll, describe, expect, it } from "vitest";
import type { BackupScheduleArgs } from "../../components/kubernetes/backups/backup-schedule";
import { AccountSpec } from "../../components/model/accounts";
import { BackupsSpec, resolveBackups } from "../../components/model/backups";
import { withBackupUsers } from "../../components/model/backup-users";
import { ClusterSpec, resolveCluster } from "../../components/model/cluster";
import { Problems } from "../../components/model/errors";
import { resolveJetStreamResourceSet, soleTarget } from "../../components/model/jetstream-resource-set";
import { KeyValueSpec } from "../../components/model/kv";
import { StreamSpec } from "../../components/model/streams";
import { RecordedResource, valueOf } from "../../components/testing";
import { restoreJob, shellQuote } from "../../components/workloads/backup-objects";
import { backupObjectsSpec } from "../../components/workloads/backup-spec";
import { expectEachValid, expectRefusal } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";
import { schemaProblems } from "../support/k8s-schema";
import { stackConnection, stackCredentials } from "../support/workload-stack";

const CRON_JOB = "kubernetes:batch/v1:CronJob";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const CLAIM = "kubernetes:core/v1:PersistentVolumeClaim";

const cluster: ClusterSpec = { name: "nats", tier: "small", namespace: "messaging" };
const streams: StreamSpec[] = [
  { name: "ORDERS", account: "shop", subjects: ["orders.>"], maxBytes: "1Gi" },
  { name: "CACHE", account: "shop", subjects: ["cache.>"], storage: "memory", maxBytes: "64Mi" },
  { name: "INVOICES", account: "billing", subjects: ["invoices.>"], maxBytes: "1Gi" },
];
const keyValues: KeyValueSpec[] = [{ bucket: "settings", account: "shop", history: 5 }];
const S3: BackupsSpec = {
  schedule: "30 2 * * *",
  retentionDays: 14,
  destination: { s3: { bucket: "nats-backups", prefix: "prod", region: "eu-west-1", existing: { endpoint: "https://minio.example:9000", credentialsSecret: "backup-s3" } } },
};
const PVC: BackupsSpec = { schedule: "@daily", retentionDays: 3, streams: ["ORDERS"], buckets: [], destination: { pvc: { size: "50Gi", storageClassName: "gp3" } } };

const resolvedCluster = resolveCluster(cluster, "cluster", new Problems());
const policyOf = (backups: BackupsSpec) => resolveBackups(backups, resolveJetStreamResourceSet({ streams, keyValues }, { cluster: resolvedCluster, accounts: undefined, targets: [soleTarget(resolvedCluster)] }, new Problems()), "shop", new Problems())!;
const accountsFor = (backups: BackupsSpec): AccountSpec[] =>
  withBackupUsers([{ name: "shop", users: [{ name: "api", publisher: { stream: "ORDERS" } }] }, { name: "billing", users: [] }], policyOf(backups).targets);

const { mocks, components, deploy } = await componentStack({ preview: false });
const accounts = accountsFor(S3);
const credentials = await deploy(() => stackCredentials(cluster, accounts, streams));

function argsFor(backups: BackupsSpec, given: AccountSpec[] = accountsFor(backups)): BackupScheduleArgs {
  return { ...stackConnection(cluster, given, streams, credentials), backups, jetStream: { streams, keyValues }, stackName: "shop" };
}

const only = (type: string): RecordedResource => {
  const found = mocks.ofType(type);
  expect(found).toHaveLength(1);
  return found[0];
};

type ScriptedPod = { initContainers: { name: string; command: string[] }[]; containers: { name: string; command: string[] }[] };
/** The pod of a built Job, whose fields the builder types as Pulumi Inputs. */
const podOf = (job: ReturnType<typeof restoreJob>) => (job as unknown as { spec: { template: { spec: ScriptedPod } } }).spec.template.spec;

/** `sh -n` on a script: it parses as POSIX shell, or the parser's complaint. */
function shellSyntax(script: string): string {
  const run = spawnSync("/bin/sh", ["-n"], { input: script, encoding: "utf8" });
  return run.status === 0 ? "ok" : run.stderr;
}

describe("backups to an existing S3-compatible bucket", () => {
  let schedule: InstanceType<typeof components.BackupSchedule>;
  beforeAll(async () => {
    schedule = await deploy(() => new components.BackupSchedule("nats-backups", argsFor(S3)));
  });

  it("registers a ServiceAccount, the backup and restore users' creds Secrets and a CronJob under itself, each valid", async () => {
    const urn = await valueOf(schedule.urn);
    const children = mocks.resources.filter((resource) => resource.custom);
    expect(children.map((resource) => [resource.type, resource.name]).sort()).toEqual([
      [CRON_JOB, "nats-backups-cron-job"],
      [SECRET, "nats-backups-billing-backup-creds"],
      [SECRET, "nats-backups-billing-restore-creds"],
      [SECRET, "nats-backups-shop-backup-creds"],
      [SECRET, "nats-backups-shop-restore-creds"],
      [SERVICE_ACCOUNT, "nats-backups-service-account"],
    ]);
    for (const child of children) expect(child.options.parent).toBe(urn);
    expectEachValid(mocks.kubernetesObjects());
    expect(await valueOf(schedule.cronJobName)).toBe("nats-backup");
    expect(await valueOf(schedule.serviceAccountName)).toBe("nats-backup");
    expect(schedule.claimName).toBeUndefined();
  });

  it("runs once at a time, within deadlines, keeping a few finished runs, on the policy's schedule in UTC", () => {
    const spec = only(CRON_JOB).inputs.spec;
    expect(spec).toMatchObject({ schedule: "30 2 * * *", timeZone: "Etc/UTC", concurrencyPolicy: "Forbid", startingDeadlineSeconds: 600, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3 });
    expect(spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 3600 });
  });

  it("snapshots with nats-box as each account's backup user, then uploads with the AWS CLI, non-root and read-only", () => {
    const pod = only(CRON_JOB).inputs.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe("nats-backup");
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } });
    const [backup] = pod.initContainers;
    const [upload] = pod.containers;
    expect(backup.image).toBe("natsio/nats-box:0.19.7");
    expect(upload.image).toBe("amazon/aws-cli:2.27.63");
    for (const container of [backup, upload]) {
      expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
      expect(container.resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } });
    }
    const script: string = backup.command[2];
    expect(backup.env).toContainEqual({ name: "NATS_URL", value: "nats://nats.messaging.svc.cluster.local:4222" });
    expect(script).toContain(`nats --server "$NATS_URL" --creds '/etc/nats-creds/shop/shop-backup.creds' --inbox-prefix '_INBOX_shop-backup' stream backup 'ORDERS' "$dir"/'shop/ORDERS' --check --no-progress`);
    expect(script).toContain(`--creds '/etc/nats-creds/shop/shop-backup.creds' --inbox-prefix '_INBOX_shop-backup' stream backup 'KV_settings'`);
    expect(script).toContain(`--creds '/etc/nats-creds/billing/billing-backup.creds' --inbox-prefix '_INBOX_billing-backup' stream backup 'INVOICES'`);
    expect(script).not.toContain("CACHE");
    expect(script).toContain("sha256sum 'shop/ORDERS/backup.json' 'shop/ORDERS/stream.tar.s2'");
    expect(upload.envFrom).toEqual([{ secretRef: { name: "backup-s3" } }]);
    expect(upload.command[2]).toContain(`aws s3 cp /backup/"$stamp.tar.gz" 's3://nats-backups/prod/nats/'"$stamp.tar.gz" --region 'eu-west-1' --endpoint-url 'https://minio.example:9000' --only-show-errors`);
    expect(upload.command[2]).toContain("- 14 * 86400");
    expect([shellSyntax(script), shellSyntax(upload.command[2])]).toEqual(["ok", "ok"]);
    expect(pod.volumes.find((volume: { name: string }) => volume.name === "creds-shop")).toEqual({
      name: "creds-shop",
      secret: { secretName: "nats-backups-shop-backup-creds", defaultMode: 0o440, items: [{ key: "shop-backup.creds", path: "shop-backup.creds" }] },
    });
  });

  it("puts each user's creds, and only those, into its own Secret of the cluster's namespace", async () => {
    const secret = mocks.ofType(SECRET).find((candidate) => candidate.name === "nats-backups-shop-backup-creds")!;
    expect(secret.inputs.metadata).toMatchObject({ name: "nats-backups-shop-backup-creds", namespace: "messaging" });
    expect(Object.keys(secret.inputs.stringData)).toEqual(["shop-backup.creds"]);
    expect(secret.inputs.stringData["shop-backup.creds"]).toBe((await valueOf(credentials.userCreds))!["shop-backup"]);
    expect(secret.secretPaths).toEqual(["stringData"]);
  });

  it("pairs with a restore Job that checks the sums, and deletes existing streams only when asked to replace", () => {
    const spec = backupObjectsSpec(resolvedCluster, policyOf(S3), "shop", "restore");
    const job = restoreJob(spec, "20261201T030000Z", false);
    expect(schemaProblems(job as Record<string, unknown>)).toEqual([]);
    const pod = podOf(job);
    expect(pod.initContainers.map((container) => container.name)).toEqual(["download", "unpack"]);
    expect(pod.initContainers[0].command[2]).toContain("aws s3 cp 's3://nats-backups/prod/nats/20261201T030000Z.tar.gz' /backup/backup.tar.gz");
    const restore = pod.containers[0].command[2];
    expect(restore).toContain("cd /backup/backup && sha256sum -c SHA256SUMS");
    expect(restore).toContain(`--creds '/etc/nats-creds/shop/shop-restore.creds' --inbox-prefix '_INBOX_shop-restore' stream restore /backup/backup/'shop/ORDERS' --no-progress`);
    expect(restore).not.toContain("stream rm");
    const replacing = podOf(restoreJob(spec, "20261201T030000Z", true)).containers[0].command[2];
    expect(replacing).toContain("stream rm -f 'ORDERS'");
    for (const script of [...pod.initContainers, ...pod.containers].map((container) => container.command[2]).concat(replacing)) expect(shellSyntax(script)).toBe("ok");
  });
});

describe("backups kept on a claim", () => {
  it("back up only the named streams onto a claim of the asked size and class, pruning runs older than the retention", async () => {
    const schedule = await deploy(() => new components.BackupSchedule("nats-backups", argsFor(PVC)));
    expectEachValid(mocks.kubernetesObjects());
    expect(only(CLAIM).inputs).toMatchObject({ metadata: { name: "nats-backups", namespace: "messaging" }, spec: { resources: { requests: { storage: "50Gi" } }, storageClassName: "gp3" } });
    expect(await valueOf(schedule.claimName!)).toBe("nats-backups");
    const pod = only(CRON_JOB).inputs.spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers).toBeUndefined();
    const script: string = pod.containers[0].command[2];
    expect(script).toContain("stream backup 'ORDERS'");
    expect(script).not.toContain("KV_settings");
    expect(script).toContain(`mv "$dir" '/backup/nats'/"$stamp"`);
    expect(script).toContain("find '/backup/nats' -mindepth 1 -maxdepth 1 -type d -mtime +3 -exec rm -rf {} +");
    expect(shellSyntax(script)).toBe("ok");
    expect(pod.volumes).toContainEqual({ name: "work", persistentVolumeClaim: { claimName: "nats-backups" } });
  });
});

describe("what a backup schedule is refused", () => {
  it("a policy the model refuses, by field", async () => {
    const { paths, message } = await expectRefusal(mocks, () => new components.BackupSchedule("nats-backups", argsFor({ ...S3, schedule: "nightly", retentionDays: 0 }, accounts)));
    expect(paths).toEqual(["backups.schedule", "backups.retentionDays"]);
    expect(message).toMatch(/"nightly" is not allowed; use a five-field cron schedule/);
  });

  it("accounts without the backup users", async () => {
    const bare: AccountSpec[] = [{ name: "shop", users: [{ name: "api", publisher: { stream: "ORDERS" } }] }, { name: "billing", users: [] }];
    const { paths, message } = await expectRefusal(mocks, () => new components.BackupSchedule("nats-backups", argsFor(S3, bare)));
    expect(paths).toContain("accounts");
    expect(message).toContain("give account shop the user shop-backup with the backup policy's permissions");
  });

  it("quotes names for the shell", () => {
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellSyntax(`echo ${shellQuote("a'b $c")}`)).toBe("ok");
  });
});

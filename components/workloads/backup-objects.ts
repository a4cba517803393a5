/**
 * The Kubernetes objects of a cluster's backups, built from the model's backup policy: a CronJob that
 * snapshots each stream with the nats CLI (`nats stream backup`, in nats-box) as its account's backup user,
 * writes SHA256SUMS, and keeps the backup on a PersistentVolumeClaim or packs and uploads it to S3 (AWS CLI);
 * and a restore Job for one backup, by its UTC time stamp.
 *
 * A backup is the layout `npm run backup` writes for one cluster, so either restores the other's:
 *   <cluster>/<stamp>/SHA256SUMS, <cluster>/<stamp>/<account>/<stream>/{backup.json,stream.tar.s2}   (PVC)
 *   s3://<bucket>/<prefix>/<cluster>/<stamp>.tar.gz, that folder's contents packed                  (S3)
 */
import type * as k8s from "@pulumi/kubernetes/types/input";
import { BackupDestination } from "../model/backups";
import { pinnedImageReference, PINNED_IMAGES } from "../model/images";
import { inboxPrefix } from "../model/permissions";
import { credsFileName, CredsSecret, credsVolume } from "./creds-volume";
import { appLabels, objectName } from "./object-names";

export type CronJob = k8s.batch.v1.CronJob;
export type Job = k8s.batch.v1.Job;
type PodSpec = k8s.core.v1.PodSpec;
type Container = k8s.core.v1.Container;
type Volume = k8s.core.v1.Volume;

/** Seconds a backup or restore run may take before Kubernetes stops it: a stuck upload must not block the next run for ever. */
export const BACKUP_DEADLINE_SECONDS = 3600;
/** How late a missed run may still start; later, it waits for the next schedule. */
export const STARTING_DEADLINE_SECONDS = 600;
/** Finished runs kept of each kind, so a failure can be looked at. */
export const JOBS_HISTORY = 3;
/** Retries of a failed run within the deadline. */
export const BACKOFF_LIMIT = 2;
/** The unprivileged user the containers run as. */
const RUN_AS_USER = 1000;
const CREDS_ROOT = "/etc/nats-creds";
/** The backups' own volume: the claim (PVC), or scratch space for the packed backup (S3). */
const WORK_DIR = "/backup";
const RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } };

/** One stream a backup takes, as its account's user. */
export interface BackupStreamRef {
  account: string;
  stream: string;
}

/** What every backup object of one cluster needs. */
export interface BackupObjectsSpec {
  /** The cluster whose streams are backed up: its name is the folder of its backups. */
  clusterName: string;
  namespace: string;
  natsUrl: string;
  /** What the objects are part of (the stack), for their labels. */
  partOf: string;
  /** When the CronJob runs (cron). */
  schedule: string;
  retentionDays: number;
  streams: BackupStreamRef[];
  destination: BackupDestination;
  /** The Secret of each account's user that backs up (the CronJob) or restores (the Job), by account. */
  creds: Record<string, CredsSecret>;
  /** The ServiceAccount the pods run as: the one Pod Identity binds to the bucket's role. */
  serviceAccountName: string;
  /** The claim backups are kept on, for a PVC destination. */
  claimName?: string;
}

/** Quotes text for a POSIX shell: the stream and account names go into scripts. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

export function backupCronJobName(clusterName: string): string {
  return objectName(clusterName, "backup");
}

/** The key of a backup in its bucket. */
export function backupObjectKey(destination: Extract<BackupDestination, { kind: "s3" }>, clusterName: string, stamp: string): string {
  return `${destination.prefix}/${clusterName}/${stamp}.tar.gz`;
}

function credsVolumeName(account: string): string {
  return objectName("creds", account);
}

/** `nats` with the cluster's URL and the account's user's creds and inbox prefix. */
function natsAs(spec: BackupObjectsSpec, account: string): string {
  const user = spec.creds[account].user!;
  return `nats --server "$NATS_URL" --creds ${shellQuote(`${CREDS_ROOT}/${account}/${credsFileName(user)}`)} --inbox-prefix ${shellQuote(inboxPrefix(user))}`;
}

function streamPath(ref: BackupStreamRef): string {
  return `${ref.account}/${ref.stream}`;
}

/** The script that snapshots every stream into "$dir" and writes its SHA256SUMS. */
function snapshotScript(spec: BackupObjectsSpec): string[] {
  return [
    ...spec.streams.map((ref) => `${natsAs(spec, ref.account)} stream backup ${shellQuote(ref.stream)} "$dir"/${shellQuote(streamPath(ref))} --check --no-progress`),
    `(cd "$dir" && sha256sum ${spec.streams.flatMap((ref) => ["backup.json", "stream.tar.s2"].map((file) => shellQuote(`${streamPath(ref)}/${file}`))).join(" ")} > SHA256SUMS)`,
  ];
}

function s3Flags(destination: Extract<BackupDestination, { kind: "s3" }>): string {
  return [`--region ${shellQuote(destination.region)}`, ...(destination.existing?.endpoint ? [`--endpoint-url ${shellQuote(destination.existing.endpoint)}`] : [])].join(" ");
}

function s3Folder(destination: Extract<BackupDestination, { kind: "s3" }>, clusterName: string): string {
  return `s3://${destination.bucket}/${destination.prefix}/${clusterName}/`;
}

/** The backup container's script: snapshots into a folder named for the run's UTC time, then keeps or packs it. */
function backupScript(spec: BackupObjectsSpec): string {
  const { destination } = spec;
  const lines = ["set -eu", 'stamp="$(date -u +%Y%m%dT%H%M%SZ)"'];
  if (destination.kind === "pvc") {
    const root = `${WORK_DIR}/${spec.clusterName}`;
    // A run that fails leaves only a .partial folder, which the next run's pruning removes with the old backups.
    lines.push(`dir=${shellQuote(root)}/"$stamp.partial"`, 'mkdir -p "$dir"', ...snapshotScript(spec), `mv "$dir" ${shellQuote(root)}/"$stamp"`);
    lines.push(`find ${shellQuote(root)} -mindepth 1 -maxdepth 1 -type d -mtime +${spec.retentionDays} -exec rm -rf {} +`);
  } else {
    lines.push(`dir=${WORK_DIR}/"$stamp"`, 'mkdir -p "$dir"', ...snapshotScript(spec), `tar -czf ${WORK_DIR}/"$stamp.tar.gz" -C "$dir" .`, 'rm -rf "$dir"', `echo "$stamp" > ${WORK_DIR}/STAMP`);
  }
  lines.push('echo "backup $stamp of ' + `${spec.streams.length} stream(s) done"`);
  return lines.join("\n");
}

/** The upload container's script: puts the packed backup into the bucket, and prunes expired ones from a bucket the stack does not manage. */
function uploadScript(spec: BackupObjectsSpec, destination: Extract<BackupDestination, { kind: "s3" }>): string {
  const folder = s3Folder(destination, spec.clusterName);
  const flags = s3Flags(destination);
  const lines = [
    "set -eu",
    `stamp="$(cat ${WORK_DIR}/STAMP)"`,
    `aws s3 cp ${WORK_DIR}/"$stamp.tar.gz" ${shellQuote(folder)}"$stamp.tar.gz" ${flags}${destination.create ? " --sse aws:kms" : ""} --only-show-errors`,
  ];
  if (destination.existing !== undefined) {
    // A bucket the stack created expires backups by its lifecycle rule; another one is pruned here.
    lines.push(
      `cutoff="$(date -u -d "@$(( $(date +%s) - ${spec.retentionDays} * 86400 ))" +%Y%m%dT%H%M%SZ)"`,
      `aws s3 ls ${shellQuote(folder)} ${flags} | awk '{print $4}' | while read -r object; do`,
      `  case "$object" in *.tar.gz) if [ "\${object%.tar.gz}" \\< "$cutoff" ]; then aws s3 rm ${shellQuote(folder)}"$object" ${flags} --only-show-errors; fi ;; esac`,
      "done",
    );
  }
  lines.push('echo "uploaded $stamp.tar.gz to ' + `${folder}"`);
  return lines.join("\n");
}

function securityContext(): k8s.core.v1.SecurityContext {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };
}

function podSecurityContext(): k8s.core.v1.PodSecurityContext {
  return { runAsUser: RUN_AS_USER, runAsGroup: RUN_AS_USER, runAsNonRoot: true, fsGroup: RUN_AS_USER, seccompProfile: { type: "RuntimeDefault" } };
}

function natsBoxContainer(name: string, spec: BackupObjectsSpec, script: string): Container {
  return {
    name,
    image: pinnedImageReference(PINNED_IMAGES.natsBox),
    command: ["/bin/sh", "-c", script],
    env: [
      { name: "NATS_URL", value: spec.natsUrl },
      { name: "HOME", value: "/tmp" },
    ],
    volumeMounts: [
      ...Object.keys(spec.creds).map((account) => ({ name: credsVolumeName(account), mountPath: `${CREDS_ROOT}/${account}`, readOnly: true })),
      { name: "work", mountPath: WORK_DIR },
      { name: "tmp", mountPath: "/tmp" },
    ],
    resources: RESOURCES,
    securityContext: securityContext(),
  };
}

function awsContainer(name: string, destination: Extract<BackupDestination, { kind: "s3" }>, script: string): Container {
  return {
    name,
    image: pinnedImageReference(PINNED_IMAGES.awsCli),
    command: ["/bin/sh", "-c", script],
    env: [
      { name: "HOME", value: "/tmp" },
      { name: "AWS_REGION", value: destination.region },
    ],
    ...(destination.existing !== undefined ? { envFrom: [{ secretRef: { name: destination.existing.credentialsSecret } }] } : {}),
    volumeMounts: [
      { name: "work", mountPath: WORK_DIR },
      { name: "tmp", mountPath: "/tmp" },
    ],
    resources: RESOURCES,
    securityContext: securityContext(),
  };
}

function volumes(spec: BackupObjectsSpec): Volume[] {
  const work: Volume = spec.destination.kind === "pvc" ? { name: "work", persistentVolumeClaim: { claimName: spec.claimName! } } : { name: "work", emptyDir: {} };
  return [...Object.entries(spec.creds).map(([account, secret]) => credsVolume(credsVolumeName(account), secret)), work, { name: "tmp", emptyDir: {} }];
}

/** A pod that runs its steps one after the other to completion (all but the last as init containers), as the backup ServiceAccount, non-root. */
function runSteps(spec: BackupObjectsSpec, steps: Container[]): PodSpec {
  const initContainers = steps.slice(0, -1);
  return {
    serviceAccountName: spec.serviceAccountName,
    // The pods talk to NATS and S3, never to the Kubernetes API.
    automountServiceAccountToken: false,
    restartPolicy: "Never",
    securityContext: podSecurityContext(),
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers: steps.slice(-1),
    volumes: volumes(spec),
  };
}

function labels(spec: BackupObjectsSpec, name: string, component: string): Record<string, string> {
  return appLabels(name, component, spec.partOf);
}

/** The CronJob that backs the cluster's streams up on the policy's schedule. */
export function backupCronJob(spec: BackupObjectsSpec): CronJob {
  const name = backupCronJobName(spec.clusterName);
  const snapshot = natsBoxContainer("backup", spec, backupScript(spec));
  const upload = spec.destination.kind === "s3" ? awsContainer("upload", spec.destination, uploadScript(spec, spec.destination)) : undefined;
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: spec.namespace, labels: labels(spec, name, "backup") },
    spec: {
      schedule: spec.schedule,
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
      successfulJobsHistoryLimit: JOBS_HISTORY,
      failedJobsHistoryLimit: JOBS_HISTORY,
      jobTemplate: {
        metadata: { labels: labels(spec, name, "backup") },
        spec: {
          backoffLimit: BACKOFF_LIMIT,
          activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
          template: { metadata: { labels: labels(spec, name, "backup") }, spec: runSteps(spec, upload === undefined ? [snapshot] : [snapshot, upload]) },
        },
      },
    },
  };
}

/** The script that restores every stream of the unpacked backup in `dir`, deleting each one first when asked to replace. */
function restoreScript(spec: BackupObjectsSpec, dir: string, replace: boolean): string {
  return [
    "set -eu",
    `cd ${dir} && sha256sum -c SHA256SUMS`,
    ...spec.streams.flatMap((ref) => [
      ...(replace ? [`if ${natsAs(spec, ref.account)} stream info ${shellQuote(ref.stream)} > /dev/null 2>&1; then ${natsAs(spec, ref.account)} stream rm -f ${shellQuote(ref.stream)}; fi`] : []),
      `${natsAs(spec, ref.account)} stream restore ${dir}/${shellQuote(streamPath(ref))} --no-progress`,
    ]),
  ].join("\n");
}

/**
 * A Job that restores the backup of `stamp` into the cluster, as each account's restore user: it checks
 * SHA256SUMS first, and `nats stream restore` refuses a stream that exists unless `replace` deletes it first.
 */
export function restoreJob(spec: BackupObjectsSpec, stamp: string, replace: boolean): Job {
  const name = objectName(spec.clusterName, "restore", stamp);
  const { destination } = spec;
  let containers: Container[];
  if (destination.kind === "pvc") {
    containers = [natsBoxContainer("restore", spec, restoreScript(spec, `${WORK_DIR}/${spec.clusterName}/${stamp}`, replace))];
  } else {
    const key = backupObjectKey(destination, spec.clusterName, stamp);
    const download = awsContainer("download", destination, `set -eu\naws s3 cp ${shellQuote(`s3://${destination.bucket}/${key}`)} ${WORK_DIR}/backup.tar.gz ${s3Flags(destination)} --only-show-errors`);
    const unpack = natsBoxContainer("unpack", spec, `set -eu\nmkdir -p ${WORK_DIR}/backup\ntar -xzf ${WORK_DIR}/backup.tar.gz -C ${WORK_DIR}/backup`);
    containers = [download, unpack, natsBoxContainer("restore", spec, restoreScript(spec, `${WORK_DIR}/backup`, replace))];
  }
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: spec.namespace, labels: labels(spec, name, "restore") },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
      template: { metadata: { labels: labels(spec, name, "restore") }, spec: runSteps(spec, containers) },
    },
  };
}

/** The ServiceAccount of the backup pods: the name EKS Pod Identity binds to the bucket's role. */
export function backupServiceAccount(spec: Pick<BackupObjectsSpec, "clusterName" | "namespace" | "partOf" | "serviceAccountName">): k8s.core.v1.ServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: spec.serviceAccountName, namespace: spec.namespace, labels: appLabels(spec.serviceAccountName, "backup", spec.partOf) },
    automountServiceAccountToken: false,
  };
}

/** The claim backups are kept on, for a PVC destination. */
export function backupClaim(spec: Pick<BackupObjectsSpec, "namespace" | "partOf" | "claimName">, destination: Extract<BackupDestination, { kind: "pvc" }>): k8s.core.v1.PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: spec.claimName!, namespace: spec.namespace, labels: appLabels(spec.claimName!, "backup", spec.partOf) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: destination.size } },
      ...(destination.storageClassName !== undefined ? { storageClassName: destination.storageClassName } : {}),
    },
  };
}

/** Names the objects of a cluster's backups share. */
export function backupServiceAccountName(clusterName: string): string {
  return objectName(clusterName, "backup");
}

export function backupClaimName(clusterName: string): string {
  return objectName(clusterName, "backups");
}

/**
 * The Secret holding one backup or restore user's creds in the cluster's namespace: the backups' own copy,
 * named apart from the `<cluster>-<user>-creds` Secrets the cluster's credentials may write for every user.
 */
export function backupCredsSecretName(clusterName: string, user: string): string {
  return objectName(clusterName, "backups", user, "creds");
}

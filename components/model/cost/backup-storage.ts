/**
 * What keeping a stack's backups costs: a claim per cluster that holds backup targets, priced as gp3 at its
 * size (a claim is billed for what it provisions, not for what it holds), or an S3 bucket, priced at S3
 * Standard for the most the kept backups can hold: each target at its stream's or bucket's maxBytes, or the
 * file store of one server when it sets none, times the runs kept over the retention period.
 */
import { CronExpressionParser } from "cron-parser";
import { BackupDestination, BackupPolicy, backupTargetsByCluster, BackupTarget } from "../backups";
import { Cluster } from "../cluster";
import { GIBIBYTE } from "../quantity";
import type { Stack } from "../stack";
import type { CostLine } from "./estimate";
import { PRICES } from "./prices";

const cents = (value: number) => Math.round(value * 100) / 100;

/** The year a schedule's runs are counted over: any non-leap year gives every monthly and weekday pattern. */
const COUNTED_YEAR = 2025;
/** A schedule running more often than this is timed by how long its first runs take, not counted to the year's end. */
const MOST_RUNS_COUNTED = 1_000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * How many times a day `schedule` (a CronJob schedule, already checked by the stack's rules) runs on average,
 * counted over one year in UTC, as the CronJob controller would start it; a schedule of more than
 * MOST_RUNS_COUNTED runs a year is rated by the time between its first MOST_RUNS_COUNTED runs.
 */
export function runsPerDay(schedule: string): number {
  const start = Date.UTC(COUNTED_YEAR, 0, 1);
  const end = Date.UTC(COUNTED_YEAR + 1, 0, 1);
  const runs = CronExpressionParser.parse(schedule, { currentDate: new Date(start - 1), endDate: new Date(end - 1), tz: "UTC" });
  const times: number[] = [];
  while (runs.hasNext() && times.length < MOST_RUNS_COUNTED) times.push(runs.next().getTime());
  if (times.length < MOST_RUNS_COUNTED) return times.length / ((end - start) / DAY_MS);
  // The intervals between the runs counted, over the time they span.
  return (times.length - 1) / ((times.at(-1)! - times[0]) / DAY_MS);
}

/** The most bytes one target's backup can hold: its maxBytes, at most one server's file store (all a replica can hold). */
function targetBound(stack: Stack, target: BackupTarget, cluster: Cluster): number {
  const declared =
    target.kind === "stream"
      ? stack.jetstream.streams.find((stream) => stream.name === target.name && stream.cluster === target.cluster)?.maxBytes
      : stack.jetstream.keyValues.find((bucket) => bucket.bucket === target.name && bucket.cluster === target.cluster)?.maxBytes;
  return Math.min(declared ?? cluster.jetstream.maxFileStore, cluster.jetstream.maxFileStore);
}

function claimLine({ size, sizeBytes, storageClassName }: BackupDestination & { kind: "pvc" }, cluster: string): CostLine {
  const sizeGB = sizeBytes / GIBIBYTE;
  return {
    category: "backups",
    item: `${cluster}: backup claim of ${size} on ${storageClassName ?? "the default class"}, priced as gp3`,
    basis: `${sizeGB} GB × $${PRICES.gp3.gbMonth}`,
    monthly: cents(sizeGB * PRICES.gp3.gbMonth),
  };
}

function bucketLine(stack: Stack, policy: BackupPolicy, bucket: BackupDestination & { kind: "s3" }, cluster: Cluster, targets: readonly BackupTarget[]): CostLine {
  const where = `${cluster.name}: backups in s3://${bucket.bucket}/${bucket.prefix}`;
  if (bucket.existing?.endpoint !== undefined) {
    return { category: "backups", item: `${where} at ${bucket.existing.endpoint}`, basis: "an S3-compatible store outside AWS, not priced", monthly: 0 };
  }
  const kept = Math.ceil(runsPerDay(policy.schedule) * policy.retentionDays);
  const boundGB = targets.reduce((sum, target) => sum + targetBound(stack, target, cluster), 0) / 1e9;
  return {
    category: "backups",
    item: `${where}, at most ${kept} kept (${policy.schedule} for ${policy.retentionDays} days)`,
    basis: `${kept} × ${Number(boundGB.toFixed(3))} GB at most × $${PRICES.s3StandardGBMonth}`,
    monthly: cents(kept * boundGB * PRICES.s3StandardGBMonth),
  };
}

/** A line per cluster whose streams or buckets are backed up; none without a backup policy. */
export function backupLines(stack: Stack): CostLine[] {
  const policy = stack.backups;
  if (policy === undefined) return [];
  const { destination } = policy;
  const lines: CostLine[] = [];
  for (const [clusterName, targets] of backupTargetsByCluster(policy)) {
    const cluster = stack.clusters.find((candidate) => candidate.name === clusterName);
    if (cluster === undefined) continue;
    lines.push(destination.kind === "pvc" ? claimLine(destination, clusterName) : bucketLine(stack, policy, destination, cluster, targets));
  }
  return lines;
}

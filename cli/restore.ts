/**
 * `npm run restore -- <stack> --from DIR [--replace]`: restores a backup written by `npm run backup` (one
 * folder per cluster, each the nats CLI's `<stream>/backup.json` and `stream.tar.s2` per account) into the
 * stack's running `npm run local` servers, as each account's restore user. Everything that can refuse the
 * restore is checked before the first stream is touched: every folder's checksums and framing, that each
 * stream is one the stack's backup policy covers, and that none exists already unless --replace is given. A
 * stream backed up with more replicas than its cluster here has servers is restored with fewer, and says so.
 *
 * With --job STAMP it restores nothing here: it prints the Kubernetes Job of each cluster that restores the
 * CronJob's backup of that time into the cluster, checked the same way, as each account's restore user.
 *
 * Exit codes: 0 when every stream was restored, 1 when the stack is not running or the restore was refused or
 * failed, 2 for a bad command line, a refused stack or one without a backup policy.
 */
import * as fs from "fs";
import * as path from "path";
import { BackupRefused, checkBackupDirectory, CheckedBackup, existingRefusal, existingStreams, restoreBackup, RestoreRefused, StreamRestoreReport } from "../components/local/backup";
import { backupTargetsByCluster, restoreUserName } from "../components/model";
import { stringify } from "yaml";
import { restoreJob } from "../components/workloads/backup-objects";
import { backupObjectsSpec } from "../components/workloads/backup-spec";
import { readCommandLine, USAGE_EXIT_CODE } from "./command-line";
import { RESTORE_COMMAND } from "./commands";
import { shownPath } from "./backup/format";
import { BackupStack, loadBackupStack, missingOption, StackConnections } from "./backup/running-stack";
import { runCommand } from "./run-command";

function reportLines(cluster: string, report: StreamRestoreReport): string[] {
  return [
    `  ${cluster}  ${report.account}/${report.stream}  R${report.replicas}, ${report.messages} message(s) up to sequence ${report.lastSeq}${report.replaced ? ", replacing the stream that was there" : ""}, ${report.seconds.toFixed(2)}s`,
    ...(report.replicasNote === undefined ? [] : [`    note: ${report.replicasNote}`]),
  ];
}

/** Every cluster folder of the backup, checked, by cluster; refuses folders of clusters or streams the policy does not cover. */
function checkBackup(from: string, backup: BackupStack): Map<string, CheckedBackup> {
  if (!fs.existsSync(from) || !fs.statSync(from).isDirectory()) throw new BackupRefused(from, ["it is not a directory"]);
  const targets = backupTargetsByCluster(backup.policy);
  const folders = fs.readdirSync(from, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const reasons: string[] = [];
  const checked = new Map<string, CheckedBackup>();
  if (folders.length === 0) reasons.push(`it holds no cluster folder; the stack backs up ${[...targets.keys()].join(", ")}`);
  for (const cluster of folders) {
    const covered = targets.get(cluster);
    if (covered === undefined) {
      reasons.push(`${cluster}/ is not a cluster whose streams the backup policy of stack ${backup.stack.name} covers (${[...targets.keys()].join(", ")})`);
      continue;
    }
    try {
      const folder = checkBackupDirectory(path.join(from, cluster));
      for (const entry of folder.entries) {
        if (!covered.some((target) => target.account === entry.account && target.stream === entry.stream)) {
          reasons.push(`${cluster}/${entry.account}/${entry.stream} is not a stream the backup policy covers, so its account's restore user may not restore it`);
        }
      }
      checked.set(cluster, folder);
    } catch (error) {
      if (!(error instanceof BackupRefused)) throw error;
      reasons.push(...error.reasons.map((reason) => `${cluster}/: ${reason}`));
    }
  }
  if (reasons.length > 0) throw new BackupRefused(from, reasons);
  return checked;
}

/** The UTC time stamps the CronJob names its backups with. */
const STAMP = /^\d{8}T\d{6}Z$/;

/** Prints the restore Job of every cluster the policy backs up, as YAML documents. */
function printRestoreJobs(backup: BackupStack, stamp: string, replace: boolean): number {
  if (!STAMP.test(stamp)) {
    process.stderr.write(`--job: ${JSON.stringify(stamp)} is not allowed; give a backup's UTC time stamp as the CronJob names it, e.g. 20261201T030000Z\n`);
    return USAGE_EXIT_CODE;
  }
  const jobs = [...backupTargetsByCluster(backup.policy).keys()].map((name) => {
    const cluster = backup.stack.clusters.find((candidate) => candidate.name === name)!;
    return restoreJob(backupObjectsSpec(cluster, backup.policy, backup.stack.name, "restore"), stamp, replace);
  });
  process.stdout.write(jobs.map((job) => stringify(job, { lineWidth: 0 })).join("---\n"));
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const projectDir = process.cwd();
  const commandLine = readCommandLine(RESTORE_COMMAND, argv, projectDir);
  if (typeof commandLine === "number") return commandLine;
  const backup = loadBackupStack(projectDir, commandLine.stack);
  if (typeof backup === "number") return backup;
  if (typeof commandLine.options.job === "string") return printRestoreJobs(backup, commandLine.options.job, commandLine.options.replace === true);
  if (typeof commandLine.options.from !== "string") return missingOption(RESTORE_COMMAND, "from", projectDir);
  const from = path.resolve(projectDir, commandLine.options.from);
  const replace = commandLine.options.replace === true;
  let connections: StackConnections | undefined;
  try {
    const folders = checkBackup(from, backup);
    connections = StackConnections.of(backup);
    const as = (cluster: string) => (account: string) => connections!.as(cluster, restoreUserName(account));
    if (!replace) {
      const present: string[] = [];
      for (const [cluster, folder] of folders) present.push(...(await existingStreams(folder, as(cluster))).map((stream) => `${cluster}/${stream}`));
      if (present.length > 0) throw existingRefusal(present);
    }
    process.stdout.write(`restoring ${shownPath(from)} into stack ${backup.stack.name}\n`);
    let streams = 0;
    for (const [cluster, folder] of folders) {
      const servers = backup.stack.clusters.find((candidate) => candidate.name === cluster)!.servers;
      const reports = await restoreBackup(folder, as(cluster), { maxReplicas: servers, replace }, (report) => process.stdout.write(`${reportLines(cluster, report).join("\n")}\n`));
      streams += reports.length;
    }
    process.stdout.write(`restored ${streams} stream(s)\n`);
    return 0;
  } catch (error) {
    const refused = error instanceof BackupRefused || error instanceof RestoreRefused;
    process.stderr.write(`${refused ? "" : "restore failed: "}${(error as Error).message}\n`);
    return 1;
  } finally {
    await connections?.close();
  }
}

runCommand("restore", () => main(process.argv.slice(2)));

/**
 * `npm run backup -- <stack> [--out DIR]`: snapshots every stream and bucket of the stack's backup policy from
 * the stack's running `npm run local` servers, through JetStream's snapshot API as each account's backup user
 * (the user the Kubernetes CronJob runs as), into one folder per cluster: `<DIR>/<cluster>/SHA256SUMS` and
 * `<DIR>/<cluster>/<account>/<stream>/{backup.json,stream.tar.s2}` (see components/local/backup).
 *
 * A backup is whole or absent: when a snapshot fails, the folder is removed.
 *
 * Exit codes: 0 when every stream was backed up, 1 when the stack is not running or a snapshot failed, 2 for
 * a bad command line, a refused stack or one without a backup policy.
 */
import * as fs from "fs";
import * as path from "path";
import { StreamBackupReport, takeBackup } from "../components/local/backup";
import { backupTargetsByCluster, backupUserName, inboxPrefix } from "../components/model";
import { readCommandLine, USAGE_EXIT_CODE } from "./command-line";
import { BACKUP_COMMAND } from "./commands";
import { backupStamp, shownPath, size } from "./backup/format";
import { loadBackupStack, StackConnections } from "./backup/running-stack";
import { runCommand } from "./run-command";

function reportLine(cluster: string, report: StreamBackupReport): string {
  const range = report.messages === 0 ? "empty" : `${report.messages} message(s), sequences ${report.firstSeq}..${report.lastSeq}`;
  return `  ${cluster}  ${report.account}/${report.stream}  ${range}, ${size(report.storedBytes)} stored, ${size(report.bytes)} snapshot, ${report.seconds.toFixed(2)}s`;
}

async function main(argv: readonly string[]): Promise<number> {
  const projectDir = process.cwd();
  const commandLine = readCommandLine(BACKUP_COMMAND, argv, projectDir);
  if (typeof commandLine === "number") return commandLine;
  const backup = loadBackupStack(projectDir, commandLine.stack);
  if (typeof backup === "number") return backup;
  const out = path.resolve(projectDir, (commandLine.options.out as string | undefined) ?? path.join("backups", backup.stack.name, backupStamp()));
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    process.stderr.write(`--out ${shownPath(out)} is not empty: give a new or empty directory, so that one backup never mixes with another\n`);
    return USAGE_EXIT_CODE;
  }
  let connections: StackConnections | undefined;
  try {
    connections = StackConnections.of(backup);
    const stack = backup.stack.name;
    process.stdout.write(`backing up stack ${stack} into ${shownPath(out)}\n`);
    let streams = 0;
    for (const [cluster, targets] of backupTargetsByCluster(backup.policy)) {
      const items = targets.map((target) => ({ account: target.account, stream: target.stream }));
      const as = async (account: string) => ({ nc: await connections!.as(cluster, backupUserName(account)), inboxPrefix: inboxPrefix(backupUserName(account)) });
      const reports = await takeBackup(items, as, path.join(out, cluster), (report) => process.stdout.write(`${reportLine(cluster, report)}\n`));
      streams += reports.length;
    }
    process.stdout.write(`backed up ${streams} stream(s); restore with: npm run restore -- ${stack} --from ${shownPath(out)}\n`);
    return 0;
  } catch (error) {
    // A backup is whole or absent: a folder missing a stream would later restore as if it were complete.
    fs.rmSync(out, { recursive: true, force: true });
    process.stderr.write(`backup failed, nothing was kept in ${shownPath(out)}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await connections?.close();
  }
}

runCommand("backup", () => main(process.argv.slice(2)));

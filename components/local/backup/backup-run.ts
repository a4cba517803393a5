/**
 * Backs up a list of streams into a backup directory (see backup-directory), one snapshot at a time, each as a
 * user of the stream's account. A stream that fails leaves no directory of its own behind, and the run stops:
 * a backup is either whole, with its SHA256SUMS written last, or reported as failed.
 */
import * as fs from "fs";
import * as path from "path";
import { NatsConnection } from "@nats-io/transport-node";
import { DATA_FILE, META_FILE, writeChecksums } from "./backup-directory";
import { snapshotStream } from "./snapshot-client";

/** A stream to back up, by the account that holds it. */
export interface BackupItem {
  account: string;
  stream: string;
}

/** A connection as a user of the account, with the inbox prefix its replies arrive under. */
export interface AccountConnection {
  nc: NatsConnection;
  inboxPrefix: string;
}

export interface StreamBackupReport extends BackupItem {
  messages: number;
  firstSeq: number;
  lastSeq: number;
  /** Bytes of stream.tar.s2. */
  bytes: number;
  /** Bytes of the stream's messages when the snapshot was taken, as the server counts them. */
  storedBytes: number;
  seconds: number;
}

/** Snapshots every item into `<dir>/<account>/<stream>/`, then writes `<dir>/SHA256SUMS`. */
export async function takeBackup(
  items: readonly BackupItem[],
  connection: (account: string) => Promise<AccountConnection>,
  dir: string,
  onStream: (report: StreamBackupReport) => void = () => undefined,
): Promise<StreamBackupReport[]> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const reports: StreamBackupReport[] = [];
  for (const item of items) {
    const streamDir = path.join(dir, item.account, item.stream);
    fs.mkdirSync(streamDir, { recursive: true, mode: 0o700 });
    const started = Date.now();
    const fd = fs.openSync(path.join(streamDir, DATA_FILE), "w", 0o600);
    try {
      const { nc, inboxPrefix } = await connection(item.account);
      const result = await snapshotStream(nc, item.stream, (chunk) => fs.writeSync(fd, chunk), { inboxPrefix });
      fs.writeFileSync(path.join(streamDir, META_FILE), `${JSON.stringify({ config: result.config, state: result.state }, null, 2)}\n`, { mode: 0o600 });
      const report = {
        ...item,
        messages: result.state.messages ?? 0,
        firstSeq: result.state.first_seq ?? 0,
        lastSeq: result.state.last_seq ?? 0,
        bytes: result.bytes,
        storedBytes: result.state.bytes ?? 0,
        seconds: (Date.now() - started) / 1000,
      };
      reports.push(report);
      onStream(report);
    } catch (error) {
      fs.rmSync(streamDir, { recursive: true, force: true });
      throw new Error(`backup of stream ${item.stream} (account ${item.account}) failed, so the backup in ${dir} is incomplete: ${(error as Error).message}`);
    } finally {
      fs.closeSync(fd);
    }
  }
  writeChecksums(dir, items);
  return reports;
}

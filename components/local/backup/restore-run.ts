/**
 * Restores a checked backup directory (see checkBackupDirectory) into a running cluster. Everything that can
 * refuse the restore is looked at before the first stream is touched: the backup's checks, and streams of the
 * same name already in the target, which are replaced only when asked. A restored stream must reach the last
 * sequence its backup.json recorded, or it is removed again and the restore fails.
 */
import { NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager, JetStreamManager } from "@nats-io/jetstream";
import { CheckedBackup, DATA_FILE, fileChunks, StreamBackupEntry } from "./backup-directory";
import { RESTORE_CHUNK_SIZE, restoreStream } from "./restore-client";
import * as path from "path";
import { pollUntil } from "../poll";

export interface RestoreOptions {
  /** Most replicas the target cluster can hold (its server count); a backup's larger count is lowered to it. */
  maxReplicas: number;
  /** Delete a stream of the same name before restoring it; without it such a stream refuses the whole restore. */
  replace?: boolean;
  /** How long a restored replicated stream's followers may take to catch up with its leader. Default 60 s. */
  replicationTimeoutMs?: number;
}

export interface StreamRestoreReport {
  account: string;
  stream: string;
  messages: number;
  lastSeq: number;
  replicas: number;
  /** Set when the replicas differ from the backup's, saying why. */
  replicasNote?: string;
  /** Whether a stream of that name was deleted first. */
  replaced: boolean;
  seconds: number;
}

/** A restore refused before any stream was touched. */
export class RestoreRefused extends Error {}

async function exists(jsm: JetStreamManager, stream: string): Promise<boolean> {
  try {
    await jsm.streams.info(stream);
    return true;
  } catch (error) {
    if (/stream not found/i.test((error as Error).message)) return false;
    throw error;
  }
}

/** The backup's config with its replicas lowered to what the target holds, and the sentence saying so. */
function targetConfig(entry: StreamBackupEntry, maxReplicas: number): { config: StreamBackupEntry["meta"]["config"]; note?: string } {
  const replicas = entry.meta.config.num_replicas ?? 1;
  if (replicas <= maxReplicas) return { config: entry.meta.config };
  return {
    config: { ...entry.meta.config, num_replicas: maxReplicas },
    note: `stream ${entry.stream} was R${replicas} in the backup and is restored as R${maxReplicas}: the target cluster has ${maxReplicas} server(s)`,
  };
}

/**
 * Waits until every follower of a replicated stream is current: the server restores a snapshot on the stream's
 * leader, and the followers catch up afterwards, so until then a reader or consumer placed on one sees less.
 */
async function waitForReplicas(jsm: JetStreamManager, stream: string, replicas: number, timeoutMs: number): Promise<void> {
  if (replicas <= 1) return;
  await pollUntil(
    async () => {
      const followers = (await jsm.streams.info(stream)).cluster?.replicas ?? [];
      const behind = followers.filter((follower) => !follower.current || (follower.lag ?? 0) > 0).map((follower) => follower.name);
      if (followers.length === replicas - 1 && behind.length === 0) return { reached: undefined };
      return { missing: `${followers.length} of ${replicas - 1} follower(s) known, ${behind.length === 0 ? "none" : behind.join(", ")} behind` };
    },
    { what: `the replicas of restored stream ${stream} to be current`, timeoutMs },
  );
}

async function accountManagers(backup: CheckedBackup, connection: (account: string) => Promise<NatsConnection>): Promise<Map<string, JetStreamManager>> {
  const managers = new Map<string, JetStreamManager>();
  for (const account of new Set(backup.entries.map((entry) => entry.account))) managers.set(account, await jetstreamManager(await connection(account)));
  return managers;
}

/** The backup's streams that exist in the target already, as `<account>/<stream>`. */
export async function existingStreams(
  backup: CheckedBackup,
  connection: (account: string) => Promise<NatsConnection>,
  managers?: Map<string, JetStreamManager>,
): Promise<string[]> {
  const byAccount = managers ?? (await accountManagers(backup, connection));
  const present: string[] = [];
  for (const entry of backup.entries) if (await exists(byAccount.get(entry.account)!, entry.stream)) present.push(`${entry.account}/${entry.stream}`);
  return present;
}

/** The refusal of a restore over existing streams, naming them and how to go ahead. */
export function existingRefusal(present: readonly string[]): RestoreRefused {
  return new RestoreRefused(`restore refused, nothing was changed: stream(s) ${present.join(", ")} already exist in the target; delete them, or pass --replace to have them deleted and restored from the backup`);
}

/** Restores every entry of `backup`, each as a user of its account given by `connection`. */
export async function restoreBackup(
  backup: CheckedBackup,
  connection: (account: string) => Promise<NatsConnection>,
  options: RestoreOptions,
  onStream: (report: StreamRestoreReport) => void = () => undefined,
): Promise<StreamRestoreReport[]> {
  const managers = await accountManagers(backup, connection);
  const present = await existingStreams(backup, connection, managers);
  if (present.length > 0 && options.replace !== true) throw existingRefusal(present);
  const reports: StreamRestoreReport[] = [];
  for (const entry of backup.entries) {
    const started = Date.now();
    const jsm = managers.get(entry.account)!;
    const replaced = present.includes(`${entry.account}/${entry.stream}`);
    if (replaced) await jsm.streams.delete(entry.stream);
    const { config, note } = targetConfig(entry, options.maxReplicas);
    const restored = await restoreStream(await connection(entry.account), { config, state: entry.meta.state }, fileChunks(path.join(entry.dir, DATA_FILE), RESTORE_CHUNK_SIZE));
    // backup.json holds the state the server reported when the snapshot was requested; messages stored while
    // the request was answered can be in the snapshot too, so the restored stream may end later, never earlier.
    const expectedLastSeq = entry.meta.state.last_seq ?? 0;
    if ((restored.state.last_seq ?? 0) < expectedLastSeq) {
      await jsm.streams.delete(entry.stream);
      throw new Error(
        `restore of stream ${entry.stream} (account ${entry.account}) ended at sequence ${restored.state.last_seq}, ` +
          `but the backup recorded messages up to ${expectedLastSeq}; the restored stream was removed`,
      );
    }
    const replicas = (restored.config.num_replicas as number | undefined) ?? 1;
    await waitForReplicas(jsm, entry.stream, replicas, options.replicationTimeoutMs ?? 60_000);
    const report = {
      account: entry.account,
      stream: entry.stream,
      messages: restored.state.messages ?? 0,
      lastSeq: restored.state.last_seq ?? 0,
      replicas,
      ...(note === undefined ? {} : { replicasNote: note }),
      replaced,
      seconds: (Date.now() - started) / 1000,
    };
    reports.push(report);
    onStream(report);
  }
  return reports;
}

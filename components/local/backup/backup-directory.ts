/**
 * The on-disk layout of a backup, shared by `npm run backup`, `npm run restore` and the Kubernetes CronJob:
 *
 *   <dir>/SHA256SUMS                           sha256sum's format, every file below, relative to <dir>
 *   <dir>/<account>/<stream>/backup.json      the stream's config and state when it was snapshotted
 *   <dir>/<account>/<stream>/stream.tar.s2    the snapshot as nats-server sent it
 *
 * Each `<stream>` directory is what `nats stream backup` writes (backup.json plus stream.tar.s2), so
 * `nats stream restore <dir>` restores it, and a directory the nats CLI made restores here once it is put
 * under `<account>/`. SHA256SUMS is this project's addition (`sha256sum -c SHA256SUMS` checks it by hand); a
 * directory without it is restored after the structural checks alone.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { s2FramingProblem } from "./s2-frames";
import { StreamBackupMeta } from "./snapshot-api";

export const META_FILE = "backup.json";
export const DATA_FILE = "stream.tar.s2";
export const CHECKSUMS_FILE = "SHA256SUMS";

/** One stream of a backup directory. */
export interface StreamBackupEntry {
  account: string;
  stream: string;
  dir: string;
  meta: StreamBackupMeta;
  /** Size of stream.tar.s2 in bytes. */
  bytes: number;
}

/** A backup directory that passed every check, and what could not be checked. */
export interface CheckedBackup {
  dir: string;
  entries: StreamBackupEntry[];
  /** Whether SHA256SUMS was there and matched every file. */
  checksummed: boolean;
}

/** A backup that must not be restored, with every reason found. */
export class BackupRefused extends Error {
  constructor(
    readonly dir: string,
    readonly reasons: string[],
  ) {
    super(`backup ${dir} refused, nothing was restored:\n${reasons.map((reason) => `  - ${reason}`).join("\n")}`);
  }
}

/** The file's SHA-256, read in blocks so that a snapshot of any size is hashed in little memory. */
export function sha256File(file: string): string {
  const hash = crypto.createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const block = Buffer.alloc(1024 * 1024);
    for (let read = fs.readSync(fd, block); read > 0; read = fs.readSync(fd, block)) hash.update(block.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/** Writes SHA256SUMS over every backup.json and stream.tar.s2 under `dir`. */
export function writeChecksums(dir: string, entries: readonly { account: string; stream: string }[]): void {
  const lines = entries.flatMap(({ account, stream }) =>
    [META_FILE, DATA_FILE].map((file) => {
      const relative = path.posix.join(account, stream, file);
      return `${sha256File(path.join(dir, relative))}  ${relative}`;
    }),
  );
  fs.writeFileSync(path.join(dir, CHECKSUMS_FILE), `${lines.join("\n")}\n`, { mode: 0o600 });
}

function readChecksums(dir: string, reasons: string[]): Map<string, string> | undefined {
  const file = path.join(dir, CHECKSUMS_FILE);
  if (!fs.existsSync(file)) return undefined;
  const sums = new Map<string, string>();
  fs.readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .forEach((line, index) => {
      const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (match === null) reasons.push(`${CHECKSUMS_FILE} line ${index + 1} is not "<sha256>  <file>"`);
      else sums.set(match[2], match[1]);
    });
  return sums;
}

function readMeta(file: string, stream: string, reasons: string[]): StreamBackupMeta | undefined {
  let meta: StreamBackupMeta;
  try {
    meta = JSON.parse(fs.readFileSync(file, "utf8")) as StreamBackupMeta;
  } catch (error) {
    reasons.push(`${file} is not JSON: ${(error as Error).message}`);
    return undefined;
  }
  if (typeof meta?.config?.name !== "string" || typeof meta?.state !== "object" || meta.state === null) {
    reasons.push(`${file} holds no stream config and state`);
    return undefined;
  }
  if (meta.config.name !== stream) reasons.push(`${file} is a backup of stream ${meta.config.name}, but lies in the directory of stream ${stream}`);
  if (meta.config.storage === "memory") reasons.push(`${file} is of a memory stream, which JetStream cannot restore from a snapshot`);
  return meta;
}

/**
 * Reads and checks a backup directory before anything is restored from it: its layout, every backup.json,
 * SHA256SUMS against every file when it is there, and the framing of every snapshot. Throws BackupRefused
 * with every reason found; `only` keeps the streams it names.
 */
export function checkBackupDirectory(dir: string, only?: (account: string, stream: string) => boolean): CheckedBackup {
  const reasons: string[] = [];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new BackupRefused(dir, ["it is not a directory"]);
  const sums = readChecksums(dir, reasons);
  const entries: StreamBackupEntry[] = [];
  const listed = new Set<string>();
  for (const account of fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
    for (const stream of fs.readdirSync(path.join(dir, account), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
      const streamDir = path.join(dir, account, stream);
      const files = [META_FILE, DATA_FILE].map((file) => path.join(streamDir, file));
      const missing = files.filter((file) => !fs.existsSync(file));
      if (missing.length > 0) {
        reasons.push(`${streamDir} lacks ${missing.map((file) => path.basename(file)).join(" and ")}`);
        continue;
      }
      for (const file of files) {
        const relative = path.posix.join(account, stream, path.basename(file));
        listed.add(relative);
        const expected = sums?.get(relative);
        if (sums !== undefined && expected === undefined) reasons.push(`${relative} is not listed in ${CHECKSUMS_FILE}`);
        else if (expected !== undefined && sha256File(file) !== expected) reasons.push(`${relative} does not match its checksum in ${CHECKSUMS_FILE}: the file changed or was cut short`);
      }
      const framing = s2FramingProblem(files[1]);
      if (framing !== undefined) reasons.push(`${path.posix.join(account, stream, DATA_FILE)}: ${framing}`);
      const meta = readMeta(files[0], stream, reasons);
      if (meta !== undefined && (only === undefined || only(account, stream))) entries.push({ account, stream, dir: streamDir, meta, bytes: fs.statSync(files[1]).size });
    }
  }
  for (const relative of sums?.keys() ?? []) {
    if (!listed.has(relative)) reasons.push(`${relative} is listed in ${CHECKSUMS_FILE} but missing`);
  }
  if (reasons.length === 0 && entries.length === 0) reasons.push("it holds no <account>/<stream>/backup.json and stream.tar.s2");
  if (reasons.length > 0) throw new BackupRefused(dir, reasons);
  return { dir, entries, checksummed: sums !== undefined };
}

/** The snapshot file in chunks of `size` bytes, read as they are uploaded. */
export function* fileChunks(file: string, size: number): Generator<Uint8Array> {
  const fd = fs.openSync(file, "r");
  try {
    for (;;) {
      const buffer = Buffer.alloc(size);
      const read = fs.readSync(fd, buffer, 0, size, null);
      if (read === 0) return;
      yield buffer.subarray(0, read);
    }
  } finally {
    fs.closeSync(fd);
  }
}

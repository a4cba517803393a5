/**
 * Files only their owner may read: key material, creds, and the local back end's configs, logs and stores.
 * A mode given at creation is cut by the process umask but never widened by it, and an existing file or
 * directory keeps its old mode, so every helper sets the mode again after creating.
 */
import * as fs from "fs";

/** rw for the owner, nothing for group and others. */
export const OWNER_ONLY_FILE = 0o600;
/** rwx for the owner, nothing for group and others: no one else may list or enter it. */
export const OWNER_ONLY_DIR = 0o700;

/** Creates `dir` and any missing parent owner-only, and makes `dir` itself owner-only if it already existed. */
export function makeOwnerOnlyDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR });
  fs.chmodSync(dir, OWNER_ONLY_DIR);
}

/** Writes `text` to `file`, owner-only. */
export function writeOwnerOnlyFile(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: OWNER_ONLY_FILE });
  fs.chmodSync(file, OWNER_ONLY_FILE);
}

/** Appends `text` to `file`, created owner-only when missing. */
export function appendOwnerOnlyFile(file: string, text: string): void {
  fs.appendFileSync(file, text, { mode: OWNER_ONLY_FILE });
  fs.chmodSync(file, OWNER_ONLY_FILE);
}

/** A descriptor appending to `file`, created owner-only when missing; the caller closes it. */
export function openOwnerOnlyForAppend(file: string): number {
  const descriptor = fs.openSync(file, "a", OWNER_ONLY_FILE);
  fs.fchmodSync(descriptor, OWNER_ONLY_FILE);
  return descriptor;
}

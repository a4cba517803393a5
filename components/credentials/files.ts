/**
 * Credentials on a local disk, for the local back end: key material kept between runs so that a restart
 * keeps the same keys, and creds files for clients. Both hold secrets, so both are written owner-only.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { makeOwnerOnlyDir, OWNER_ONLY_FILE, writeOwnerOnlyFile } from "../owner-only-files";
import { GeneratedUser } from "./generate";
import { KEY_BYTES, KeyEntity } from "./keys";

interface StoredKey {
  rotation: string;
  /** base64 of the key bytes. */
  bytes: string;
}

/**
 * Key bytes for every entity, read from `file` (JSON, owner-only). An entity that is missing, or whose
 * rotation value changed, gets fresh random bytes, as a Pulumi RandomBytes with a changed keeper would;
 * entities no longer listed are dropped. The file is rewritten only when something changed, and is owner-only.
 */
export function loadKeyMaterial(file: string, entities: readonly KeyEntity[]): Record<string, Uint8Array> {
  const stored: Record<string, StoredKey> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  const kept: Record<string, StoredKey> = {};
  for (const entity of entities) {
    const previous = stored[entity.id];
    kept[entity.id] =
      previous !== undefined && previous.rotation === entity.rotation
        ? previous
        : { rotation: entity.rotation, bytes: randomBytes(KEY_BYTES).toString("base64") };
  }
  const text = JSON.stringify(kept, null, 2) + "\n";
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) writeOwnerOnlyFile(file, text);
  // A file kept from before owner-only was the rule may still be readable by others.
  else fs.chmodSync(file, OWNER_ONLY_FILE);
  return Object.fromEntries(Object.entries(kept).map(([id, key]) => [id, new Uint8Array(Buffer.from(key.bytes, "base64"))]));
}

/** Writes `<user>.creds` for each user into `dir` (made owner-only); returns the paths by user name. */
export function writeCredsFiles(dir: string, users: readonly GeneratedUser[]): Record<string, string> {
  makeOwnerOnlyDir(dir);
  const paths: Record<string, string> = {};
  for (const user of users) {
    paths[user.name] = path.join(dir, `${user.name}.creds`);
    writeOwnerOnlyFile(paths[user.name], user.creds);
  }
  return paths;
}

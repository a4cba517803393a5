/**
 * Credentials on a local disk, for the local back end: key material kept between runs so that a restart
 * keeps the same keys, and creds files for clients. Both hold secrets, so both are written owner-only.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { GeneratedUser } from "./generate";
import { KEY_BYTES, KeyEntity } from "./keys";

const OWNER_ONLY = 0o600;

function writeOwnerOnly(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: OWNER_ONLY });
  // The mode option applies only when the file is created; an existing file keeps its old mode otherwise.
  fs.chmodSync(file, OWNER_ONLY);
}

interface StoredKey {
  rotation: string;
  /** base64 of the key bytes. */
  bytes: string;
}

/**
 * Key bytes for every entity, read from `file` (JSON, owner-only). An entity that is missing, or whose
 * rotation value changed, gets fresh random bytes, as a Pulumi RandomBytes with a changed keeper would;
 * entities no longer listed are dropped. The file is rewritten only when something changed.
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
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) writeOwnerOnly(file, text);
  return Object.fromEntries(Object.entries(kept).map(([id, key]) => [id, new Uint8Array(Buffer.from(key.bytes, "base64"))]));
}

/** Writes `<user>.creds` for each user into `dir` (created owner-only if missing); returns the paths by user name. */
export function writeCredsFiles(dir: string, users: readonly GeneratedUser[]): Record<string, string> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const paths: Record<string, string> = {};
  for (const user of users) {
    paths[user.name] = path.join(dir, `${user.name}.creds`);
    writeOwnerOnly(paths[user.name], user.creds);
  }
  return paths;
}

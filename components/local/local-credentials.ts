/**
 * The credentials of a local run: the stack's own operator, accounts and users, from key bytes kept in the run
 * directory between runs (so creds files handed out keep working), plus one local-only admin per account.
 *
 * The stack's streams are created as each account's provisioner (`<account>-nack`, the NACK controller's user
 * on Kubernetes), so a local run proves its permissions suffice. The admins are for what no role of the
 * stack does: the status table's listing of every stream, and the smoke check's test streams (placement
 * across a supercluster, a leaf site's hub stream). Each account with JetStream gets one, `<account>.admin`,
 * with the JetStream API, signed by the account's key, reading replies under its own inbox prefix. Users are
 * not part of an account's JWT, so the servers' config is exactly what the pods get, and the admins exist
 * only on this machine.
 */
import * as path from "path";
import { loadKeyMaterial, writeCredsFiles } from "../credentials/files";
import { generateCredentials, GeneratedCredentials } from "../credentials/generate";
import { keyEntities } from "../credentials/keys";
import { Account, INITIAL_ROTATION, User } from "../model/accounts";
import { inboxSubjects } from "../model/permissions";

/** Key bytes of every entity, owner-only; kept when the run directory is wiped. */
export const KEYS_FILE = "keys.json";
/** Directory of the `<user>.creds` files, owner-only. */
export const CREDS_DIR = "creds";

/** A dot cannot appear in a stack's user names (DNS labels), so an admin's name never takes one of theirs. */
export function localAdminName(account: string): string {
  return `${account}.admin`;
}

function localAdmin(account: Account): User {
  return {
    name: localAdminName(account.name),
    account: account.name,
    permissions: { publish: ["$JS.API.>"], subscribe: [inboxSubjects(localAdminName(account.name))], allowResponses: false },
    connectionTypes: undefined,
    expires: undefined,
    rotation: INITIAL_ROTATION,
  };
}

/** The accounts with an admin added to each that has JetStream. */
export function withLocalAdmins(accounts: readonly Account[]): Account[] {
  return accounts.map((account) => (account.limits.jetstream === undefined ? account : { ...account, users: [...account.users, localAdmin(account)] }));
}

export interface LocalCredentials {
  generated: GeneratedCredentials;
  /** Path of each user's creds file, by user name, the admins' included. */
  credsFiles: Record<string, string>;
  /** The admin of each account that has JetStream, by account name. */
  admins: Record<string, string>;
}

/**
 * Loads or makes the key material in `<runDir>/keys.json`, issues every JWT, and writes every creds file into
 * `<runDir>/creds/`. `accounts` come from the resolved stack, the system account included.
 */
export async function prepareLocalCredentials(runDir: string, accounts: readonly Account[], operatorName: string): Promise<LocalCredentials> {
  const local = withLocalAdmins(accounts);
  const keyBytes = loadKeyMaterial(path.join(runDir, KEYS_FILE), keyEntities(local));
  const generated = await generateCredentials(local, keyBytes, { operatorName });
  const admins = Object.fromEntries(local.filter((account) => account.limits.jetstream !== undefined).map((account) => [account.name, localAdminName(account.name)]));
  return { generated, credsFiles: writeCredsFiles(path.join(runDir, CREDS_DIR), generated.users), admins };
}

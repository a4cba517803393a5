/**
 * Operator-mode credentials from resolved accounts and stored key material. Pure: the same accounts and
 * bytes always give byte-identical JWTs and creds, so the Pulumi component (bytes from RandomBytes in state)
 * and the local back end (bytes from its run directory) produce the same kind of result.
 */
import { Account as AccountClaims, Export, Import, KeyPair, Permission, User as UserClaims } from "@nats-io/jwt";
import { Account, User } from "../model/accounts";
import { ConfBlock } from "../model/conf";
import { clientInboxPrefix } from "../model/permissions";
import { accountJwt, credsText, operatorJwt, userJwt } from "./jwt";
import { accountKeyId, KeyEntity, keyEntities, keyPairFromBytes, OPERATOR_KEY_ID, signingKeyId, userKeyId } from "./keys";
import { operatorConfSection } from "./operator-config";

export interface GeneratedAccount {
  name: string;
  publicKey: string;
  /** Public key that signs the account's users, when the account has a separate signing key. */
  signingKey: string | undefined;
  jwt: string;
}

export interface GeneratedUser {
  account: string;
  name: string;
  publicKey: string;
  jwt: string;
  /** The `.creds` file: JWT and seed. Secret: store it only where secrets go (a Kubernetes Secret, a 0600 file). */
  creds: string;
  /** The inbox prefix the user's client must set to read its replies (see clientInboxPrefix). */
  inboxPrefix: string;
}

export interface GeneratedCredentials {
  operatorPublicKey: string;
  operatorJwt: string;
  /** Public key of the system account. */
  systemAccount: string;
  accounts: GeneratedAccount[];
  users: GeneratedUser[];
  /** The nats.conf section for renderServer's extraSections. Public: JWTs only. */
  confSection: ConfBlock;
}

export interface GenerateOptions {
  /** Operator name written into its JWT. Default "nats". */
  operatorName?: string;
}

/** A missing allow list lets everything through, so "nothing" is written as a deny of every subject. */
function allowOnly(subjects: readonly string[]): Partial<Permission> {
  return subjects.length > 0 ? { allow: [...subjects] } : { deny: [">"] };
}

function accountClaims(account: Account, publicKeyOf: (name: string) => string, signingKey: KeyPair | undefined): Partial<AccountClaims> {
  const { limits } = account;
  const exports: Export[] = account.exports.map((exported) => ({ name: exported.subject, subject: exported.subject, type: exported.type }));
  const imports: Import[] = account.imports.map((imported) => ({
    name: `${imported.account} ${imported.subject}`,
    account: publicKeyOf(imported.account),
    subject: imported.subject,
    type: imported.type,
    ...(imported.localSubject !== undefined ? { local_subject: imported.localSubject } : {}),
  }));
  return {
    limits: {
      conn: limits.conn,
      subs: limits.subs,
      payload: limits.payload,
      data: limits.data,
      imports: limits.imports,
      exports: limits.exports,
      wildcards: limits.wildcards,
      leaf: limits.leaf,
      ...(limits.jetstream
        ? {
            mem_storage: limits.jetstream.memStorage,
            disk_storage: limits.jetstream.diskStorage,
            streams: limits.jetstream.streams,
            consumer: limits.jetstream.consumer,
          }
        : {}),
    },
    ...(exports.length > 0 ? { exports } : {}),
    ...(imports.length > 0 ? { imports } : {}),
    ...(signingKey ? { signing_keys: [signingKey.getPublicKey()] } : {}),
  };
}

function userClaims(user: User): Partial<UserClaims> {
  return {
    pub: allowOnly(user.permissions.publish),
    sub: allowOnly(user.permissions.subscribe),
    ...(user.permissions.allowResponses ? { resp: { max: 1, ttl: 0 } } : {}),
    subs: -1,
    data: -1,
    payload: -1,
    ...(user.connectionTypes ? { allowed_connection_types: [...user.connectionTypes] } : {}),
  };
}

/** Key pairs of every entity, failing with the ids that have no key material. */
function keyPairs(entities: readonly KeyEntity[], keyBytes: Readonly<Record<string, Uint8Array>>): Map<string, KeyPair> {
  const missing = entities.filter((entity) => keyBytes[entity.id] === undefined).map((entity) => entity.id);
  if (missing.length > 0) throw new Error(`no key material for ${missing.join(", ")}`);
  return new Map(entities.map((entity) => [entity.id, keyPairFromBytes(entity.kind, keyBytes[entity.id], entity.id)]));
}

/**
 * Issues every JWT and creds file. `accounts` come from resolveAccounts (the system account included);
 * `keyBytes` holds 32 random bytes for each id that keyEntities(accounts) lists.
 */
export async function generateCredentials(
  accounts: readonly Account[],
  keyBytes: Readonly<Record<string, Uint8Array>>,
  options: GenerateOptions = {},
): Promise<GeneratedCredentials> {
  const system = accounts.find((account) => account.system);
  if (system === undefined) throw new Error("the accounts hold no system account; resolve them with resolveAccounts");
  const keys = keyPairs(keyEntities(accounts), keyBytes);
  const key = (id: string) => keys.get(id)!;
  const operator = key(OPERATOR_KEY_ID);
  const publicKeyOf = (name: string) => key(accountKeyId(name)).getPublicKey();

  const generatedAccounts: GeneratedAccount[] = [];
  const users: GeneratedUser[] = [];
  for (const account of accounts) {
    const identity = key(accountKeyId(account.name));
    const signing = account.signingKey ? key(signingKeyId(account.name)) : undefined;
    generatedAccounts.push({
      name: account.name,
      publicKey: identity.getPublicKey(),
      signingKey: signing?.getPublicKey(),
      jwt: await accountJwt(account.name, identity, operator, accountClaims(account, publicKeyOf, signing)),
    });
    for (const user of account.users) {
      const userKey = key(userKeyId(user.name));
      const jwt = await userJwt(user.name, userKey, identity, signing, userClaims(user), user.expires);
      users.push({ account: account.name, name: user.name, publicKey: userKey.getPublicKey(), jwt, creds: credsText(jwt, userKey), inboxPrefix: clientInboxPrefix(user) });
    }
  }

  const systemAccount = publicKeyOf(system.name);
  const operatorToken = await operatorJwt(options.operatorName ?? "nats", operator, { system_account: systemAccount });
  return {
    operatorPublicKey: operator.getPublicKey(),
    operatorJwt: operatorToken,
    systemAccount,
    accounts: generatedAccounts,
    users,
    confSection: operatorConfSection({
      operatorJwt: operatorToken,
      systemAccount,
      accountJwts: Object.fromEntries(generatedAccounts.map((account) => [account.publicKey, account.jwt])),
      userJwts: users.map((user) => user.jwt),
    }),
  };
}

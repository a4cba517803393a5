/**
 * Nkeys made from stored random bytes instead of fresh randomness, so the same bytes (kept in Pulumi state,
 * or in the local back end's run directory) always give the same keys and therefore the same JWTs.
 */
import { fromSeed, KeyPair, Prefix } from "@nats-io/nkeys";
import { Codec } from "@nats-io/nkeys/lib/codec";
import { Account, INITIAL_ROTATION } from "../model/accounts";

/** Ed25519 seeds are 32 bytes. */
export const KEY_BYTES = 32;

export type KeyKind = "operator" | "account" | "user";

const PREFIX_OF: Readonly<Record<KeyKind, Prefix>> = {
  operator: Prefix.Operator,
  account: Prefix.Account,
  user: Prefix.User,
};

/** The key pair of one entity, derived from its 32 stored random bytes. */
export function keyPairFromBytes(kind: KeyKind, bytes: Uint8Array, entity: string = kind): KeyPair {
  if (bytes.length !== KEY_BYTES) {
    throw new Error(`key material for ${entity} has ${bytes.length} bytes; an nkey seed needs exactly ${KEY_BYTES}`);
  }
  return fromSeed(Codec.encodeSeed(PREFIX_OF[kind], bytes));
}

/** One key the credentials need, named by a stable id, with the rotation value that renews it. */
export interface KeyEntity {
  /** `operator`, `account:<name>`, `signing:<account>` or `user:<name>`; user names are unique across a stack. */
  id: string;
  kind: KeyKind;
  rotation: string;
}

export const OPERATOR_KEY_ID = "operator";

export function accountKeyId(account: string): string {
  return `account:${account}`;
}

export function signingKeyId(account: string): string {
  return `signing:${account}`;
}

export function userKeyId(user: string): string {
  return `user:${user}`;
}

/**
 * Every key the accounts need: the operator, each account (and its signing key), each user. An account's
 * signing key renews with the account.
 */
export function keyEntities(accounts: readonly Account[], operatorRotation = INITIAL_ROTATION): KeyEntity[] {
  const entities: KeyEntity[] = [{ id: OPERATOR_KEY_ID, kind: "operator", rotation: operatorRotation }];
  for (const account of accounts) {
    entities.push({ id: accountKeyId(account.name), kind: "account", rotation: account.rotation });
    if (account.signingKey) entities.push({ id: signingKeyId(account.name), kind: "account", rotation: account.rotation });
    for (const user of account.users) entities.push({ id: userKeyId(user.name), kind: "user", rotation: user.rotation });
  }
  return entities;
}

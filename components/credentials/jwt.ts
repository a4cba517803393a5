/**
 * Operator, account and user JWTs with a fixed issue time.
 *
 * @nats-io/jwt stamps `iat` from the clock on every encode. Its `jti` is a hash of the claims and Ed25519
 * signatures are deterministic, so with `iat` fixed the same claims and keys give byte-identical JWTs: a
 * second `pulumi up` with unchanged inputs shows no diff, and changing one user changes only that user's JWT.
 * A fixed `iat` suits the MEMORY resolver, which applies whatever the preload holds; a full resolver would
 * ignore an update that is not newer.
 */
import { Account, Base64UrlCodec, encodeAccount, encodeOperator, encodeUser, fmtCreds, KeyPair, Operator, User } from "@nats-io/jwt";

/** Issue time of every JWT: 2024-01-01T00:00:00Z, in seconds. */
export const ISSUED_AT = 1_704_067_200;

/**
 * Runs an encode with the clock pinned to ISSUED_AT. The library reads `Date.now()` synchronously before
 * its first `await`, so the clock is restored before any other code can run; the decoded `iat` is checked
 * so that a library change that reads the clock later fails loudly instead of giving a changing JWT.
 */
async function encodeIssuedAtFixedTime(encode: () => Promise<string>): Promise<string> {
  const clock = Date.now;
  let pending: Promise<string>;
  Date.now = () => ISSUED_AT * 1000;
  try {
    pending = encode();
  } finally {
    Date.now = clock;
  }
  const jwt = await pending;
  // Read without verifying the signature just made: Ed25519 in pure JavaScript is slow enough to matter here.
  const { iat } = JSON.parse(Base64UrlCodec.decode(jwt.split(".")[1]) as string) as { iat: number };
  if (iat !== ISSUED_AT) throw new Error(`@nats-io/jwt stamped iat ${iat} instead of ${ISSUED_AT}; JWTs would change on every run`);
  return jwt;
}

export function operatorJwt(name: string, operator: KeyPair, claims: Partial<Operator>): Promise<string> {
  return encodeIssuedAtFixedTime(() => encodeOperator(name, operator, claims));
}

/** An account JWT, signed by the operator. */
export function accountJwt(name: string, account: KeyPair, operator: KeyPair, claims: Partial<Account>): Promise<string> {
  return encodeIssuedAtFixedTime(() => encodeAccount(name, account, claims, { signer: operator }));
}

/**
 * A user JWT, signed by the account's signing key when it has one (the JWT then names the account as
 * `issuer_account`), else by the account's identity key. `expires` is in seconds since the epoch.
 */
export function userJwt(
  name: string,
  user: KeyPair,
  account: KeyPair,
  signingKey: KeyPair | undefined,
  claims: Partial<User>,
  expires: number | undefined,
): Promise<string> {
  return encodeIssuedAtFixedTime(() => encodeUser(name, user, account, claims, { signer: signingKey, exp: expires }));
}

/** The text of a `.creds` file: the user JWT and the user's seed. Secret. */
export function credsText(jwt: string, user: KeyPair): string {
  return new TextDecoder().decode(fmtCreds(jwt, user));
}

/**
 * Creds an attacker can make without the deployment's secrets: fresh nkeys from @nats-io/nkeys and JWTs from
 * @nats-io/jwt, each claiming something the server must not believe.
 */
import { encodeAccount, encodeUser, fmtCreds, KeyPair } from "@nats-io/jwt";
import { createAccount, createOperator, createUser } from "@nats-io/nkeys";

/** User claims that would allow everything, so an accepted forgery could do anything. */
const EVERYTHING = { pub: { allow: [">"] }, sub: { allow: [">"] }, subs: -1, data: -1, payload: -1 };

function credsOf(jwt: string, user: KeyPair): string {
  return new TextDecoder().decode(fmtCreds(jwt, user));
}

/** A user issued by an account key the operator never signed. */
export async function userOfForeignAccount(): Promise<string> {
  const user = createUser();
  return credsOf(await encodeUser("intruder", user, createAccount(), EVERYTHING), user);
}

/**
 * A user naming a real account as its issuer account, signed by a random key posing as one of that
 * account's signing keys.
 */
export async function userSignedByRandomKeyFor(accountPublicKey: string): Promise<string> {
  const user = createUser();
  return credsOf(await encodeUser("intruder", user, accountPublicKey, EVERYTHING, { signer: createAccount() }), user);
}

/** A real user's JWT with the seed of another key, so the server's nonce is signed by a key the JWT does not name. */
export function jwtWithAnotherSeed(realJwt: string): string {
  return credsOf(realJwt, createUser());
}

/** An account JWT signed by a foreign operator, for `accountPublicKey`, listing `signingKey` as its signing key. */
export function accountJwtOfForeignOperator(accountPublicKey: string, signingKey: KeyPair): Promise<string> {
  return encodeAccount("intruder", accountPublicKey, { signing_keys: [signingKey.getPublicKey()], limits: { conn: -1, subs: -1, data: -1, payload: -1 } }, { signer: createOperator() });
}

/** A user of `accountPublicKey` signed by `signingKey`, as a forged account JWT would allow. */
export async function userSignedBy(accountPublicKey: string, signingKey: KeyPair): Promise<string> {
  const user = createUser();
  return credsOf(await encodeUser("intruder", user, accountPublicKey, EVERYTHING, { signer: signingKey }), user);
}

/**
 * Signing speed of the render: every nkey operation of @nats-io/nkeys (a public key, a JWT signature) derives
 * the key pair from its seed again in tweetnacl's pure JavaScript, which made signing a third of the time of
 * rendering every stack. Ed25519 is deterministic (RFC 8032), so node:crypto's native implementation gives
 * the same keys and signatures bit for bit; importing this module points tweetnacl's three signing functions,
 * the ones nkeys calls, at it. Every other use of tweetnacl (randomness, curve keys) is untouched.
 */
import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from "crypto";
import * as path from "path";

/** DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS #8) and public key (SPKI) for node:crypto. */
const PKCS8_SEED_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PUBLIC_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** The part of tweetnacl's interface this module replaces. */
interface NaclSigning {
  sign: {
    keyPair: { fromSeed(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } };
    detached: { (message: Uint8Array, secretKey: Uint8Array): Uint8Array; verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean };
  };
}

/** Private keys by seed (hex): nkeys derives the pair again on every call, and parsing the key costs as much as signing. */
const privateKeys = new Map<string, KeyObject>();

function privateKeyOf(seed: Uint8Array): KeyObject {
  const id = Buffer.from(seed).toString("hex");
  let key = privateKeys.get(id);
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_SEED_PREFIX, seed]), format: "der", type: "pkcs8" });
    privateKeys.set(id, key);
  }
  return key;
}

function publicKeyOf(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PUBLIC_PREFIX, raw]), format: "der", type: "spki" });
}

/** The raw 32 bytes of an Ed25519 public key: the last 32 of its SPKI encoding. */
function rawPublicKey(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: "der", type: "spki" }).subarray(SPKI_PUBLIC_PREFIX.length));
}

/** Points the tweetnacl that @nats-io/nkeys loads at node:crypto for Ed25519 key pairs, signatures and their checks. */
function useNativeEd25519(): void {
  const nkeysDir = path.dirname(require.resolve("@nats-io/nkeys"));
  const nacl = require(require.resolve("tweetnacl", { paths: [nkeysDir] })) as NaclSigning;
  nacl.sign.keyPair.fromSeed = (seed) => {
    const publicKey = rawPublicKey(createPublicKey(privateKeyOf(seed)));
    // tweetnacl's secret key is the seed followed by the public key.
    const secretKey = new Uint8Array(64);
    secretKey.set(seed);
    secretKey.set(publicKey, 32);
    return { publicKey, secretKey };
  };
  const detached = (message: Uint8Array, secretKey: Uint8Array) => new Uint8Array(sign(null, message, privateKeyOf(secretKey.subarray(0, 32))));
  nacl.sign.detached = Object.assign(detached, {
    verify: (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => verify(null, message, publicKeyOf(publicKey), signature),
  });
}

useNativeEd25519();

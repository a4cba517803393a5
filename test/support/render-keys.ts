/**
 * Key material as the render tests see it: what the render's keystore holds, what an attacker could compute
 * from the program's resource names (the render's former stand-in scheme), and which keys a rendered file trusts.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { decode } from "@nats-io/jwt";
import { fromSeed, Prefix } from "@nats-io/nkeys";
import { Codec } from "@nats-io/nkeys/lib/codec";
import { KeptValue, RANDOM_BYTES_TYPE } from "../../cli/render/keystore";

/** Seed prefixes of the keys the credentials make from 32 random bytes. */
const KEY_PREFIXES = [Prefix.Operator, Prefix.Account, Prefix.User] as const;

/**
 * The bytes the render used to stand in for a random resource: sha256 over its type, name and a block
 * counter. Anyone holding the program (or the rendered plan, which names every resource) can compute them.
 */
export function nameDerivedBytes(type: string, name: string, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let block = 0; blocks.length * 32 < length; block++) blocks.push(createHash("sha256").update(`${type}\0${name}\0${block}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

/** The seed and public key of every kind of nkey that `bytes` can become. */
export function nkeysFrom(bytes: Uint8Array): { seed: string; publicKey: string }[] {
  return KEY_PREFIXES.map((prefix) => {
    const seed = Codec.encodeSeed(prefix, bytes);
    return { seed: new TextDecoder().decode(seed), publicKey: fromSeed(seed).getPublicKey() };
  });
}

/** The render keystore's entries, by `<type>::<name>`. */
export function readKeystore(file: string): Record<string, KeptValue> {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** The bytes of every RandomBytes the keystore holds, by resource name. */
export function keptBytes(file: string): Map<string, Buffer> {
  const prefix = `${RANDOM_BYTES_TYPE}::`;
  return new Map(
    Object.entries(readKeystore(file))
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, kept]) => [key.slice(prefix.length), Buffer.from(kept.value, "base64")]),
  );
}

const PUBLIC_KEY = /\b[OANU][A-Z2-7]{55}\b/g;
const JWT = /\bey[\w-]+\.ey[\w-]+\.[\w-]+/g;

function publicKeysIn(value: unknown): string[] {
  if (typeof value === "string") return value.match(PUBLIC_KEY) ?? [];
  if (Array.isArray(value)) return value.flatMap(publicKeysIn);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, inner]) => [...publicKeysIn(key), ...publicKeysIn(inner)]);
  return [];
}

/**
 * Every operator, account, server or user public key a text names, in plain text or inside a JWT it holds
 * (the operator JWT, resolver preloads): subjects, issuers, signing keys, imports.
 */
export function keysNamedIn(text: string): Set<string> {
  const keys = new Set(text.match(PUBLIC_KEY) ?? []);
  for (const token of text.match(JWT) ?? []) for (const key of publicKeysIn(decode(token))) keys.add(key);
  return keys;
}

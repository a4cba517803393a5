/**
 * A stand-in for the random provider (@pulumi/random): the outputs it reports for a RandomBytes or a
 * RandomPassword, made from values the caller supplies. The render supplies its keystore's values, the mocks
 * values derived from each resource's name, so both report the outputs in the one shape the provider does.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** Pulumi type of the random provider's RandomBytes, which holds every nkey's seed bytes. */
export const RANDOM_BYTES_TYPE = "random:index/randomBytes:RandomBytes";
/** Pulumi type of the random provider's RandomPassword, behind generated passwords and tokens. */
export const RANDOM_PASSWORD_TYPE = "random:index/randomPassword:RandomPassword";

/** Where the values of random resources come from; each is called with the resource's name and inputs. */
export interface RandomValues {
  /** The bytes of the RandomBytes `name`; its inputs hold `length` and `keepers`. */
  bytes(name: string, inputs: Record<string, unknown>): Uint8Array;
  /** The text of the RandomPassword `name`; its inputs hold `length` and the character classes. */
  password(name: string, inputs: Record<string, unknown>): string;
}

/**
 * Values that depend only on a resource's name and inputs, so every run of a program gets the same ones,
 * and a changed keeper (a rotation) gives new bytes as a replaced resource would. Bytes are sha256 over the
 * name and the keepers, as many as `length` asks (32 by default); a password is `generated-<name>`, so a test
 * can tell which password went where. Anyone can compute them: for tests only.
 */
export const nameDerivedValues: RandomValues = {
  bytes(name, inputs) {
    const length = Number(inputs.length ?? 32);
    const blocks: Buffer[] = [];
    for (let block = 0; blocks.length * 32 < length; block++) {
      const seed = block === 0 ? `${name}/${JSON.stringify(inputs.keepers ?? {})}` : `${name}/${JSON.stringify(inputs.keepers ?? {})}/${block}`;
      blocks.push(createHash("sha256").update(seed).digest());
    }
    return Buffer.concat(blocks).subarray(0, length);
  },
  password: (name) => `generated-${name}`,
};

/**
 * The outputs the random provider reports for a resource of `type` beyond its inputs, secret as the provider
 * marks them: `base64` and `hex` of a RandomBytes, `result` of a RandomPassword. Undefined for any other type.
 */
export function randomProviderState(type: string, name: string, inputs: Record<string, unknown>, values: RandomValues): Record<string, unknown> | undefined {
  if (type === RANDOM_BYTES_TYPE) {
    const bytes = Buffer.from(values.bytes(name, inputs));
    return { base64: pulumi.secret(bytes.toString("base64")), hex: pulumi.secret(bytes.toString("hex")) };
  }
  if (type === RANDOM_PASSWORD_TYPE) return { result: pulumi.secret(values.password(name, inputs)) };
  return undefined;
}

/** The outputs of a random resource not created yet, as a preview shows them: unknown, and still secret. */
export function unknownRandomState(type: string): Record<string, unknown> | undefined {
  const unknown = pulumi.secret(pulumi.runtime.unknownValue);
  if (type === RANDOM_BYTES_TYPE) return { base64: unknown, hex: unknown };
  if (type === RANDOM_PASSWORD_TYPE) return { result: unknown };
  return undefined;
}

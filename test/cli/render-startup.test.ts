import { randomBytes } from "crypto";
import { createRequire } from "module";
import { describe, expect, it } from "vitest";

/** The tweetnacl that @nats-io/nkeys signs with, as the render's native Ed25519 finds it. */
const nacl = createRequire(require.resolve("@nats-io/nkeys"))("tweetnacl") as {
  sign: {
    keyPair: { fromSeed(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } };
    detached: { (message: Uint8Array, secretKey: Uint8Array): Uint8Array; verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean };
  };
};

describe("the render's start-up and signing shortcuts", () => {
  it("signs with node:crypto exactly as tweetnacl does: the same key pairs, signatures and checks", async () => {
    const javascript = { fromSeed: nacl.sign.keyPair.fromSeed, detached: nacl.sign.detached, verify: nacl.sign.detached.verify };
    await import("../../cli/render/native-ed25519");
    expect(nacl.sign.keyPair.fromSeed).not.toBe(javascript.fromSeed);
    for (let round = 0; round < 20; round++) {
      const seed = new Uint8Array(randomBytes(32));
      const message = new Uint8Array(randomBytes(round * 7));
      const pair = nacl.sign.keyPair.fromSeed(seed);
      expect(pair).toEqual(javascript.fromSeed(seed));
      const signature = nacl.sign.detached(message, pair.secretKey);
      expect(signature).toEqual(javascript.detached(message, pair.secretKey));
      expect(nacl.sign.detached.verify(message, signature, pair.publicKey)).toBe(true);
      signature[0] ^= 1;
      expect(nacl.sign.detached.verify(message, signature, pair.publicKey)).toBe(javascript.verify(message, signature, pair.publicKey));
      expect(nacl.sign.detached.verify(message, signature, pair.publicKey)).toBe(false);
    }
  });

  it("loads the SDK without its closure serializer, and still serializes a function when asked", async () => {
    await import("../../cli/render/deferred-sdk-modules");
    const serializer = require.resolve("@pulumi/pulumi/runtime/closure/serializeClosure");
    const pulumi = await import("@pulumi/pulumi");
    expect(require.cache[serializer]).toBeUndefined();
    const serialized = await pulumi.runtime.serializeFunction(() => 42);
    expect(serialized.text).toContain("42");
    expect(require.cache[serializer]).toBeDefined();
  });
});

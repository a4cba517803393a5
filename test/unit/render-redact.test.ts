import { describe, expect, it } from "vitest";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { findLeak, redactedSecretData, redactInputs } from "../../cli/render/redact";
import { kubernetesKind } from "../../cli/render/manifests";

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });

describe("render redaction", () => {
  it("replaces secrets with a placeholder and unknowns with <computed>", () => {
    expect(redactInputs({ a: secret("hunter2"), b: [unknownValue, 1], c: { d: "plain" } })).toEqual({
      a: "<redacted>",
      b: ["<computed>", 1],
      c: { d: "plain" },
    });
  });

  it("keeps a Secret's keys but never its values, even when the program forgot to mark them", () => {
    expect(redactedSecretData({ stringData: { "app.creds": "text" }, data: secret({ token: "x" }) })).toEqual({
      stringData: { "app.creds": "<redacted>" },
      data: { token: "<redacted>" },
    });
  });

  it("spots nkey seeds and creds text so a render refuses to write them", () => {
    const seed = "SUAM" + "A".repeat(54);
    expect(findLeak(`key: ${seed}`)).toMatch(/^SUAM/);
    expect(findLeak("-----BEGIN NATS USER JWT-----")).toBeDefined();
    expect(findLeak("-----BEGIN USER NKEY SEED-----")).toBeDefined();
    expect(findLeak("UAMXYZ public keys are fine")).toBeUndefined();
  });

  it("maps Pulumi type tokens to apiVersion and kind, Patch resources to their object", () => {
    expect(kubernetesKind("kubernetes:apps/v1:StatefulSet")).toEqual({ apiVersion: "apps/v1", kind: "StatefulSet" });
    expect(kubernetesKind("kubernetes:core/v1:PersistentVolumeClaimPatch")).toEqual({ apiVersion: "v1", kind: "PersistentVolumeClaim" });
    expect(kubernetesKind("kubernetes:jetstream.nats.io/v1beta2:Stream")).toEqual({ apiVersion: "jetstream.nats.io/v1beta2", kind: "Stream" });
    expect(kubernetesKind("random:index/randomBytes:RandomBytes")).toBeUndefined();
  });
});

/**
 * The program under mocks in preview mode, with the key material not known yet (a first preview, or one that
 * adds an account or a user): the credentials and what is made of them are unknown, the pods' template is not.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Program, programRunner } from "../support/program-run";
import { installMocks, MockRecorder, RANDOM_BYTES_TYPE, valueOf } from "../../components/testing";

type Pulumi = typeof import("@pulumi/pulumi");

let mocks: MockRecorder;
let pulumi: Pulumi;
let program: Program;

/** Paths of every value in `value` not known until the update. */
function unknownPaths(value: unknown, path = ""): string[] {
  if (pulumi.isUnknown(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => unknownPaths(item, `${path}[${index}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => unknownPaths(item, path ? `${path}.${key}` : key));
  return [];
}

beforeAll(async () => {
  mocks = await installMocks({ preview: true, stack: "dev", newRandomResources: true });
  pulumi = await import("@pulumi/pulumi");
  program = await programRunner(mocks, pulumi)({
    cluster: { name: "nats", tier: "small" },
    accounts: [{ name: "app", users: [{ name: "api", publisher: { stream: "JOBS" } }] }],
    streams: [{ name: "JOBS", account: "app", subjects: ["jobs.>"], retention: "workqueue" }],
  });
});

describe("a preview of an operator-mode cluster whose keys are not known yet", () => {
  it("plans one RandomBytes per key and one creds Secret per user, the creds unknown and secret", () => {
    expect(mocks.ofType(RANDOM_BYTES_TYPE).map((resource) => resource.name).sort()).toEqual([
      "nats-account-key-SYS",
      "nats-account-key-app",
      "nats-operator-key",
      "nats-user-key-api",
      "nats-user-key-app-nack",
      "nats-user-key-sys",
    ]);
    const secrets = mocks.ofType("kubernetes:core/v1:Secret");
    // The stream's provisioner gets creds too, and the NACK controller a copy of them.
    expect(secrets.map((secret) => secret.inputs.metadata.name).sort()).toEqual(["nack-app-creds", "nats-api-creds", "nats-app-nack-creds", "nats-sys-creds"]);
    for (const secret of secrets) {
      expect(secret.secretPaths).toContain("stringData");
      expect(unknownPaths(secret.inputs)).toEqual([expect.stringMatching(/^stringData/)]);
    }
  });

  it("leaves only the config unknown: the pods' template is known, so adding keys never shows a rollout", () => {
    expect(unknownPaths(mocks.ofType("kubernetes:core/v1:ConfigMap")[0].inputs)).toEqual(["data.nats.conf"]);
    const statefulSet = mocks.ofType("kubernetes:apps/v1:StatefulSet")[0].inputs;
    expect(unknownPaths(statefulSet)).toEqual([]);
    expect(statefulSet.spec.template.spec.containers[2].args).toContain("-jsz=all");
  });

  it("knows the Secret names but not the keys", async () => {
    expect(await valueOf(program.credsSecretNames!)).toEqual({ sys: "nats-sys-creds", api: "nats-api-creds", "app-nack": "nats-app-nack-creds" });
    expect(await valueOf(program.operatorPublicKey)).toBeUndefined();
    expect(await valueOf(program.clientUrl)).toBe("nats://nats.nats.svc.cluster.local:4222");
  });
});

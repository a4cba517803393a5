/**
 * The NatsCredentials component under Pulumi mocks. RandomBytes stands in for state: the mocks derive each
 * resource's bytes from its name (here without the component's name, so two components play two runs of one
 * program) and its keepers (a changed rotation gives new bytes, as the provider replaces the resource), and
 * mark them secret as the provider does.
 */
import type * as PulumiModule from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { AccountSpec, AccountStream } from "../../components/model/accounts";
import { ClusterSpec, validateCluster } from "../../components/model/cluster";
import { renderServer } from "../../components/model/server-config";
import { kubernetesPlacement } from "../../components/kubernetes/cluster/pod-placement";
import { installMocks, MockRecorder, nameDerivedValues, RANDOM_BYTES_TYPE, valueOf } from "../../components/testing";

type Credentials = typeof import("../../components/credentials");

const SECRET = "kubernetes:core/v1:Secret";
const SEED = /S[OAU][A-Z2-7]{50,}/;

let pulumi: typeof PulumiModule;
let credentials: Credentials;
let mocks: MockRecorder;

beforeAll(async () => {
  mocks = await installMocks({
    preview: false,
    randomValues: { ...nameDerivedValues, bytes: (name, inputs) => nameDerivedValues.bytes(name.slice(name.indexOf("-") + 1), inputs) },
  });
  pulumi = await import("@pulumi/pulumi");
  credentials = await import("../../components/credentials");
});

const clusterSpec: ClusterSpec = { name: "nats", tier: "dev" };
const cluster = validateCluster(clusterSpec);
const streams: AccountStream[] = [{ name: "ORDERS", account: "shop", subjects: ["orders.>"] }];

function accounts(change: { consumer?: string; apiRotation?: string } = {}): AccountSpec[] {
  return [
    {
      name: "shop",
      subjects: ["shop.>"],
      users: [
        { name: "api", publisher: { stream: "ORDERS" }, rotation: change.apiRotation },
        { name: "orders-worker", worker: { stream: "ORDERS", consumer: change.consumer ?? "process" } },
      ],
    },
    { name: "audit", subjects: ["audit.>"], users: [{ name: "auditor", permissions: { subscribe: ["audit.>"] } }] },
  ];
}

interface Snapshot {
  operatorPublicKey: string;
  accountPublicKeys: Record<string, string>;
  userPublicKeys: Record<string, string>;
  userJwts: Record<string, string>;
  confSection: unknown;
  userCreds: Record<string, string>;
}

async function snapshot(component: InstanceType<Credentials["NatsCredentials"]>): Promise<Snapshot> {
  return {
    operatorPublicKey: await valueOf(component.operatorPublicKey),
    accountPublicKeys: await valueOf(component.accountPublicKeys),
    userPublicKeys: await valueOf(component.userPublicKeys),
    userJwts: await valueOf(component.userJwts),
    confSection: await valueOf(component.confSection),
    userCreds: await valueOf(component.userCreds),
  };
}

function run(name: string, args: Partial<PulumiModule.Unwrap<ConstructorParameters<Credentials["NatsCredentials"]>[1]>> = {}) {
  return new credentials.NatsCredentials(name, { cluster: clusterSpec, streams, accounts: accounts(), operatorName: "nats", ...args });
}

describe("NatsCredentials under mocks", () => {
  let first: Snapshot;
  let component: InstanceType<Credentials["NatsCredentials"]>;
  beforeAll(async () => {
    component = run("first", { secrets: { namespace: "nats", namePrefix: "nats" } });
    first = await snapshot(component);
  });

  it("keeps one RandomBytes of 32 bytes per operator, account and user, renewed by its rotation value", () => {
    const keys = mocks.resources.filter((resource) => resource.type === RANDOM_BYTES_TYPE && resource.name.startsWith("first-"));
    expect(keys.map((key) => key.name)).toEqual([
      "first-operator-key",
      "first-account-key-SYS",
      "first-user-key-sys",
      "first-account-key-shop",
      "first-user-key-api",
      "first-user-key-orders-worker",
      "first-account-key-audit",
      "first-user-key-auditor",
    ]);
    for (const key of keys) expect(key.inputs).toEqual({ length: 32, keepers: { rotation: "initial" } });
  });

  it("gives identical JWTs and keys on a second run", async () => {
    expect(await snapshot(run("second"))).toEqual(first);
  });

  it("changes only the JWT of the user whose permissions changed", async () => {
    const changed = await snapshot(run("third", { accounts: accounts({ consumer: "process-v2" }) }));
    expect(changed.userJwts["orders-worker"]).not.toBe(first.userJwts["orders-worker"]);
    expect({ ...changed.userJwts, "orders-worker": "" }).toEqual({ ...first.userJwts, "orders-worker": "" });
    expect(changed.userPublicKeys).toEqual(first.userPublicKeys);
    expect(changed.confSection).toEqual(first.confSection);
  });

  it("renews only that user's keys when its rotation value changes", async () => {
    const rotated = await snapshot(run("fourth", { accounts: accounts({ apiRotation: "2027-01" }) }));
    expect(mocks.resources.find((resource) => resource.name === "fourth-user-key-api")!.inputs.keepers).toEqual({ rotation: "2027-01" });
    expect(rotated.userPublicKeys.api).not.toBe(first.userPublicKeys.api);
    expect(rotated.userJwts.api).not.toBe(first.userJwts.api);
    expect(rotated.userCreds.api).not.toBe(first.userCreds.api);
    for (const user of ["sys", "orders-worker", "auditor"]) {
      expect(rotated.userPublicKeys[user]).toBe(first.userPublicKeys[user]);
      expect(rotated.userCreds[user]).toBe(first.userCreds[user]);
    }
    expect(rotated.accountPublicKeys).toEqual(first.accountPublicKeys);
    expect(rotated.confSection).toEqual(first.confSection);
  });

  it("renews the operator key, and with it every JWT, when the operator's rotation value changes", async () => {
    const rotated = await snapshot(run("fifth", { operatorRotation: "2027-01" }));
    expect(rotated.operatorPublicKey).not.toBe(first.operatorPublicKey);
    expect(rotated.accountPublicKeys).toEqual(first.accountPublicKeys);
    for (const user of Object.keys(first.userJwts)) expect(rotated.userJwts[user]).toBe(first.userJwts[user]);
    expect(rotated.confSection).not.toEqual(first.confSection);
  });

  it("outputs public keys, JWTs and the conf section in the clear, and never a seed or creds text there", async () => {
    const plain = {
      operatorPublicKey: component.operatorPublicKey,
      systemAccountPublicKey: component.systemAccountPublicKey,
      accountPublicKeys: component.accountPublicKeys,
      userPublicKeys: component.userPublicKeys,
      userJwts: component.userJwts,
      confSection: component.confSection,
      secretNames: component.secretNames!,
    };
    for (const [name, output] of Object.entries(plain)) {
      expect(await pulumi.isSecret(output as PulumiModule.Output<unknown>), name).toBe(false);
      const text = JSON.stringify(await valueOf(output as PulumiModule.Output<unknown>));
      expect(text, name).not.toMatch(SEED);
      expect(text, name).not.toContain("NKEY SEED");
    }
    expect(first.accountPublicKeys).toEqual({ SYS: expect.stringMatching(/^A/), shop: expect.stringMatching(/^A/), audit: expect.stringMatching(/^A/) });
  });

  it("keeps the ConfigMap's nats.conf free of seeds and creds", async () => {
    const conf = renderServer(cluster, kubernetesPlacement(cluster), { extraSections: [await valueOf(component.confSection)] }).text;
    expect(conf).toContain(`system_account: "${await valueOf(component.systemAccountPublicKey)}"`);
    expect(conf).toContain('resolver: "MEMORY"');
    expect(conf).not.toMatch(SEED);
    expect(conf).not.toContain("NKEY SEED");
  });

  it("outputs creds only as secrets", async () => {
    expect(await pulumi.isSecret(component.userCreds)).toBe(true);
    expect(Object.keys(first.userCreds).sort()).toEqual(["api", "auditor", "orders-worker", "sys"]);
    for (const creds of Object.values(first.userCreds)) expect(creds).toMatch(/-----BEGIN USER NKEY SEED-----\nSU/);
  });

  it("creates one Secret per user, each holding its creds as a secret, and outputs their names", async () => {
    const secrets = mocks.resources.filter((resource) => resource.type === SECRET && resource.name.startsWith("first-"));
    expect(secrets.map((secret) => secret.name).sort()).toEqual(["first-api-creds", "first-auditor-creds", "first-orders-worker-creds", "first-sys-creds"]);
    for (const secret of secrets) {
      const user = secret.name.replace(/^first-|-creds$/g, "");
      expect(secret.inputs.metadata).toMatchObject({ name: `nats-${user}-creds`, namespace: "nats" });
      // Sent as a secret: the whole stringData is wrapped, by the kubernetes SDK on top of the component's own wrapping.
      expect(secret.secretPaths).toContain("stringData");
      expect(secret.inputs.stringData).toEqual({ [`${user}.creds`]: first.userCreds[user] });
    }
    expect(await valueOf(component.secretNames!)).toEqual({
      api: "nats-api-creds",
      auditor: "nats-auditor-creds",
      "orders-worker": "nats-orders-worker-creds",
      sys: "nats-sys-creds",
    });
  });

  it("makes Secrets for a component from outside it too, under the parent it is given", async () => {
    const made = credentials.createCredsSecrets("standalone", component, { namespace: "apps", namePrefix: "nats" }, { parent: component });
    expect(await valueOf(made.secrets.api.urn)).toContain("nats-jetstream:index:NatsCredentials$kubernetes:core/v1:Secret::standalone-api-creds");
    expect(await pulumi.isSecret(made.secrets.api.stringData)).toBe(true);
  });

  it("refuses invalid accounts with one InputPropertiesError before creating anything", () => {
    const before = mocks.resources.length;
    let caught: unknown;
    try {
      run("invalid", { accounts: [{ name: "shop", users: [{ name: "api", publisher: { stream: "NOPE" } }] }] });
    } catch (error) {
      caught = error;
    }
    expect(pulumi.InputPropertiesError.isInstance(caught)).toBe(true);
    expect((caught as PulumiModule.InputPropertiesError).errors).toEqual([
      {
        propertyPath: "accounts[0].users[0].publisher.stream",
        reason: 'accounts[0].users[0].publisher.stream: "NOPE" is not allowed; name one of the account\'s streams: ORDERS',
      },
    ]);
    expect(mocks.resources.length).toBe(before);
  });

  it("refuses an empty operator rotation value", () => {
    expect(() => run("blank", { operatorRotation: " " })).toThrow(
      'operatorRotation: " " is not allowed; use a non-empty text such as "2026-11"; change it to issue a new operator key',
    );
  });
});

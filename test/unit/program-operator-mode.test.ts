/**
 * The program under mocks in update mode: every cluster runs in operator mode with the stack's accounts, each
 * user's creds go into a Secret of their own, outputs carry public material only, and account and user
 * changes reach the ConfigMap and Secrets but never the pods' template.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Program, programRunner, StackConfig } from "../support/program-run";
import { installMocks, MockRecorder, RecordedResource, valueOf } from "../../components/testing";

type Pulumi = typeof import("@pulumi/pulumi");

const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SEED = /S[OAU][A-Z2-7]{56}/;
const CREDS_TEXT = /BEGIN NATS USER JWT|NKEY SEED/;

let mocks: MockRecorder;
let pulumi: Pulumi;
let runProgram: (config: StackConfig) => Promise<Program>;

beforeAll(async () => {
  mocks = await installMocks({ preview: false, stack: "dev" });
  pulumi = await import("@pulumi/pulumi");
  runProgram = programRunner(mocks, pulumi);
});

interface Change {
  /** Extra permissions for the publisher `api`. */
  apiPermissions?: { subscribe: string[] };
  /** Connection limit of the account `app`. */
  appConnections?: number;
}

/** A one-cluster stack shaped like stacks/Pulumi.dev.yaml, with a second account. */
function stackConfig(change: Change = {}): StackConfig {
  return {
    cluster: { name: "nats", tier: "dev", namespace: "messaging" },
    accounts: [
      {
        name: "app",
        ...(change.appConnections !== undefined ? { limits: { conn: change.appConnections } } : {}),
        users: [
          { name: "api", publisher: { stream: "JOBS" }, ...(change.apiPermissions ? { permissions: change.apiPermissions } : {}) },
          { name: "worker", worker: { stream: "JOBS", consumer: "workers" } },
        ],
      },
      { name: "audit", subjects: ["audit.>"], users: [{ name: "auditor", permissions: { subscribe: ["audit.>"] } }] },
    ],
    streams: [{ name: "JOBS", account: "app", subjects: ["jobs.>"], retention: "workqueue", consumers: [{ durable: "workers", workerUser: "worker" }] }],
  };
}

const only = (type: string): RecordedResource => {
  const found = mocks.ofType(type);
  expect(found).toHaveLength(1);
  return found[0];
};

/** Each Kubernetes object's inputs by Pulumi name, as JSON, to compare two runs. */
function objectsByName(): Map<string, string> {
  return new Map(mocks.kubernetesObjects().map((object) => [object.name, JSON.stringify(object.inputs)]));
}

function changedBetween(before: Map<string, string>, after: Map<string, string>): string[] {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  return [...after.keys()].filter((name) => after.get(name) !== before.get(name)).sort();
}

describe("a one-cluster stack with accounts", () => {
  let program: Program;
  beforeAll(async () => {
    program = await runProgram(stackConfig());
  });

  it("puts the operator, the system account and every account's JWT into the servers' config", async () => {
    const conf: string = only(CONFIG_MAP).inputs.data["nats.conf"];
    const accountKeys = (await valueOf(program.accountPublicKeys))!;
    expect(Object.keys(accountKeys).sort()).toEqual(["SYS", "app", "audit"]);
    expect(conf).toMatch(/^operator: "ey[\w-]+\.[\w-]+\.[\w-]+"$/m);
    expect(conf).toContain(`system_account: "${accountKeys.SYS}"`);
    expect(conf).toContain('resolver: "MEMORY"');
    for (const key of Object.values(accountKeys)) expect(conf).toMatch(new RegExp(`^  ${key}: "ey`, "m"));
  });

  it("keeps each user's creds in a Secret of its own in the cluster's namespace, marked secret", () => {
    // The NACK controller's copy of the JOBS stream's provisioner creds, `nack-app-creds`, is checked in program-provisioning.test.ts.
    const secrets = mocks.ofType(SECRET).filter((secret) => secret.inputs.metadata.name.startsWith("nats-"));
    expect(secrets.map((secret) => secret.inputs.metadata.name).sort()).toEqual(["nats-api-creds", "nats-app-nack-creds", "nats-auditor-creds", "nats-sys-creds", "nats-worker-creds"]);
    for (const secret of secrets) {
      const user = secret.inputs.metadata.name.replace(/^nats-|-creds$/g, "");
      expect(secret.inputs.metadata.namespace).toBe("messaging");
      expect(Object.keys(secret.inputs.stringData)).toEqual([`${user}.creds`]);
      expect(secret.inputs.stringData[`${user}.creds`]).toMatch(/^-----BEGIN NATS USER JWT-----\n[\s\S]*-----BEGIN USER NKEY SEED-----\nSU/);
      expect(secret.secretPaths).toContain("stringData");
    }
  });

  it("creates the Secrets after the namespace they go into", () => {
    const namespaceUrn = "urn:pulumi:dev::nats-jetstream::nats-jetstream:index:JetStreamCluster$kubernetes:core/v1:Namespace::nats-namespace";
    const clientServiceUrn = "urn:pulumi:dev::nats-jetstream::nats-jetstream:index:JetStreamCluster$kubernetes:core/v1:Service::nats-client";
    for (const secret of mocks.ofType(SECRET)) {
      // The NACK controller's copy is registered under its component, which waits for the whole cluster, namespace included.
      const waiter = secret.inputs.metadata.name.startsWith("nack-") ? mocks.resources.find((resource) => secret.options.parent.endsWith(`::${resource.name}`))! : secret;
      expect(waiter.options.dependencies).toContain(waiter === secret ? clientServiceUrn : namespaceUrn);
    }
    expect(mocks.named("nats-client").options.dependencies).toContain(namespaceUrn);
  });

  it("puts no seed or creds text into any object but the Secrets", () => {
    for (const object of mocks.resources.filter((resource) => resource.type !== SECRET)) {
      const text = JSON.stringify(object.inputs);
      expect({ name: object.name, seed: SEED.test(text), creds: CREDS_TEXT.test(text) }).toEqual({ name: object.name, seed: false, creds: false });
    }
  });

  it("exports public keys and Secret names in the clear, and never a seed or creds", async () => {
    const exported = {
      operatorPublicKey: program.operatorPublicKey,
      accountPublicKeys: program.accountPublicKeys,
      credsSecretNames: program.credsSecretNames!,
    };
    expect(await valueOf(program.operatorPublicKey)).toMatch(/^O[A-Z2-7]{55}$/);
    expect(await valueOf(program.credsSecretNames!)).toEqual({
      sys: "nats-sys-creds",
      api: "nats-api-creds",
      worker: "nats-worker-creds",
      auditor: "nats-auditor-creds",
      "app-nack": "nats-app-nack-creds",
    });
    for (const [name, output] of Object.entries(exported)) {
      expect(await pulumi.isSecret(output as import("@pulumi/pulumi").Output<unknown>), name).toBe(false);
      const text = JSON.stringify(await valueOf(output as import("@pulumi/pulumi").Output<unknown>));
      expect(text, name).not.toMatch(SEED);
      expect(text, name).not.toMatch(CREDS_TEXT);
    }
    const everyExport = JSON.stringify(await Promise.all(Object.values(program).filter(pulumi.Output.isInstance).map((output) => valueOf(output))));
    expect(everyExport).not.toMatch(SEED);
    expect(everyExport).not.toMatch(CREDS_TEXT);
  });
});

describe("changes to accounts and users are applied by reload, not by restarting the servers", () => {
  let before: Map<string, string>;
  beforeAll(async () => {
    await runProgram(stackConfig());
    before = objectsByName();
  });

  it("gives byte-identical objects when run again unchanged", async () => {
    await runProgram(stackConfig());
    expect(changedBetween(before, objectsByName())).toEqual([]);
  });

  it("changes only that user's Secret when a user's permissions change", async () => {
    await runProgram(stackConfig({ apiPermissions: { subscribe: ["jobs.status.>"] } }));
    expect(changedBetween(before, objectsByName())).toEqual(["nats-api-creds"]);
  });

  it("changes only the ConfigMap's resolver preload when an account's limits change", async () => {
    const confBefore: string = JSON.parse(before.get("nats-config")!).data["nats.conf"];
    await runProgram(stackConfig({ appConnections: 100 }));
    expect(changedBetween(before, objectsByName())).toEqual(["nats-config"]);
    const confAfter: string = only(CONFIG_MAP).inputs.data["nats.conf"];
    const outsidePreload = (conf: string) => conf.replace(/^resolver_preload: \{[\s\S]*?^\}$/m, "");
    expect(outsidePreload(confAfter)).toBe(outsidePreload(confBefore));
    expect(only(STATEFUL_SET).inputs.spec.template).toEqual(JSON.parse(before.get("nats-statefulset")!).spec.template);
  });

  it("mounts the ConfigMap under a fixed name, so the reloader sees the new file in the running pods", () => {
    const volumes = only(STATEFUL_SET).inputs.spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: "config", configMap: { name: "nats-config" } });
    expect(only(STATEFUL_SET).inputs.spec.template.spec.containers.map((container: { name: string }) => container.name)).toContain("reloader");
  });
});

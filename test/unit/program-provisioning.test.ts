/**
 * For every shipped stack, the program under mocks declares exactly the JetStream objects the model's
 * provisioning lists (which the local back end creates, see test/conformance/local-*-cli.test.ts): each
 * stream, consumer and bucket as a NACK object on the cluster it lands in, beside a controller that reaches
 * that cluster, with the creds of its account's provisioner user, and NACK's CRDs once per Kubernetes cluster.
 */
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { listStacks, readStackConfig, stackFilePath } from "../../components/model/stack";
import { programRunner, StackConfig } from "../support/program-run";
import { installMocks, MockRecorder, RecordedResource } from "../../components/testing";
import { modelObjects, sortObjects } from "../support/provisioned";
import { NACK_KINDS } from "../../components/kubernetes/jetstream/nack-crds";
import { ProvisionedObject } from "../../components/model/provisioning";

const PROJECT_DIR = path.resolve(__dirname, "../..");
const NACK = "kubernetes:jetstream.nats.io/v1beta2:";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

let mocks: MockRecorder;
let runProgram: (config: StackConfig) => Promise<unknown>;

beforeAll(async () => {
  mocks = await installMocks({ preview: false, stack: "provisioning" });
  runProgram = programRunner(mocks, await import("@pulumi/pulumi"));
});

function stackConfig(stack: string): StackConfig {
  return Object.fromEntries(Object.entries(readStackConfig(stackFilePath(PROJECT_DIR, stack))).map(([key, value]) => [key.replace(/^nats-jetstream:/, ""), value]));
}

/** The NATS cluster a controller reaches: the first label of its `-s=nats://<cluster>.<namespace>.svc...` URL. */
function controllerCluster(controller: RecordedResource): string {
  const command: string[] = controller.inputs.spec.template.spec.containers[0].command;
  const url = command.find((flag) => flag.startsWith("-s="))!;
  return /^-s=nats:\/\/([^.]+)\./.exec(url)![1];
}

/** Where the program put one NACK object: the cluster its controller reaches, and the account its creds belong to. */
interface DeclaredObject extends ProvisionedObject {
  namespace: string;
  provider: string;
  controllerNamespace: string;
  controllerProvider: string;
  placement: string | undefined;
}

/** The account of a creds path `/etc/nack/creds/<account>/<user>.creds`; none for a cluster without auth. */
function credsAccount(creds: string | undefined): string | undefined {
  return creds === undefined ? undefined : /^\/etc\/nack\/creds\/([^/]+)\//.exec(creds)![1];
}

function declaredObjects(linkAccounts: Record<string, string>): DeclaredObject[] {
  const controllers = mocks.ofType(DEPLOYMENT).filter((deployment) => deployment.inputs.metadata.labels?.["app.kubernetes.io/component"] === "jetstream-controller");
  return mocks.resources
    .filter((resource) => resource.type.startsWith(NACK))
    .map((object) => {
      const controller = controllers.find((candidate) => candidate.options.parent === object.options.parent)!;
      const cluster = controllerCluster(controller);
      const spec = object.inputs.spec;
      const kind = object.type.slice(NACK.length);
      const name = kind === "Stream" ? spec.name : kind === "Consumer" ? `${spec.streamName}/${spec.durableName}` : spec.bucket;
      return {
        cluster,
        account: credsAccount(spec.creds) ?? linkAccounts[cluster],
        kind: kind === "Stream" ? "stream" : kind === "Consumer" ? "consumer" : "bucket",
        name,
        namespace: object.inputs.metadata.namespace,
        provider: object.options.provider,
        controllerNamespace: controller.inputs.metadata.namespace,
        controllerProvider: controller.options.provider,
        placement: spec.placement?.cluster,
      };
    });
}

/** The account each leaf site's link binds, by site name: what a site without auth's objects count as. */
function linkAccountsOf(config: StackConfig): Record<string, string> {
  const hubLeaf = config.hubLeaf as { sites: { name: string; account: string }[] } | undefined;
  return Object.fromEntries((hubLeaf?.sites ?? []).map((site) => [site.name, site.account]));
}

const stacks = listStacks(PROJECT_DIR);

describe("the program declares the model's JetStream objects on Kubernetes", () => {
  it("runs over every shipped stack", () => {
    expect(stacks).toEqual(expect.arrayContaining(["dev", "small", "medium", "large", "lightdash", "dagnats", "supercluster", "hub-leaf"]));
  });

  it.each(stacks)("stack %s: each stream, consumer and bucket on the cluster it lands in, beside that cluster's controller; CRDs once per Kubernetes cluster", async (stack) => {
    const config = stackConfig(stack);
    await runProgram(config);
    const declared = declaredObjects(linkAccountsOf(config));
    const expected = modelObjects(PROJECT_DIR, stack);
    expect(expected.length).toBeGreaterThan(0);
    expect(sortObjects(declared.map(({ cluster, account, kind, name }) => ({ cluster, account, kind, name })))).toEqual(sortObjects(expected));
    for (const object of declared) {
      expect({ namespace: object.namespace, provider: object.provider }).toEqual({ namespace: object.controllerNamespace, provider: object.controllerProvider });
      if (stack === "supercluster" && object.kind !== "consumer") expect(object.placement).toBe(object.cluster);
      if (stack !== "supercluster") expect(object.placement).toBeUndefined();
    }
    const providers = new Set(declared.map((object) => object.provider));
    const crds = mocks.ofType(CRD);
    expect(crds.map((crd) => crd.inputs.spec.names.kind).sort()).toEqual([...providers].flatMap(() => NACK_KINDS).sort());
    expect(new Set(crds.map((crd) => crd.options.provider))).toEqual(providers);
  });
});

describe("installNackCrds", () => {
  it("false leaves NACK's CRDs to a chart the cluster already has, and still declares every object", async () => {
    await runProgram({ ...stackConfig("supercluster"), installNackCrds: "false" });
    expect(mocks.ofType(CRD)).toEqual([]);
    expect(mocks.ofType(`${NACK}Stream`).map((stream) => stream.inputs.spec.name)).toEqual(["ORDERS"]);
  });
});

describe("provisioner users", () => {
  it("gives each account whose objects a controller creates a provisioner with creds, and mounts them", async () => {
    await runProgram(stackConfig("small"));
    const secrets = mocks.ofType("kubernetes:core/v1:Secret").map((secret) => secret.inputs.metadata.name);
    expect(secrets).toEqual(expect.arrayContaining(["nats-app-nack-creds", "nack-app-creds"]));
    const [stream] = mocks.ofType(`${NACK}Stream`);
    expect(stream.inputs.spec.creds).toBe("/etc/nack/creds/app/app-nack.creds");
  });

  it("lets an open site's controller in without creds, and gives the site no provisioner creds", async () => {
    const config = stackConfig("hub-leaf");
    const hubLeaf = config.hubLeaf as { sites: { name: string; clients?: string[] }[] };
    const sites = hubLeaf.sites.map(({ clients, ...site }) => (site.name === "branch" ? { ...site, anonymousClients: true } : { ...site, clients }));
    await runProgram({ ...config, hubLeaf: { ...hubLeaf, sites } });
    const readings = mocks.ofType(`${NACK}Stream`).find((stream) => stream.inputs.spec.name === "READINGS")!;
    expect(readings.inputs.spec.creds).toBeUndefined();
    const secrets = mocks.ofType("kubernetes:core/v1:Secret").map((secret) => `${secret.inputs.metadata.namespace}/${secret.inputs.metadata.name}`);
    // The open site's namespace holds its leaf user's creds and nothing else: no provisioner, no client.
    expect(secrets.filter((name) => name.startsWith("nats/branch-") || name.endsWith("-branch-creds"))).toEqual(["nats/branch-branch-leaf-creds"]);
    // The factory's, in operator mode, its leaf user's, the system user's and those of the client it names.
    expect(secrets.filter((name) => name.startsWith("nats/factory-")).sort()).toEqual(["nats/factory-factory-app-creds", "nats/factory-factory-leaf-creds", "nats/factory-sys-creds"]);
  });
});

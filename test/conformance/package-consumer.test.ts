/**
 * The npm package as another team gets it: packed from a clean copy of the project (so `prepack` must build
 * it), holding exactly what its entry points reach, and installed into a separate project that brings its own,
 * oldest in-range Pulumi SDKs, type-checks a program against it and runs that program under the shipped mocks.
 * About a minute: the build, and an npm install served mostly from npm's cache.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageClosure } from "../support/package-closure";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");
const packageJson = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

/**
 * The environment for npm run inside the test: without what an outer `npm test` sets for this project, which
 * would point the inner npm at this project instead of the directory it runs in.
 */
const npmEnvironment = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|npm_command$|INIT_CWD$)/i.test(key)),
);

async function npm(args: string[], cwd: string): Promise<string> {
  try {
    return (await run("npm", args, { cwd, env: npmEnvironment, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(" ")} in ${cwd} failed: ${failed.message}\n${failed.stdout ?? ""}\n${failed.stderr ?? ""}`);
  }
}

/** The oldest version a peer range admits; the package states its ranges as `^x.y.z` or `>=x.y.z`. */
function oldestInRange(name: string, range: string): string {
  const oldest = /^(?:\^|>=\s*)(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!oldest) throw new Error(`peerDependencies.${name} is ${JSON.stringify(range)}; state it as ^x.y.z or >=x.y.z`);
  return oldest[1];
}

/** A copy of the project as a clean clone has it: tracked and unignored files, no bin/, node_modules linked. */
async function cleanCopy(into: string): Promise<void> {
  const listed = (await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, maxBuffer: 64 * 1024 * 1024 })).stdout;
  for (const file of new Set(listed.split("\0").filter(Boolean))) {
    const source = path.join(root, file);
    if (!fs.existsSync(source)) continue;
    fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    fs.copyFileSync(source, path.join(into, file));
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(into, "node_modules"), "dir");
}

const CONSUMER_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec } from "nats-jetstream";
import { installMocks } from "nats-jetstream/testing";

async function main(): Promise<void> {
  const mocks = await installMocks({ preview: false, project: "consumer", stack: "test" });
  // The components load after the mocks are installed, as the testing export asks.
  const { JetStreamCluster, NatsCredentials } = await import("nats-jetstream");
  const spec: ClusterSpec = { name: "events", tier: "small", namespace: "messaging" };
  const cluster = new JetStreamCluster("events", { cluster: spec });
  const credentials = new NatsCredentials("events-credentials", {
    cluster: spec,
    accounts: [{ name: "shop", users: [{ name: "orders-api", publisher: { stream: "ORDERS" } }] }],
    streams: [{ name: "ORDERS", account: "shop", subjects: ["orders.>"] }],
  });
  // The AWS substrate, through its own entry point and the oldest @pulumi/aws the package admits.
  const { NatsNodePool } = await import("nats-jetstream/aws");
  const pool = new NatsNodePool("events-pool", {
    cluster: { name: "events", tier: "large", namespace: "messaging" },
    aws: { clusterName: "platform", subnets: { "us-east-1a": "subnet-0a1b2c3d4e5f60001", "us-east-1b": "subnet-0a1b2c3d4e5f60002", "us-east-1c": "subnet-0a1b2c3d4e5f60003" } },
    region: "us-east-1",
  });
  await mocks.settle();
  const nodeGroup = mocks.ofType("aws:eks/nodeGroup:NodeGroup")[0]?.inputs;
  const report = {
    sdkVersion: require("@pulumi/pulumi/package.json").version,
    sdkOfPackage: require.resolve("@pulumi/pulumi", { paths: [require.resolve("nats-jetstream")] }),
    sdkOfConsumer: require.resolve("@pulumi/pulumi"),
    componentsAreConsumerResources: [cluster, credentials].map((component) => component instanceof pulumi.ComponentResource),
    kubernetesObjects: mocks.kubernetesObjects().map((object) => object.type),
    randomBytes: mocks.ofType("random:index/randomBytes:RandomBytes").length,
    awsSdkVersion: require("@pulumi/aws/package.json").version,
    poolIsConsumerResource: pool instanceof pulumi.ComponentResource,
    nodeGroup: { clusterName: nodeGroup?.clusterName, instanceTypes: nodeGroup?.instanceTypes, launchTemplates: mocks.ofType("aws:ec2/launchTemplate:LaunchTemplate").length },
  };
  process.stdout.write(JSON.stringify(report));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

/** Pulumi's TypeScript project template's settings, which resolve modules the pre-`exports` way. */
const CONSUMER_TSCONFIG = {
  compilerOptions: { strict: true, target: "es2020", module: "commonjs", moduleResolution: "node", outDir: "dist", skipLibCheck: true, types: ["node"] },
  files: ["main.ts"],
};

let stage: string;
let packageDir: string;
let packed: { filename: string; files: { path: string }[] };

beforeAll(async () => {
  stage = fs.mkdtempSync(path.join(os.tmpdir(), "package-consumer-"));
  packageDir = path.join(stage, "package");
  await cleanCopy(packageDir);
  [packed] = JSON.parse(await npm(["pack", "--json", "--pack-destination", stage], packageDir));
}, 120_000);

afterAll(() => {
  if (stage) fs.rmSync(stage, { recursive: true, force: true });
});

describe("the packed npm package", () => {
  it("is built by prepack and ships every file its entry points reach and no other", () => {
    const shipped = new Set(packed.files.map((file) => file.path));
    const needed = packageClosure(packageDir);
    expect([...shipped].filter((file) => !needed.has(file)).sort()).toEqual([]);
    expect([...needed].filter((file) => !shipped.has(file)).sort()).toEqual([]);
    expect(shipped).toContain("bin/components/index.js");
    expect(shipped).toContain("bin/components/testing/index.d.ts");
  });

  it("is built without source maps", () => {
    const built = fs.readdirSync(path.join(packageDir, "bin"), { recursive: true }).map(String);
    expect(built.filter((file) => file.endsWith(".map"))).toEqual([]);
    expect(built).toContain(path.join("components", "index.js"));
  });
});

describe("a consumer project on the oldest Pulumi SDKs the package admits", () => {
  const peers: Record<string, string> = packageJson.peerDependencies;
  const oldest = Object.fromEntries(Object.entries(peers).map(([name, range]) => [name, oldestInRange(name, range)]));
  let report: {
    sdkVersion: string;
    sdkOfPackage: string;
    sdkOfConsumer: string;
    componentsAreConsumerResources: boolean[];
    kubernetesObjects: string[];
    randomBytes: number;
    awsSdkVersion: string;
    poolIsConsumerResource: boolean;
    nodeGroup: { clusterName: string; instanceTypes: string[]; launchTemplates: number };
  };

  beforeAll(async () => {
    const consumer = path.join(stage, "consumer");
    fs.mkdirSync(consumer);
    const dependencies = {
      "nats-jetstream": `file:${path.join(stage, packed.filename)}`,
      ...oldest,
      typescript: packageJson.devDependencies.typescript,
      "@types/node": packageJson.devDependencies["@types/node"],
    };
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, dependencies }, null, 2));
    fs.writeFileSync(path.join(consumer, "tsconfig.json"), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    fs.writeFileSync(path.join(consumer, "main.ts"), CONSUMER_PROGRAM);
    // Install scripts stay off: the providers' would fetch plugins, which mocks do not use.
    await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], consumer);
    const tsc = path.join(consumer, "node_modules/.bin/tsc");
    await run(tsc, ["-p", "."], { cwd: consumer }).catch((error) => {
      throw new Error(`the consumer program does not type-check:\n${error.stdout}${error.stderr}`);
    });
    // Resolvers that read `exports` (node16, bundler) must find the same types through it.
    await run(tsc, ["-p", ".", "--noEmit", "--module", "node16", "--moduleResolution", "node16"], { cwd: consumer }).catch((error) => {
      throw new Error(`the consumer program does not type-check through exports:\n${error.stdout}${error.stderr}`);
    });
    report = JSON.parse((await run(process.execPath, ["dist/main.js"], { cwd: consumer })).stdout);
  }, 180_000);

  it("installs an SDK older than the one this project develops with", () => {
    expect(oldest["@pulumi/pulumi"]).not.toBe(packageJson.devDependencies["@pulumi/pulumi"]);
    expect(report.sdkVersion).toBe(oldest["@pulumi/pulumi"]);
  });

  it("shares the consumer's one Pulumi SDK, so the components are its ComponentResources", () => {
    expect(report.sdkOfPackage).toBe(report.sdkOfConsumer);
    expect(report.componentsAreConsumerResources).toEqual([true, true]);
  });

  it("registers the cluster's Kubernetes objects and the credentials' keys under the shipped mocks", () => {
    const count = (type: string) => report.kubernetesObjects.filter((object) => object === type).length;
    expect(count("kubernetes:apps/v1:StatefulSet")).toBe(1);
    expect(count("kubernetes:core/v1:ConfigMap")).toBe(1);
    expect(count("kubernetes:core/v1:Service")).toBe(2);
    expect(count("kubernetes:policy/v1:PodDisruptionBudget")).toBe(1);
    expect(count("kubernetes:networking.k8s.io/v1:NetworkPolicy")).toBe(1);
    expect(count("kubernetes:core/v1:ServiceAccount")).toBe(1);
    // The operator, SYS and its user sys, the account shop and its user orders-api.
    expect(report.randomBytes).toBe(5);
  });

  it("creates a NATS node pool through nats-jetstream/aws on the oldest @pulumi/aws it admits", () => {
    expect(report.awsSdkVersion).toBe(oldest["@pulumi/aws"]);
    expect(report.poolIsConsumerResource).toBe(true);
    // The large tier's default type, with its NVMe disks mounted by the launch template's user data.
    expect(report.nodeGroup).toEqual({ clusterName: "platform", instanceTypes: ["i4i.4xlarge"], launchTemplates: 1 });
  });
});

/**
 * Bad AWS input, each refused before anything is created, with the field named: by the stack's check and the
 * program (large-aws with one thing broken), and by the components when a program uses them directly.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, MockRecorder } from "../../components/testing";
import { checkStack } from "../../components/stack-check";
import { ValidationError } from "../../components/model/errors";
import { expectRefusal } from "../support/component-expectations";
import { shippedStack } from "../support/aws-substrate";
import { programRunner } from "../support/program-run";

type Keys = Record<string, any>;
let mocks: MockRecorder;
let pulumi: typeof import("@pulumi/pulumi");
let aws: typeof import("../../components/aws");

beforeAll(async () => {
  mocks = await installMocks({ preview: false, stack: "large-aws" });
  pulumi = await import("@pulumi/pulumi");
  aws = await import("../../components/aws");
});

/** The large-aws stack with one change. */
function largeAws(change: (keys: Keys) => void): Keys {
  const keys = structuredClone(shippedStack("large-aws")) as Keys;
  change(keys);
  return keys;
}

function problemsOf(keys: Keys): { path: string; allowed: string }[] {
  try {
    checkStack("large-aws", keys);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems.map(({ path, allowed }) => ({ path, allowed }));
    throw error;
  }
  return [];
}

const BAD_STACKS: [what: string, change: (keys: Keys) => void, path: string, allowed: RegExp][] = [
  ["an instance type without instance storage for nats-nvme", (keys) => (keys.aws.instanceTypes.large = "m6i.4xlarge"), "aws.instanceTypes.large", /NVMe instance storage for nats-nvme .*m6i\.4xlarge has EBS only/],
  ["a volume larger than the instance's disk", (keys) => ((keys.aws.instanceTypes.large = "m6id.4xlarge"), (keys.cluster.volumeSize = "1Ti")), "aws.instanceTypes.large", /each volume is one whole disk, and m6id\.4xlarge's disks are 950 GB \(1100 GB needed\)/],
  ["an instance type a server does not fit on", (keys) => (keys.aws.instanceTypes.large = "i4i.2xlarge"), "aws.instanceTypes.large", /at least 8\.5 vCPUs and 17GiB/],
  ["an instance type the pool does not know", (keys) => (keys.aws.instanceTypes.large = "x9.huge"), "aws.instanceTypes.large", /the pool knows m6i\.large/],
  ["subnets in fewer zones than the quorum needs", (keys) => delete keys.aws.subnets["us-east-1c"], "aws.subnets", /at least 3 zones/],
  ["a subnet in another region's zone", (keys) => (keys.aws.subnets["us-west-2a"] = "subnet-0a1b2c3d4e5f60004"), "aws.subnets.us-west-2a", /name a zone of us-east-1/],
  ["a subnet ID that is none", (keys) => (keys.aws.subnets["us-east-1a"] = "sn-1"), "aws.subnets.us-east-1a", /subnet ID/],
  ["an unknown tier", (keys) => (keys.aws.instanceTypes.huge = "i4i.large"), "aws.instanceTypes.huge", /use one of dev, small, medium, large/],
  ["a KMS key that is not an ARN", (keys) => (keys.aws.kmsKeyArn = "alias/nats"), "aws.kmsKeyArn", /full ARN of a KMS key/],
  ["a zero node count", (keys) => (keys.aws.nodes = 0), "aws.nodes", /from 1 to 100/],
  ["fewer nodes than servers", (keys) => (keys.aws.nodes = 3), "aws.nodes", /use at least 5: one node per server/],
  ["a node role that is not an ARN", (keys) => (keys.aws.nodeRoleArn = "nats-nodes"), "aws.nodeRoleArn", /full ARN of an IAM role/],
  ["an EKS cluster name EKS refuses", (keys) => (keys.aws.clusterName = "-platform"), "aws.clusterName", /existing EKS cluster/],
  ["pools without cloud: aws", (keys) => delete keys.cloud, "cloud", /set cloud: aws/],
  ["an R1 stream on instance storage", (keys) => (keys.streams[0].replicas = 1), "streams[0].replicas", /use 3 or more on cluster nats: its volumes are nats-nvme instance storage/],
  ["a write rate that is no quantity", (keys) => (keys.cost.writeRate = "fast"), "cost.writeRate", /bytes per second/],
];

describe("the stack check", () => {
  it.each(BAD_STACKS)("refuses %s, naming the field", (_, change, path, allowed) => {
    const problems = problemsOf(largeAws(change));
    expect(problems.map((problem) => problem.path)).toEqual([path]);
    expect(problems[0].allowed).toMatch(allowed);
  });

  it("accepts the shipped stack, and an R1 stream on instance storage when the stack accepts losing it", () => {
    expect(problemsOf(shippedStack("large-aws"))).toEqual([]);
    expect(problemsOf(largeAws((keys) => ((keys.streams[0].replicas = 1), (keys.acceptNodeLocalDataLoss = true))))).toEqual([]);
  });

  it("refuses subnets that miss a zone a supercluster member's servers are tagged with, at that member", () => {
    const member = (name: string, region: string, zones: string[]) => ({
      name,
      tier: "small",
      region,
      zones: [`${region}a`, `${region}b`, `${region}c`],
      kubernetes: { context: name },
      gatewayService: { loadBalancerSourceRanges: ["198.51.100.0/24"] },
      aws: { clusterName: name, subnets: Object.fromEntries(zones.map((zone, index) => [`${region}${zone}`, `subnet-0000000${index}`])) },
    });
    const problems = problemsOf({
      cloud: "aws",
      kubernetesVersion: "1.35",
      supercluster: { gatewayTls: { issuer: { name: "links", kind: "ClusterIssuer" } }, clusters: [member("east", "us-east-1", ["a", "b", "c"]), member("west", "eu-west-1", ["a", "b", "d"])] },
    });
    expect(problems).toEqual([{ path: "supercluster.clusters[1].aws.subnets", allowed: expect.stringMatching(/none for eu-west-1c/) }]);
  });
});

describe("the program", () => {
  it("creates nothing for a refused stack and names every field", async () => {
    const failure = await programRunner(mocks, pulumi)(largeAws((keys) => ((keys.aws.nodes = 3), (keys.aws.kmsKeyArn = "alias/nats")))).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(pulumi.RunError);
    expect((failure as Error).message).toMatch(/2 problems:\n {2}- aws\.kmsKeyArn: "alias\/nats" is not allowed; .*\n {2}- aws\.nodes: 3 is not allowed; use at least 5/);
    expect(mocks.resources).toEqual([]);
  });
});

describe("the components", () => {
  const pool = { clusterName: "platform", subnets: { "us-east-1a": "subnet-00000001", "us-east-1b": "subnet-00000002", "us-east-1c": "subnet-00000003" } };

  it.each([
    ["an instance type without instance storage", { cluster: { name: "nats", tier: "large" }, aws: { ...pool, instanceType: "m7i.4xlarge" } }, ["aws.instanceType"]],
    ["an unknown tier", { cluster: { name: "nats", tier: "huge" }, aws: pool }, ["cluster.tier"]],
    ["a zero node count and a bad KMS key", { cluster: { name: "nats", tier: "small" }, aws: { ...pool, nodes: 0, kmsKeyArn: "key" } }, ["aws.kmsKeyArn", "aws.nodes"]],
    ["subnets that miss a zone of the servers", { cluster: { name: "nats", tier: "small" }, aws: pool, region: "us-east-1", zones: ["us-east-1a", "us-east-1d"] }, ["aws.subnets"]],
  ])("NatsNodePool refuses %s and creates nothing", async (_, args, paths) => {
    const refusal = await expectRefusal(mocks, () => new aws.NatsNodePool("pool", args as never));
    expect(refusal.paths).toEqual(paths);
  });

  it.each([
    ["a KMS key that is not an ARN", { ssd: { iops: 3000, throughput: 125, kmsKeyArn: "alias/nats" } }, ["ssd.kmsKeyArn"]],
    ["IOPS outside gp3's range and throughput above a quarter of the IOPS", { ssd: { iops: 20000, throughput: 125 } }, ["ssd.iops"]],
    ["throughput gp3 cannot give at those IOPS", { ssd: { iops: 3000, throughput: 1000 } }, ["ssd.throughput"]],
    ["no class at all", {}, ["ssd"]],
    ["a pool name that is no label value", { nvme: { poolName: "NATS pool" } }, ["nvme.poolName"]],
  ])("NatsStorageClasses refuses %s and creates nothing", async (_, args, paths) => {
    const refusal = await expectRefusal(mocks, () => new aws.NatsStorageClasses("classes", args as never));
    expect(refusal.paths).toEqual(paths);
  });
});

/**
 * The AWS substrate under Pulumi mocks in update mode, through the program: the large-aws stack's pool,
 * launch template, role, storage class and provisioner; a small cluster's nats-ssd class; a supercluster's
 * pools, one AWS provider per region.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, MockRecorder } from "../../components/testing";
import { expectEachValid } from "../support/component-expectations";
import { expectLargeAwsSubstrate, shippedStack, TYPES } from "../support/aws-substrate";
import { Program, programRunner } from "../support/program-run";

const ROLE_ARN = "arn:aws:iam::111122223333:role/nats-nats-node-role";
let mocks: MockRecorder;
let runProgram: (config: Record<string, unknown>) => Promise<Program>;

beforeAll(async () => {
  mocks = await installMocks({
    preview: false,
    extraState: (type) => (type === TYPES.launchTemplate ? { latestVersion: 3 } : type === TYPES.role ? { arn: ROLE_ARN } : undefined),
  });
  runProgram = programRunner(mocks, await import("@pulumi/pulumi"));
});

describe("an update of the large-aws stack", () => {
  beforeAll(async () => {
    await runProgram(shippedStack("large-aws"));
  });

  it("creates the pool, its launch template and role, the nats-nvme class with its provisioner, and pins the servers to the pool", async () => {
    await expectLargeAwsSubstrate(mocks, (version) => expect(version).toBe("3"));
  });

  it("starts nodes only once the role has its policies", () => {
    expect(mocks.ofType(TYPES.nodeGroup)[0].inputs.nodeRoleArn).toBe(ROLE_ARN);
    const dependencies = mocks.ofType(TYPES.nodeGroup)[0].options.dependencies;
    for (const attachment of mocks.ofType(TYPES.attachment)) expect(dependencies.some((urn) => urn.endsWith(`::${attachment.name}`))).toBe(true);
  });
});

describe("a small cluster on AWS", () => {
  const kmsKeyArn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  beforeAll(async () => {
    await runProgram({
      cloud: "aws",
      aws: {
        clusterName: "shop",
        subnets: { "eu-west-1a": "subnet-00000001", "eu-west-1b": "subnet-00000002", "eu-west-1c": "subnet-00000003" },
        kmsKeyArn,
        nodeRoleArn: "arn:aws:iam::111122223333:role/existing-nodes",
      },
      cluster: { name: "events", tier: "small", namespace: "messaging" },
    });
  });

  it("gets an encrypted gp3 nats-ssd class at the tier's IOPS and throughput, bound where the pod lands and growable", () => {
    expect(mocks.ofType(TYPES.storageClass).map((storageClass) => storageClass.inputs)).toEqual([
      {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "nats-ssd", labels: { "app.kubernetes.io/part-of": "nats-jetstream", "app.kubernetes.io/managed-by": "pulumi" } },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", iops: "3000", throughput: "125", encrypted: "true", kmsKeyId: kmsKeyArn },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
      },
    ]);
    expectEachValid(mocks.kubernetesObjects());
  });

  it("runs on general-purpose nodes of the given role, without a launch template, through the ambient AWS provider", () => {
    const [nodeGroup] = mocks.ofType(TYPES.nodeGroup);
    expect(nodeGroup.inputs).toMatchObject({ clusterName: "shop", instanceTypes: ["m6i.xlarge"], nodeRoleArn: "arn:aws:iam::111122223333:role/existing-nodes", scalingConfig: { desiredSize: 3, minSize: 3, maxSize: 3 } });
    expect(nodeGroup.inputs.launchTemplate).toBeUndefined();
    expect(mocks.ofType(TYPES.launchTemplate)).toEqual([]);
    expect(mocks.ofType(TYPES.role)).toEqual([]);
    expect(mocks.ofType(TYPES.provider)).toEqual([]);
    expect(mocks.ofType(TYPES.statefulSet)[0].inputs.spec.template.spec.nodeSelector).toEqual({ "nats.io/pool": "nats-events" });
  });

  it("makes the servers wait for their nodes and their class", () => {
    const cluster = mocks.resources.find((resource) => resource.type === "nats-jetstream:index:JetStreamCluster")!;
    // A component in dependsOn stands for its resources: the node group, and the class.
    expect(cluster.options.dependencies.map((urn) => urn.split("::").slice(-2).join("::")).sort()).toEqual([
      "nats-jetstream:index:NatsNodePool$aws:eks/nodeGroup:NodeGroup::nats-events",
      "nats-jetstream:index:NatsStorageClasses$kubernetes:storage.k8s.io/v1:StorageClass::events-storage-nats-ssd",
    ]);
  });
});

describe("a supercluster with a pool per region", () => {
  beforeAll(async () => {
    const member = (name: string, region: string, subnet: string) => ({
      name,
      tier: "medium",
      namespace: "nats",
      region,
      zones: [`${region}a`, `${region}b`, `${region}c`],
      kubernetes: { context: name },
      gatewayService: { loadBalancerSourceRanges: ["198.51.100.0/24"] },
      aws: { clusterName: `${name}-eks`, subnets: { [`${region}a`]: `${subnet}1`, [`${region}b`]: `${subnet}2`, [`${region}c`]: `${subnet}3` } },
    });
    await runProgram({
      cloud: "aws",
      kubernetesVersion: "1.35",
      aws: { instanceTypes: { medium: "m7i.2xlarge" } },
      supercluster: {
        gatewayTls: { issuer: { name: "nats-links", kind: "ClusterIssuer" } },
        clusters: [member("east", "us-east-1", "subnet-0000000"), member("west", "eu-west-1", "subnet-1111111")],
      },
    });
  });

  it("creates one AWS provider per region, and each region's pool through its own", () => {
    const providers = mocks.ofType(TYPES.provider);
    expect(providers.map((provider) => provider.inputs.region)).toEqual(["us-east-1", "eu-west-1"]);
    const nodeGroups = mocks.ofType(TYPES.nodeGroup);
    expect(nodeGroups.map((nodeGroup) => [nodeGroup.inputs.clusterName, nodeGroup.inputs.instanceTypes[0], nodeGroup.options.provider.split("::")[3]])).toEqual([
      ["east-eks", "m7i.2xlarge", "test-aws-us-east-1"],
      ["west-eks", "m7i.2xlarge", "test-aws-eu-west-1"],
    ]);
  });

  it("creates each region's nats-ssd class in that region's Kubernetes cluster, at the medium tier's performance", () => {
    const classes = mocks.ofType(TYPES.storageClass);
    expect(classes.map((storageClass) => [storageClass.inputs.metadata.name, storageClass.inputs.parameters.iops, storageClass.inputs.parameters.throughput, storageClass.options.provider.split("::")[3]])).toEqual([
      ["nats-ssd", "6000", "250", "test-kubernetes-east"],
      ["nats-ssd", "6000", "250", "test-kubernetes-west"],
    ]);
  });

  it("pins each region's servers to its own pool", () => {
    const selectors = mocks.ofType(TYPES.statefulSet).map((statefulSet) => statefulSet.inputs.spec.template.spec.nodeSelector);
    expect(selectors).toEqual([{ "nats.io/pool": "nats-east" }, { "nats.io/pool": "nats-west" }]);
  });
});

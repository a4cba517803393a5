/**
 * What the AWS substrate tests share: the large-aws stack's config as the Pulumi CLI gives it, the user data
 * of a launch template parsed back (base64, then MIME, then YAML) with an independent MIME parser, and the
 * checks a preview and an update both pass.
 */
import * as path from "path";
import PostalMime from "postal-mime";
import { expect } from "vitest";
import { parse } from "yaml";
import { projectKeys } from "../../components/model/stack-file";
import { readStackConfig } from "../../components/model/stack";
import { MockRecorder } from "../../components/testing";
import { jsonSchemaCheck } from "./json-schema";
import { expectEachValid } from "./component-expectations";
import { NODE_CONFIG_SCHEMA } from "./node-config-schema";

export const ROOT = path.resolve(__dirname, "../..");

/** A shipped stack's keys without the namespace, as the program reads them. */
export function shippedStack(name: string): Record<string, unknown> {
  return projectKeys(readStackConfig(path.join(ROOT, "stacks", `Pulumi.${name}.yaml`)));
}

/** The parts of a MIME multi-part user data document, each with its type and text. */
export async function userDataParts(encoded: string): Promise<{ mimeType: string; text: string }[]> {
  const document = Buffer.from(encoded, "base64").toString("utf8");
  const parsed = await PostalMime.parse(document);
  expect(parsed.headers.find((header) => header.key === "content-type")?.value).toMatch(/^multipart\/mixed; boundary=/);
  return parsed.attachments.map((part) => ({
    mimeType: part.mimeType,
    text: typeof part.content === "string" ? part.content : new TextDecoder().decode(part.content),
  }));
}

export const checkNodeConfig = jsonSchemaCheck(NODE_CONFIG_SCHEMA);

export const TYPES = {
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  role: "aws:iam/role:Role",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  provider: "pulumi:providers:aws",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  deployment: "kubernetes:apps/v1:Deployment",
  configMap: "kubernetes:core/v1:ConfigMap",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
} as const;

/**
 * What the large-aws stack declares, in a preview and an update alike: the pool, its launch template and
 * role, the nats-nvme class and its provisioner, and the servers pinned to the pool. `launchTemplateVersion`
 * is what the node group's template version reads (unknown in a preview).
 */
export async function expectLargeAwsSubstrate(mocks: MockRecorder, launchTemplateVersion: (value: unknown) => void): Promise<void> {
  const [nodeGroup] = mocks.ofType(TYPES.nodeGroup);
  expect(nodeGroup.inputs).toMatchObject({
    clusterName: "platform",
    subnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"],
    instanceTypes: ["i4i.4xlarge"],
    amiType: "AL2023_x86_64_STANDARD",
    capacityType: "ON_DEMAND",
    scalingConfig: { desiredSize: 5, minSize: 5, maxSize: 5 },
    updateConfig: { maxUnavailable: 1 },
    labels: { "nats.io/pool": "nats-nats" },
    taints: [{ key: "dedicated", value: "nats", effect: "NO_SCHEDULE" }],
    launchTemplate: { id: "nats-nats-nodes-id" },
  });
  launchTemplateVersion(nodeGroup.inputs.launchTemplate.version);

  const [launchTemplate] = mocks.ofType(TYPES.launchTemplate);
  expect(launchTemplate.inputs.updateDefaultVersion).toBe(true);
  expect(launchTemplate.inputs.tagSpecifications).toEqual([{ resourceType: "instance", tags: { Name: "nats-nats", "nats.io/pool": "nats-nats", "nats.io/stack": "test" } }]);
  const parts = await userDataParts(launchTemplate.inputs.userData);
  expect(parts.map((part) => part.mimeType)).toEqual(["application/node.eks.aws"]);
  const nodeConfig = parse(parts[0].text);
  expect(checkNodeConfig(nodeConfig)).toEqual([]);
  expect(nodeConfig.apiVersion).toBe("node.eks.aws/v1alpha1");
  expect(nodeConfig.kind).toBe("NodeConfig");
  // Only what the pool adds: EKS adds the cluster's own part on a managed node group.
  expect(Object.keys(nodeConfig.spec)).toEqual(["instance"]);
  expect(Object.keys(nodeConfig.spec.instance)).toEqual(["localStorage"]);
  expect(nodeConfig.spec.instance.localStorage.strategy).toBe("Mount");
  expect(nodeConfig.spec.instance.localStorage.mountPath).toBe("/mnt/k8s-disks");
  expect(nodeConfig.spec.instance.localStorage.disabledMounts).toBeUndefined();

  const [role] = mocks.ofType(TYPES.role);
  expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
  expect(mocks.ofType(TYPES.attachment).map((attachment) => attachment.inputs.policyArn).sort()).toEqual([
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  ]);
  const providers = mocks.ofType(TYPES.provider);
  expect(providers.map((provider) => provider.inputs.region)).toEqual(["us-east-1"]);
  for (const resource of [nodeGroup, launchTemplate, role]) expect(resource.options.provider).toContain("pulumi:providers:aws::test-aws-us-east-1");

  const classes = mocks.ofType(TYPES.storageClass);
  expect(classes.map((storageClass) => storageClass.inputs)).toEqual([
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "nats-nvme", labels: { "app.kubernetes.io/part-of": "nats-jetstream", "app.kubernetes.io/managed-by": "pulumi" } },
      provisioner: "kubernetes.io/no-provisioner",
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Delete",
    },
  ]);

  // The provisioner runs on the pool's nodes only, and looks where nodeadm mounted the disks.
  const [daemonSet] = mocks.ofType(TYPES.daemonSet);
  const podSpec = daemonSet.inputs.spec.template.spec;
  expect(podSpec.nodeSelector).toEqual({ "kubernetes.io/os": "linux", "nats.io/pool": "nats-nats" });
  expect(podSpec.tolerations).toEqual([{ key: "dedicated", operator: "Equal", value: "nats", effect: "NoSchedule" }]);
  expect(podSpec.volumes[1]).toEqual({ name: "local-disks", hostPath: { path: nodeConfig.spec.instance.localStorage.mountPath, type: "DirectoryOrCreate" } });
  const config = mocks.ofType(TYPES.configMap).find((configMap) => configMap.inputs.metadata.name === "nats-local-volume-provisioner-config")!;
  expect(parse(config.inputs.data.storageClassMap)).toEqual({
    "nats-nvme": { hostDir: "/mnt/k8s-disks", mountDir: "/mnt/k8s-disks", volumeMode: "Filesystem", namePattern: "*" },
  });
  const cleanup = mocks.ofType(TYPES.deployment).find((deployment) => deployment.inputs.metadata.name === "nats-local-volume-node-cleanup")!;
  expect(cleanup.inputs.spec.template.spec.containers[0].args).toEqual(["--storageclass-names=nats-nvme", "--pvc-deletion-delay=60s", "--stale-pv-discovery-interval=10s"]);
  expect(cleanup.inputs.spec.template.spec.tolerations).toBeUndefined();

  // The servers land on the pool: its label selected, its taint tolerated, its class claimed.
  const [statefulSet] = mocks.ofType(TYPES.statefulSet);
  const serverPod = statefulSet.inputs.spec.template.spec;
  expect(serverPod.nodeSelector).toEqual({ "nats.io/pool": "nats-nats" });
  expect(serverPod.tolerations).toEqual([{ key: "dedicated", operator: "Equal", value: "nats", effect: "NoSchedule" }]);
  expect(statefulSet.inputs.spec.volumeClaimTemplates[0].spec.storageClassName).toBe("nats-nvme");

  expectEachValid(mocks.kubernetesObjects());
}

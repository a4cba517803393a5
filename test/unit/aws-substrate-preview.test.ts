/**
 * The AWS substrate under Pulumi mocks in preview mode, through the program: the large-aws stack shows the
 * same pool, launch template, class, provisioner and pinned servers as an update, with only what AWS assigns
 * (the launch template's version, the new role's ARN) unknown.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, MockRecorder, unknownValue } from "../../components/testing";
import { expectLargeAwsSubstrate, shippedStack, TYPES } from "../support/aws-substrate";
import { programRunner } from "../support/program-run";

let mocks: MockRecorder;

beforeAll(async () => {
  mocks = await installMocks({
    preview: true,
    extraState: (type) => (type === TYPES.launchTemplate ? { latestVersion: unknownValue } : type === TYPES.role ? { arn: unknownValue } : undefined),
  });
  await programRunner(mocks, await import("@pulumi/pulumi"))(shippedStack("large-aws"));
});

describe("a preview of the large-aws stack", () => {
  it("shows the pool, its launch template and role, the nats-nvme class with its provisioner, and the servers pinned to the pool", async () => {
    await expectLargeAwsSubstrate(mocks, (version) => expect(pulumi.isUnknown(version)).toBe(true));
  });

  it("leaves unknown only what AWS assigns", () => {
    const [nodeGroup] = mocks.ofType(TYPES.nodeGroup);
    expect(pulumi.isUnknown(nodeGroup.inputs.nodeRoleArn)).toBe(true);
    expect(pulumi.isUnknown(nodeGroup.inputs.clusterName)).toBe(false);
    expect(typeof mocks.ofType(TYPES.launchTemplate)[0].inputs.userData).toBe("string");
  });
});

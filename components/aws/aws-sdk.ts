/**
 * The parts of @pulumi/aws the substrate uses, loaded when a pool is first created: @pulumi/aws is an optional
 * peer dependency, and a program whose stack has no pool neither needs it installed nor pays for loading it.
 * Each class by the path of its own file, not its service's index (`@pulumi/aws/ec2` alone declares some 400
 * resources), so the type check and the load read five classes and the SDK's shared types, not the whole SDK.
 */
import type { LaunchTemplate } from "@pulumi/aws/ec2/launchTemplate";
import type { NodeGroup } from "@pulumi/aws/eks/nodeGroup";
import type { Role } from "@pulumi/aws/iam/role";
import type { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
import type { Provider } from "@pulumi/aws/provider";

/** The classes, loaded on first use. */
export interface AwsSdk {
  ec2: { LaunchTemplate: typeof LaunchTemplate };
  eks: { NodeGroup: typeof NodeGroup };
  iam: { Role: typeof Role; RolePolicyAttachment: typeof RolePolicyAttachment };
  provider: { Provider: typeof Provider };
}

let loaded: AwsSdk | undefined;

export function awsSdk(): AwsSdk {
  loaded ??= {
    ec2: require("@pulumi/aws/ec2/launchTemplate"),
    eks: require("@pulumi/aws/eks/nodeGroup"),
    iam: { ...require("@pulumi/aws/iam/role"), ...require("@pulumi/aws/iam/rolePolicyAttachment") },
    provider: require("@pulumi/aws/provider"),
  };
  return loaded;
}

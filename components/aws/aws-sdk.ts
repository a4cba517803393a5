/**
 * The parts of @pulumi/aws the substrate uses, loaded when a pool is first created: @pulumi/aws is an optional
 * peer dependency, and a program whose stack has no pool neither needs it installed nor pays for loading it.
 * Each class by the path of its own file, not its service's index (`@pulumi/aws/ec2` alone declares some 400
 * resources), so the type check and the load read five classes and the SDK's shared types, not the whole SDK.
 */
import type { LaunchTemplate } from "@pulumi/aws/ec2/launchTemplate";
import type { NodeGroup } from "@pulumi/aws/eks/nodeGroup";
import type { PodIdentityAssociation } from "@pulumi/aws/eks/podIdentityAssociation";
import type { Role } from "@pulumi/aws/iam/role";
import type { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import type { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
import type { Provider } from "@pulumi/aws/provider";
import type { Bucket } from "@pulumi/aws/s3/bucket";
import type { BucketLifecycleConfiguration } from "@pulumi/aws/s3/bucketLifecycleConfiguration";
import type { BucketPublicAccessBlock } from "@pulumi/aws/s3/bucketPublicAccessBlock";
import type { BucketServerSideEncryptionConfiguration } from "@pulumi/aws/s3/bucketServerSideEncryptionConfiguration";
import type { BucketVersioning } from "@pulumi/aws/s3/bucketVersioning";

/** The classes, loaded on first use. */
export interface AwsSdk {
  ec2: { LaunchTemplate: typeof LaunchTemplate };
  eks: { NodeGroup: typeof NodeGroup; PodIdentityAssociation: typeof PodIdentityAssociation };
  iam: { Role: typeof Role; RolePolicy: typeof RolePolicy; RolePolicyAttachment: typeof RolePolicyAttachment };
  provider: { Provider: typeof Provider };
  s3: {
    Bucket: typeof Bucket;
    BucketLifecycleConfiguration: typeof BucketLifecycleConfiguration;
    BucketPublicAccessBlock: typeof BucketPublicAccessBlock;
    BucketServerSideEncryptionConfiguration: typeof BucketServerSideEncryptionConfiguration;
    BucketVersioning: typeof BucketVersioning;
  };
}

let loaded: AwsSdk | undefined;

export function awsSdk(): AwsSdk {
  loaded ??= {
    ec2: require("@pulumi/aws/ec2/launchTemplate"),
    eks: { ...require("@pulumi/aws/eks/nodeGroup"), ...require("@pulumi/aws/eks/podIdentityAssociation") },
    iam: { ...require("@pulumi/aws/iam/role"), ...require("@pulumi/aws/iam/rolePolicy"), ...require("@pulumi/aws/iam/rolePolicyAttachment") },
    provider: require("@pulumi/aws/provider"),
    s3: {
      ...require("@pulumi/aws/s3/bucket"),
      ...require("@pulumi/aws/s3/bucketLifecycleConfiguration"),
      ...require("@pulumi/aws/s3/bucketPublicAccessBlock"),
      ...require("@pulumi/aws/s3/bucketServerSideEncryptionConfiguration"),
      ...require("@pulumi/aws/s3/bucketVersioning"),
    },
  };
  return loaded;
}

/**
 * The AWS substrate under NATS clusters (`nats-jetstream/aws`): node pools with NVMe instance storage and the
 * storage classes the tiers name. A separate entry point, so that programs without AWS never load
 * @pulumi/aws, an optional peer dependency.
 */
export { NatsNodePool, NATS_NODE_POOL_TYPE, AL2023_AMI_TYPE } from "./node-pool";
export type { NatsNodePoolArgs } from "./node-pool";
export { NatsStorageClasses, NATS_STORAGE_CLASSES_TYPE } from "./storage-classes";
export type { NatsStorageClassesArgs, Gp3ClassArgs, LocalClassArgs } from "./storage-classes";
export { localStorageNodeConfig, userDataDocument, encodedUserData } from "./node-config";
export { gp3StorageClass, localStorageClass } from "./storage-class-objects";
export { localVolumeProvisionerObjects } from "./local-volume-provisioner-objects";
export { deployNodePools, deployStorageClasses, storageClassesArgs } from "./substrate";

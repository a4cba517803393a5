/**
 * Public API of the component package: what a program needs to deploy a NATS JetStream stack and to check it
 * before it does. Everything else under components/ is internal and may change without notice.
 *
 * - Components (Pulumi ComponentResources, type token `nats-jetstream:index:<Class>`) with their args and the
 *   settings those take: NatsCredentials, JetStreamCluster (and deployCluster, which wires it to its
 *   credentials in operator mode), JetStreamResources, WorkerPool, SuperCluster, HubAndLeaf, Lightdash, DagNats,
 *   ClusterMonitoring with what the presets bring to it (lightdashScaledPools, dagnatsMonitoring), and for
 *   backups BackupSchedule (a cluster's CronJob) and BackupBucket (the S3 bucket on AWS, its role and Pod
 *   Identity associations), with withBackupUsers, which gives the accounts the users those run as.
 * - The stack description the args are written in: the model's specs for clusters, topologies, accounts,
 *   users, streams, consumers and key-value buckets.
 * - Values a description is written with, as `as const` objects with a type of the same name: TierName,
 *   Retention, AckPolicy and the like.
 * - Checking a description without deploying it: checkStack and loadCheckedStack for a whole stack, the
 *   validate functions for a part, stackProvisioning for the streams, consumers and buckets it provisions;
 *   each refusal is a ValidationError listing every Problem.
 * - Rendering: the nats.conf a cluster's pods get (renderPodConfig), and the conf renderer for sections of
 *   one's own (renderConf, ConfVariable).
 */

// Components and their args.
export { NatsCredentials, type NatsCredentialsArgs } from "./credentials/component";
export type { CredsSecretsArgs } from "./credentials/secrets";
export { JetStreamCluster } from "./kubernetes/cluster/jetstream-cluster";
export type { ConfSection, JetStreamClusterArgs } from "./kubernetes/cluster/cluster-args";
export type {
  PodConfigMapVolumeSource,
  PodEmptyDirVolumeSource,
  PodEnvVar,
  PodEnvVarSource,
  PodFieldSelector,
  PodKeySelector,
  PodKeyToPath,
  PodSecretVolumeSource,
  PodVolume,
  PodVolumeMount,
} from "./workloads/pod-extras";
export { deployCluster, type OperatorModeCluster, type OperatorModeClusterArgs } from "./kubernetes/cluster/deploy-cluster";
export { JetStreamResources, type JetStreamResourcesArgs } from "./kubernetes/jetstream/jetstream-resources";
export { WorkerPool, type WorkerPoolArgs, type WorkerPoolSettings } from "./kubernetes/apps/worker-pool";
export type { LagScalingSettings } from "./kubernetes/apps/lag-scaling";
export type { ConsumerRef } from "./workloads/keda";
export { SuperCluster, type SuperClusterArgs } from "./kubernetes/topology/super-cluster";
export { HubAndLeaf, type HubAndLeafArgs } from "./kubernetes/topology/hub-and-leaf";
export type { TopologyClusterArgs, TopologyCredentialsArgs } from "./kubernetes/topology/topology-args";
export type { TopologyKubernetesArgs } from "./kubernetes/topology/topology-providers";
export { Lightdash, type LightdashArgs } from "./kubernetes/apps/lightdash";
export type { LightdashApiSettings, LightdashNatsSettings, LightdashSettings, LightdashWorkerSettings } from "./presets/lightdash-settings";
export {
  DagNats,
  dagnatsJetStreamSpecs,
  type DagNatsArgs,
  type DagNatsBackupSettings,
  type DagNatsEngineSettings,
  type DagNatsSettings,
  type DagNatsTaskPoolSettings,
} from "./kubernetes/apps/dagnats";
export { ClusterMonitoring, type ClusterMonitoringArgs } from "./kubernetes/monitoring/cluster-monitoring";
export type { ConsumerLagSpec, MonitoringSpec, PodMonitorSpec, ThresholdsSpec } from "./model/monitoring/monitoring-schema";
export type { AppConsumerLag, AppMonitoring } from "./model/monitoring/monitoring";
export type { ScaledWorkerPool } from "./workloads/keda";
export { lightdashScaledPools } from "./presets/lightdash-settings";
export { dagnatsMonitoring, type DagnatsMonitored } from "./workloads/dagnats-monitoring";
export { BackupSchedule, type BackupScheduleArgs } from "./kubernetes/backups/backup-schedule";
export { BackupBucket, type BackupBucketArgs, type BackupServiceAccount } from "./aws/backup-bucket";
export { withBackupUsers } from "./model/backup-users";
export { deployedConnection, type NatsConnection, type NatsWorkloadArgs } from "./kubernetes/access/nats-access";
export type { NatsAppArgs } from "./kubernetes/apps/nats-app-parts";

// The stack description.
export type { Cluster, ClusterSpec, ClusterTlsSpec, JetStreamSpec, LameDuckSpec, LimitsSpec, Ports } from "./model/cluster";
export type { ClientTlsSpec, IssuerRefSpec, TlsCertificatesSpec } from "./model/link-tls";
export type { SuperClusterMemberSpec, SuperClusterSpec } from "./model/supercluster";
export type { HubAndLeafSpec, HubSpec, LeafSiteSpec } from "./model/leaf";
export type { HubStreamUseSpec } from "./model/leaf-access";
export type { ListenerServiceSpec } from "./model/listener-exposure";
export type { KubernetesTargetSpec } from "./model/kubernetes-target";
export type {
  AccountJetStreamLimitsSpec,
  AccountLimitsSpec,
  AccountSpec,
  AccountStream,
  ExportSpec,
  ImportSpec,
  KeyValueRoleSpec,
  PermissionsSpec,
  PublisherSpec,
  UserSpec,
  WorkerSpec,
} from "./model/accounts";
export type { Grants } from "./model/leaf-grants";
export type { StreamSpec } from "./model/streams";
export type { ConsumerSpec } from "./model/consumers";
export type { KeyValueSpec } from "./model/kv";
export type { JetStreamResourceSetSpec } from "./model/jetstream-resource-set";
export type {
  BackupDestination,
  BackupDestinationSpec,
  BackupPolicy,
  BackupTarget,
  BackupsSpec,
  CreatedBucketSpec,
  ExistingBucketSpec,
  PvcDestinationSpec,
  S3DestinationSpec,
} from "./model/backups";
export type { Stack, StackSpec } from "./model/stack";
export type { PresetSpec } from "./presets";

// Values a description is written with.
export { StorageKind, TierName } from "./model/tiers";
export { DiscardPolicy, Retention, StorageType, StreamLimit } from "./model/streams";
export { AckPolicy } from "./model/consumers";
export { ConnectionType, ExportType } from "./model/accounts";
export { IssuerKind } from "./model/link-tls";
export { ListenerServiceType } from "./model/listener-exposure";
export { AntiAffinity } from "./workloads/nats-app";
export { Cloud } from "./model/clouds";
export { TaintEffect, TolerationOperator } from "./model/pod-settings";
export type { PodSettings, PodSettingsSpec, PodToleration } from "./model/pod-settings";
export type { AwsPoolSpec, MemberAwsSpec } from "./model/aws-substrate";

// Checking a description.
export { checkStack, loadCheckedStack, type StackCheckOptions } from "./stack-check";
export { validateCluster } from "./model/cluster";
export { validateSuperCluster } from "./model/supercluster";
export { validateHubAndLeaf } from "./model/leaf";
export { stackProvisioning, provisionedObjects, type Provisioning, type ProvisionedObject } from "./model/provisioning";
export { ValidationError, type Problem } from "./model/errors";

// Rendering nats.conf.
export { renderPodConfig } from "./kubernetes/cluster/config-map";
export type { RenderedServer } from "./model/server-config";
export { ConfVariable, mergeConf, renderConf, type ConfBlock, type ConfScalar, type ConfValue } from "./model/conf";

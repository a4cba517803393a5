/** Kubernetes back end: the JetStreamCluster component and the builders of its objects. */
export * from "./cluster/jetstream-cluster";
export * from "./cluster/cluster-args";
export * from "./cluster/labels";
export * from "./cluster/pod-placement";
export * from "./cluster/config-map";
export * from "./cluster/statefulset";
export * from "./cluster/sidecars";
export * from "./cluster/pod-security";
export * from "./cluster/volume-claims";
export * from "./cluster/services";
export * from "./cluster/disruption-budget";
export * from "./cluster/network-policy";
export * from "./cluster/identity";
export * from "./cluster/deploy-cluster";
export * from "./topology/listener-service";
export * from "./topology/gateway-service";
export * from "./topology/leaf-service";
export * from "./topology/zone-tags";
export * from "./topology/topology-args";
export * from "./topology/topology-namespaces";
export * from "./topology/super-cluster";
export * from "./topology/hub-and-leaf";
export * from "./access/nats-access";
export * from "./access/cluster-ingress";
export * from "./backups/backup-schedule";
export * from "./apps/lag-scaling";
export * from "./jetstream/nack-crd-schemas";
export * from "./jetstream/nack-crds";
// The NACK controller's user of each account: the model computes it for every back end; the package keeps these names for it.
export {
  jetStreamProvisioner,
  jetStreamProvisionerName,
  missingProvisionerPermissions,
  withJetStreamProvisioners,
  withProvisionersFor,
} from "../model/provisioners";
export * from "./jetstream/jetstream-resources";
export * from "./apps/worker-pool";
export * from "../presets/lightdash-settings";
export * from "./apps/lightdash";
export * from "./apps/dagnats";

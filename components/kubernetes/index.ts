/** Kubernetes back end: the JetStreamCluster component and the builders of its objects. */
export * from "./jetstream-cluster";
export * from "./cluster-args";
export * from "./labels";
export * from "./config-map";
export * from "./statefulset";
export * from "./sidecars";
export * from "./pod-security";
export * from "./volume-claims";
export * from "./services";
export * from "./disruption-budget";
export * from "./network-policy";
export * from "./identity";
export * from "./deploy-cluster";

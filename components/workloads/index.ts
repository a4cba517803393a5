/** Pure builders of the Kubernetes objects that run on a NATS cluster: NACK resources, worker pools, presets. */
export * from "./k8s-types";
export * from "./object-names";
export * from "./go-duration";
export * from "./creds-volume";
export * from "./nack-objects";
export * from "./nack-controller";
export * from "./nats-app";
export * from "./keda";
export * from "./network-rules";
export * from "./worker-pool-objects";
export * from "./lightdash-objects";
export * from "./dagnats-objects";

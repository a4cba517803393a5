/** Paths, volumes and security settings the pod's containers share. */
import type * as k8s from "@pulumi/kubernetes";
import { KUBERNETES_CONFIG_DIR, KUBERNETES_PID_FILE } from "./pod-placement";

export const CONFIG_VOLUME = "config";
export const PID_VOLUME = "pid";
export const CONFIG_FILE = `${KUBERNETES_CONFIG_DIR}/nats.conf`;
export const PID_DIR = KUBERNETES_PID_FILE.slice(0, KUBERNETES_PID_FILE.lastIndexOf("/"));

/** The unprivileged user every container runs as; the data volume is made group-writable for it. */
export const RUN_AS_USER = 1000;

export function podSecurityContext(): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_USER,
    runAsNonRoot: true,
    fsGroup: RUN_AS_USER,
    // Re-owning every file of a large JetStream volume on each mount would delay every restart.
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Nothing the containers do needs a capability or a writable image: writes go to /data and the pid volume. */
export function restrictedContainerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  };
}

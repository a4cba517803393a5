/**
 * The two sidecars beside each nats-server: the config reloader, which signals the server to reload when
 * the mounted nats.conf changes (so config-only changes need no restart), and the Prometheus exporter.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";
import { Cluster } from "../model/cluster";
import { ConfBlock } from "../model/conf";
import { imageReference, PINNED_IMAGES } from "../model/images";
import { KUBERNETES_CONFIG_DIR, KUBERNETES_PID_FILE } from "../model/placement";
import { CONFIG_FILE, CONFIG_VOLUME, PID_DIR, PID_VOLUME, restrictedContainerSecurityContext } from "./pod-security";

/** The config reloader the pods run unless the component names another. */
export const DEFAULT_RELOADER_IMAGE = imageReference(PINNED_IMAGES.configReloader);
/** The Prometheus exporter the pods run unless the component names another. */
export const DEFAULT_EXPORTER_IMAGE = imageReference(PINNED_IMAGES.exporter);

export function reloaderContainer(image: string): k8s.types.input.core.v1.Container {
  return {
    name: "reloader",
    image,
    args: ["-pid", KUBERNETES_PID_FILE, "-config", CONFIG_FILE],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [
      { name: CONFIG_VOLUME, mountPath: KUBERNETES_CONFIG_DIR, readOnly: true },
      { name: PID_VOLUME, mountPath: PID_DIR },
    ],
  };
}

/**
 * The exporter's flags: the server-wide endpoints always, and the gateway and leaf-node endpoints only when
 * the config has those sections (the exporter would otherwise poll empty endpoints).
 *
 * No credentials: the exporter reads only the monitor port's HTTP endpoints, which nats-server serves without
 * authentication in operator mode too (the NetworkPolicy admits only the cluster's own pods and the monitoring
 * namespace to them), and it has no flag for NATS creds. The system user's creds are for tools that speak
 * NATS, such as the `nats` CLI.
 */
export function exporterArgs(cluster: Cluster, config: ConfBlock): string[] {
  const args = [`-port=${cluster.ports.metrics}`, "-connz", "-routez", "-subz", "-varz", "-prefix=nats", "-use_internal_server_id", "-jsz=all"];
  if (config.gateway !== undefined) args.push("-gatewayz");
  if (config.leafnodes !== undefined) args.push("-leafz");
  args.push(`http://localhost:${cluster.ports.monitor}/`);
  return args;
}

/** `args` is an Output when config sections are: the flags follow the sections present. */
export function exporterContainer(cluster: Cluster, image: string, args: Input<string[]>): k8s.types.input.core.v1.Container {
  return {
    name: "exporter",
    image,
    args,
    ports: [{ name: "metrics", containerPort: cluster.ports.metrics, protocol: "TCP" }],
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
    securityContext: restrictedContainerSecurityContext(),
  };
}

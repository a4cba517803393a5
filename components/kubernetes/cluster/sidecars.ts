/**
 * The two sidecars beside each nats-server: the config reloader, which signals the server to reload when
 * the mounted nats.conf or a certificate file it names changes (so config changes and renewed certificates
 * need no restart), and the Prometheus exporter.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";
import { Cluster } from "../../model/cluster";
import { ConfBlock, ConfValue } from "../../model/conf";
import { pinnedImageReference, PINNED_IMAGES } from "../../model/images";
import { CERTS_ROOT } from "../../model/link-tls";
import { KUBERNETES_CONFIG_DIR, KUBERNETES_PID_FILE } from "./pod-placement";
import { CONFIG_FILE, CONFIG_VOLUME, PID_DIR, PID_VOLUME, restrictedContainerSecurityContext } from "./pod-security";

/** The config reloader the pods run unless the component names another. */
export const DEFAULT_RELOADER_IMAGE = pinnedImageReference(PINNED_IMAGES.configReloader);
/** The Prometheus exporter the pods run unless the component names another. */
export const DEFAULT_EXPORTER_IMAGE = pinnedImageReference(PINNED_IMAGES.exporter);

/** The keys under which nats.conf's tls blocks name the files a server reads its certificates from. */
const TLS_FILE_KEYS = new Set(["cert_file", "key_file", "ca_file"]);

/** Every certificate, key and CA file `value` names, at any depth (leaf remotes sit in lists), each once. */
export function certificateFiles(value: ConfValue | undefined): string[] {
  if (value === undefined || typeof value !== "object") return [];
  if (Array.isArray(value)) return [...new Set(value.flatMap(certificateFiles))];
  const files = Object.entries(value).flatMap(([key, field]) =>
    TLS_FILE_KEYS.has(key) && typeof field === "string" ? [field] : certificateFiles(field),
  );
  return [...new Set(files)];
}

/**
 * The reloader's flags: nats.conf and each certificate file the config names. The reloader signals the
 * server when any of them changes, so a certificate cert-manager renews is loaded without a restart.
 */
export function reloaderArgs(config: ConfBlock): string[] {
  return ["-pid", KUBERNETES_PID_FILE, ...[CONFIG_FILE, ...certificateFiles(config)].flatMap((file) => ["-config", file])];
}

/**
 * The mounts among `mounts` that hold certificate Secrets, read-only: the reloader must see the files it
 * watches at the paths nats.conf names.
 */
export function certificateMounts(mounts: readonly k8s.types.input.core.v1.VolumeMount[]): k8s.types.input.core.v1.VolumeMount[] {
  const underCertsRoot = (mount: k8s.types.input.core.v1.VolumeMount) => typeof mount.mountPath === "string" && mount.mountPath.startsWith(`${CERTS_ROOT}/`);
  return mounts.filter(underCertsRoot).map((mount) => ({ ...mount, readOnly: true }));
}

/** `args` is an Output when config sections are (see reloaderArgs); `mounts` hold the files it names. */
export function reloaderContainer(
  image: string,
  args: Input<string[]>,
  mounts: readonly k8s.types.input.core.v1.VolumeMount[],
): k8s.types.input.core.v1.Container {
  return {
    name: "reloader",
    image,
    args,
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [
      { name: CONFIG_VOLUME, mountPath: KUBERNETES_CONFIG_DIR, readOnly: true },
      { name: PID_VOLUME, mountPath: PID_DIR },
      ...certificateMounts(mounts),
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
  const args = [`-port=${cluster.ports.metrics}`, "-connz", "-routez", "-subz", "-varz", "-healthz", "-prefix=nats", "-use_internal_server_id", "-jsz=all"];
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

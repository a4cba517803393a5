/**
 * What the JetStreamCluster component takes, and the check that turns it into settings or into one
 * InputPropertiesError listing every problem before any resource exists.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, ClusterSpec, resolveCluster } from "../../model/cluster";
import { ConfBlock } from "../../model/conf";
import { RenderedServer } from "../../model/server-config";
import { Problems } from "../../model/errors";
import { isImageReference } from "../../model/image-reference";
import { clientTlsSection } from "../../model/link-tls";
import { dnsLabelRule, isDnsLabel, isNatsName, NATS_NAME_RULE } from "../../model/names";
import { DEFAULT_CLUSTER_DOMAIN, KUBERNETES_CONFIG_DIR, KUBERNETES_STORE_DIR, SERVER_NAME_VARIABLE } from "./pod-placement";
import { checkInputs, fieldError } from "../../pulumi-errors";
import { renderPodConfig } from "./config-map";
import { JETSTREAM_CLAIM_TEMPLATE } from "./labels";
import { tlsVolumes } from "./listener-tls";
import { CONFIG_VOLUME, PID_DIR, PID_VOLUME } from "./pod-security";
import { DEFAULT_EXPORTER_IMAGE, DEFAULT_RELOADER_IMAGE } from "./sidecars";
import { PodEnvVar, PodVolume, PodVolumeMount } from "../../workloads/pod-extras";
import { POD_NAME_VARIABLE } from "./statefulset";

/**
 * A nats.conf section as the component takes it: keys to values as nats.conf (a superset of JSON) holds
 * them. Typed loosely on purpose: the package's schema can describe a JSON object of any shape, but not the
 * model's recursive ConfBlock; inside, a section is a ConfBlock.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ConfSection = Record<string, any>;

/** What JetStreamCluster takes: the cluster's description, who may reach it, and the config sections and pod extras added to its servers. */
export interface JetStreamClusterArgs {
  /**
   * The cluster: a name and a tier at least; every other figure defaults from the tier. Plain values, not
   * Inputs: the server count decides how many objects exist.
   */
  cluster: ClusterSpec;
  /**
   * Create the cluster's namespace. Default false (the namespace must exist). A created namespace is kept on
   * destroy, as the JetStream claims in it are.
   */
  createNamespace?: boolean;
  /** Namespaces whose pods may connect to the client port. Default: the cluster's own namespace. */
  clientNamespaces?: string[];
  /**
   * Namespace whose pods may read the monitor port (KEDA, dashboards) and the exporter's metrics port
   * (Prometheus). Default: none; only the cluster's own servers reach them.
   */
  monitoringNamespace?: string;
  /**
   * Further namespaces whose pods may read the monitor and metrics ports, such as Prometheus's and KEDA's
   * when they differ. Default: none.
   */
  monitoringNamespaces?: string[];
  /**
   * Further nats.conf sections (accounts, gateways, leaf nodes), merged after the cluster's own. A section
   * that sets a value the cluster's config already sets differently is an error. Sections may be Outputs,
   * made with `apply` on the values they need: `pulumi.output` and `pulumi.secret` copy a plain object they
   * are given, which turns its ConfVariable references into ordinary blocks.
   */
  extraConfSections?: pulumi.Input<ConfSection>[];
  /**
   * The operator-mode section (NatsCredentials' `confSection`: operator, system account, resolver preload),
   * merged after the extra sections. It never opens a listener, so the pod template does not wait for it:
   * a preview that adds an account or a user, whose keys are not known yet, shows the ConfigMap changing and
   * the StatefulSet as it is. Unset: no operator mode.
   */
  operatorConfSection?: pulumi.Input<ConfSection>;
  /** Volumes added to every server pod, such as Secrets holding creds files. */
  extraVolumes?: PodVolume[];
  /** Where the nats-server container mounts `extraVolumes`. */
  extraVolumeMounts?: PodVolumeMount[];
  /**
   * Put before each server's name, which is otherwise its pod's name: for a naming scheme across the clusters
   * of a supercluster. Default none.
   */
  serverNamePrefix?: string;
  /**
   * Environment variables added to the nats-server container after its own, for config variables only the
   * pod knows (such as its zone). A value may refer to an earlier variable as `$(NAME)`.
   */
  extraEnv?: PodEnvVar[];
  /** Image of the config-reloader sidecar. */
  reloaderImage?: string;
  /** Image of the prometheus-nats-exporter sidecar. */
  exporterImage?: string;
  /** DNS domain of the Kubernetes cluster, which route URLs and monitor endpoints end in. Default cluster.local. */
  clusterDomain?: string;
}

/** The args with defaults filled in and every rule checked. */
export interface ClusterSettings {
  cluster: Cluster;
  createNamespace: boolean;
  clientNamespaces: string[];
  /** monitoringNamespace and monitoringNamespaces, each once. */
  monitoringNamespaces: string[];
  extraConfSections: pulumi.Input<ConfBlock>[];
  operatorConfSection: pulumi.Input<ConfBlock> | undefined;
  extraVolumes: k8s.types.input.core.v1.Volume[];
  extraVolumeMounts: k8s.types.input.core.v1.VolumeMount[];
  serverNamePrefix: string;
  extraEnv: k8s.types.input.core.v1.EnvVar[];
  reloaderImage: string;
  exporterImage: string;
  clusterDomain: string;
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Paths the pod already mounts; an extra mount there or below would shadow or break them. */
const RESERVED_MOUNT_PATHS = [KUBERNETES_CONFIG_DIR, KUBERNETES_STORE_DIR, PID_DIR];
const RESERVED_VOLUME_NAMES = [CONFIG_VOLUME, PID_VOLUME, JETSTREAM_CLAIM_TEMPLATE];
/** Variables the container sets itself. */
const RESERVED_ENV_NAMES = [SERVER_NAME_VARIABLE, POD_NAME_VARIABLE, "GOMEMLIMIT"];

function checkNamespace(problems: Problems, path: string, value: unknown): void {
  if (!isDnsLabel(value)) problems.add(path, value, `name a namespace: ${dnsLabelRule()}`);
}

function checkImage(problems: Problems, path: string, value: string): void {
  if (!isImageReference(value)) {
    problems.add(path, value, `name a container image as registry[:port]/path[:tag][@digest], such as ${JSON.stringify(DEFAULT_EXPORTER_IMAGE)}`);
  }
}

function checkExtraVolumes(problems: Problems, volumes: readonly PodVolume[], mounts: readonly PodVolumeMount[]): void {
  const names = new Set<unknown>();
  volumes.forEach((volume, index) => {
    const name = volume?.name;
    if (typeof name !== "string") return;
    if (RESERVED_VOLUME_NAMES.includes(name) || names.has(name)) {
      problems.add(`extraVolumes[${index}].name`, name, `use a name not taken by another volume (${RESERVED_VOLUME_NAMES.join(", ")} are the pod's own)`);
    }
    names.add(name);
  });
  mounts.forEach((mount, index) => {
    const { name, mountPath } = mount ?? {};
    if (typeof name === "string" && !names.has(name)) {
      problems.add(`extraVolumeMounts[${index}].name`, name, "name a volume listed in extraVolumes");
    }
    if (typeof mountPath === "string" && RESERVED_MOUNT_PATHS.some((reserved) => mountPath === reserved || mountPath.startsWith(`${reserved}/`))) {
      problems.add(`extraVolumeMounts[${index}].mountPath`, mountPath, `mount outside ${RESERVED_MOUNT_PATHS.join(", ")}, which the server uses`);
    }
  });
}

function checkExtraEnv(problems: Problems, env: readonly PodEnvVar[]): void {
  const names = new Set<unknown>();
  env.forEach((variable, index) => {
    const name = variable?.name;
    if (RESERVED_ENV_NAMES.includes(name as string) || names.has(name)) {
      problems.add(`extraEnv[${index}].name`, name, `use a name not taken by another variable (${RESERVED_ENV_NAMES.join(", ")} are the container's own)`);
    }
    names.add(name);
  });
}

/** Checks the args; throws ValidationError with every problem found. */
export function resolveClusterSettings(args: JetStreamClusterArgs): ClusterSettings {
  const given = (args ?? {}) as Partial<JetStreamClusterArgs>;
  const problems = new Problems();
  const cluster = resolveCluster(given.cluster as ClusterSpec, "cluster", problems);

  const clientNamespaces = given.clientNamespaces ?? [cluster.namespace];
  if (!Array.isArray(clientNamespaces) || clientNamespaces.length === 0) {
    problems.add("clientNamespaces", clientNamespaces, "name at least one namespace, or leave it out to allow the cluster's own");
  } else {
    clientNamespaces.forEach((namespace, index) => checkNamespace(problems, `clientNamespaces[${index}]`, namespace));
  }
  if (given.monitoringNamespace !== undefined) checkNamespace(problems, "monitoringNamespace", given.monitoringNamespace);
  const monitoringNamespaces = given.monitoringNamespaces ?? [];
  if (!Array.isArray(monitoringNamespaces)) problems.add("monitoringNamespaces", monitoringNamespaces, "list the namespaces, or leave it out");
  else monitoringNamespaces.forEach((namespace, index) => checkNamespace(problems, `monitoringNamespaces[${index}]`, namespace));

  const clusterDomain = given.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  if (typeof clusterDomain !== "string" || clusterDomain.length > 253 || !DNS_NAME.test(clusterDomain)) {
    problems.add("clusterDomain", clusterDomain, 'use the DNS domain the kubelets are configured with, such as "cluster.local"');
  }

  const reloaderImage = given.reloaderImage ?? DEFAULT_RELOADER_IMAGE;
  const exporterImage = given.exporterImage ?? DEFAULT_EXPORTER_IMAGE;
  checkImage(problems, "reloaderImage", reloaderImage);
  checkImage(problems, "exporterImage", exporterImage);

  const extraVolumes = given.extraVolumes ?? [];
  const extraVolumeMounts = given.extraVolumeMounts ?? [];
  checkExtraVolumes(problems, extraVolumes, extraVolumeMounts);
  // Client TLS is the cluster's own: its certificate files join the pod and its block the config.
  const clientTls = cluster.clientTls === undefined ? undefined : tlsVolumes(cluster, "client", cluster.clientTls);

  const serverNamePrefix = given.serverNamePrefix ?? "";
  if (serverNamePrefix !== "" && !isNatsName(serverNamePrefix)) problems.add("serverNamePrefix", serverNamePrefix, NATS_NAME_RULE);
  const extraEnv = given.extraEnv ?? [];
  checkExtraEnv(problems, extraEnv);

  problems.throwIfAny();
  return {
    cluster,
    createNamespace: given.createNamespace ?? false,
    clientNamespaces,
    monitoringNamespaces: [...new Set([...(given.monitoringNamespace === undefined ? [] : [given.monitoringNamespace]), ...(Array.isArray(monitoringNamespaces) ? monitoringNamespaces : [])])],
    extraConfSections: [...((given.extraConfSections ?? []) as pulumi.Input<ConfBlock>[]), ...(clientTls ? [clientTlsSection(clientTls.files, cluster.clientTls!.verify)] : [])],
    operatorConfSection: given.operatorConfSection as pulumi.Input<ConfBlock> | undefined,
    extraVolumes: [...extraVolumes, ...(clientTls?.volumes ?? [])],
    extraVolumeMounts: [...extraVolumeMounts, ...(clientTls?.mounts ?? [])],
    serverNamePrefix,
    extraEnv,
    reloaderImage,
    exporterImage,
    clusterDomain,
  };
}

export interface CheckedArgs {
  settings: ClusterSettings;
  /** The whole nats.conf, for the ConfigMap. */
  rendered: RenderedServer | pulumi.Output<RenderedServer>;
  /** The config without the operator section: all the pod template depends on (which listeners there are). */
  listeners: RenderedServer | pulumi.Output<RenderedServer>;
}

/** The settings and the rendered nats.conf, or an InputPropertiesError naming every bad field. */
export function checkArgs(args: JetStreamClusterArgs): CheckedArgs {
  const settings = checkInputs(() => resolveClusterSettings(args));
  const { cluster, clusterDomain, extraConfSections, operatorConfSection } = settings;
  try {
    return {
      settings,
      rendered: renderPodConfig(cluster, clusterDomain, operatorConfSection === undefined ? extraConfSections : [...extraConfSections, operatorConfSection]),
      listeners: renderPodConfig(cluster, clusterDomain, extraConfSections),
    };
  } catch (error) {
    // Sections known now are merged now; one that clashes with the cluster's config is the caller's to fix.
    if ((extraConfSections.length === 0 && operatorConfSection === undefined) || !(error instanceof Error)) throw error;
    throw fieldError("extraConfSections", `${error.message}; a section may add settings but not change one the cluster sets`);
  }
}

/**
 * The StatefulSet that runs the servers. Fields whose change would make Pulumi replace a StatefulSet
 * (selector, serviceName, podManagementPolicy, revisionHistoryLimit, volumeClaimTemplates) derive from
 * the cluster name only; tier and size reach the pod template (an ordinary rolling update) and the claim
 * patches (see volume-claims.ts), never those fields.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";
import { Cluster } from "../../model/cluster";
import { headlessServiceName, KUBERNETES_CONFIG_DIR, KUBERNETES_PID_FILE, KUBERNETES_STORE_DIR, SERVER_NAME_VARIABLE } from "./pod-placement";
import { MEBIBYTE } from "../../model/quantity";
import { ServerProbe, SERVER_PROBES } from "../../model/server-probes";
import { commonLabels, configMapName, JETSTREAM_CLAIM_TEMPLATE, selectorLabels, serviceAccountName } from "./labels";
import { CONFIG_FILE, CONFIG_VOLUME, PID_DIR, PID_VOLUME, podSecurityContext, restrictedContainerSecurityContext } from "./pod-security";
import { exporterContainer, reloaderContainer } from "./sidecars";
import { jetstreamClaimTemplate } from "./volume-claims";

/** What the pod needs besides the cluster itself. */
export interface PodOptions {
  reloaderImage: string;
  exporterImage: string;
  /** The exporter's flags (see exporterArgs); an Output when config sections are. */
  exporterArgs: Input<string[]>;
  /** The reloader's flags (see reloaderArgs); an Output when config sections are. */
  reloaderArgs: Input<string[]>;
  /** Volumes added to the pod, such as Secrets holding creds files. */
  extraVolumes: k8s.types.input.core.v1.Volume[];
  /** Where the nats-server container mounts those volumes. */
  extraVolumeMounts: k8s.types.input.core.v1.VolumeMount[];
  /** Put before each server's name, which is otherwise its pod's name. Default none. */
  serverNamePrefix?: string;
  /** Environment variables added to the nats-server container after its own. */
  extraEnv?: k8s.types.input.core.v1.EnvVar[];
}

export const ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone";
export const HOSTNAME_TOPOLOGY_KEY = "kubernetes.io/hostname";
export const SAFE_TO_EVICT_ANNOTATION = "cluster-autoscaler.kubernetes.io/safe-to-evict";
export const REVISION_HISTORY_LIMIT = 10;

/**
 * Whether placement rules are hard. A 3- or 5-server cluster outside dev must not put two servers on one
 * node (one node failure would cost quorum) and spreads evenly over zones; such nodes must carry the zone
 * label, as every managed cloud's do. Dev clusters often run on one node, so there the rules are preferences.
 */
export function strictPlacement(cluster: Cluster): boolean {
  return cluster.tier.name !== "dev" && cluster.servers > 1;
}

function placement(cluster: Cluster): Pick<k8s.types.input.core.v1.PodSpec, "affinity" | "topologySpreadConstraints"> {
  const labelSelector = { matchLabels: selectorLabels(cluster) };
  const strict = strictPlacement(cluster);
  const sameNode = { topologyKey: HOSTNAME_TOPOLOGY_KEY, labelSelector };
  return {
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: strict ? "DoNotSchedule" : "ScheduleAnyway", labelSelector },
    ],
    affinity: {
      podAntiAffinity: strict
        ? { requiredDuringSchedulingIgnoredDuringExecution: [sameNode] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: sameNode }] },
    },
  };
}

/** The stack's node selector, tolerations, priority class and pull secrets; fields left out when not given, as the API server would. */
function podScheduling({ pod }: Cluster): Pick<k8s.types.input.core.v1.PodSpec, "nodeSelector" | "tolerations" | "priorityClassName" | "imagePullSecrets"> {
  return {
    ...(Object.keys(pod.nodeSelector).length > 0 ? { nodeSelector: pod.nodeSelector } : {}),
    ...(pod.tolerations.length > 0 ? { tolerations: pod.tolerations } : {}),
    ...(pod.priorityClassName !== undefined ? { priorityClassName: pod.priorityClassName } : {}),
    ...(pod.imagePullSecrets.length > 0 ? { imagePullSecrets: pod.imagePullSecrets.map((name) => ({ name })) } : {}),
  };
}

function healthProbe({ path, periodSeconds, timeoutSeconds, failureThreshold }: ServerProbe): k8s.types.input.core.v1.Probe {
  return { httpGet: { path, port: "monitor" }, initialDelaySeconds: 10, periodSeconds, timeoutSeconds, failureThreshold };
}

/** Holds the pod's name when SERVER_NAME puts a prefix before it. */
export const POD_NAME_VARIABLE = "POD_NAME";

/** nats.conf reads `server_name: $SERVER_NAME`: one ConfigMap serves every pod, each named after itself. */
function serverNameEnv(prefix: string): k8s.types.input.core.v1.EnvVar[] {
  const podName = { fieldRef: { fieldPath: "metadata.name" } };
  if (prefix === "") return [{ name: SERVER_NAME_VARIABLE, valueFrom: podName }];
  return [
    { name: POD_NAME_VARIABLE, valueFrom: podName },
    { name: SERVER_NAME_VARIABLE, value: `${prefix}$(${POD_NAME_VARIABLE})` },
  ];
}

/**
 * The preStop hook: puts the server in lame duck mode, then stays until the server has exited.
 *
 * nats-server ignores SIGTERM only once lame duck mode has begun, which it enters on a goroutine of its own
 * after the signal; the kubelet sends SIGTERM as soon as the hook returns. A hook that returned right after
 * the signal could be overtaken by that SIGTERM, and the server would shut down at once, without handing
 * over its leaderships or its clients (seen booting the rendered pods: test/support/pods). The sleep never
 * runs out in practice: the runtime ends the hook when the server exits, and the kubelet ends it at the
 * grace period at the latest. It needs /bin/sh and sleep in the image, as the official -alpine images have.
 */
export function preStopCommand(cluster: Pick<Cluster, "terminationGracePeriodSeconds">): string[] {
  return ["/bin/sh", "-c", `nats-server -sl=ldm=${KUBERNETES_PID_FILE} && sleep ${cluster.terminationGracePeriodSeconds}`];
}

export function natsContainer(
  cluster: Cluster,
  extraVolumeMounts: k8s.types.input.core.v1.VolumeMount[],
  env: Pick<PodOptions, "serverNamePrefix" | "extraEnv"> = {},
): k8s.types.input.core.v1.Container {
  const { client, cluster: routes, monitor } = cluster.ports;
  return {
    name: "nats",
    image: cluster.image,
    command: ["nats-server"],
    args: ["--config", CONFIG_FILE],
    ports: [
      { name: "client", containerPort: client, protocol: "TCP" },
      { name: "cluster", containerPort: routes, protocol: "TCP" },
      { name: "monitor", containerPort: monitor, protocol: "TCP" },
    ],
    env: [
      ...serverNameEnv(env.serverNamePrefix ?? ""),
      { name: "GOMEMLIMIT", value: `${cluster.goMemLimitBytes / MEBIBYTE}MiB` },
      ...(env.extraEnv ?? []),
    ],
    // No CPU limit: CFS throttling would stall the server for whole scheduling periods, long enough to miss
    // Raft heartbeats and set off leader elections. Memory is limited, and GOMEMLIMIT keeps the heap below it.
    resources: {
      requests: { cpu: cluster.cpu, memory: cluster.memory },
      limits: { memory: cluster.memory },
    },
    startupProbe: healthProbe(SERVER_PROBES.startup),
    readinessProbe: healthProbe(SERVER_PROBES.readiness),
    livenessProbe: healthProbe(SERVER_PROBES.liveness),
    lifecycle: { preStop: { exec: { command: preStopCommand(cluster) } } },
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [
      { name: CONFIG_VOLUME, mountPath: KUBERNETES_CONFIG_DIR, readOnly: true },
      { name: PID_VOLUME, mountPath: PID_DIR },
      { name: JETSTREAM_CLAIM_TEMPLATE, mountPath: KUBERNETES_STORE_DIR },
      ...extraVolumeMounts,
    ],
  };
}

export function buildStatefulSet(cluster: Cluster, pod: PodOptions): k8s.apps.v1.StatefulSetArgs {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    // Fixed, not auto-named: the route URLs in nats.conf name the pods, and pods are named after their StatefulSet.
    metadata: { name: cluster.name, namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      replicas: cluster.servers,
      selector: { matchLabels: selectorLabels(cluster) },
      serviceName: headlessServiceName(cluster),
      // All servers start together: a JetStream cluster needs a quorum up before any server reports ready.
      podManagementPolicy: "Parallel",
      updateStrategy: { type: "RollingUpdate" },
      revisionHistoryLimit: REVISION_HISTORY_LIMIT,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      volumeClaimTemplates: [jetstreamClaimTemplate(cluster)],
      template: {
        metadata: {
          // The stack's own labels and annotations never replace the cluster's (the model refuses those keys).
          labels: { ...cluster.pod.labels, ...commonLabels(cluster) },
          // Evicting a server drops a Raft peer that must then catch its streams up again: the autoscaler's
          // scale-down should leave its node alone.
          annotations: { ...cluster.pod.annotations, [SAFE_TO_EVICT_ANNOTATION]: "false" },
        },
        spec: {
          serviceAccountName: serviceAccountName(cluster),
          automountServiceAccountToken: false,
          // The reloader signals nats-server by the pid in its pid file, so it must see the server's process.
          shareProcessNamespace: true,
          terminationGracePeriodSeconds: cluster.terminationGracePeriodSeconds,
          securityContext: podSecurityContext(),
          ...placement(cluster),
          ...podScheduling(cluster),
          containers: [
            natsContainer(cluster, pod.extraVolumeMounts, pod),
            reloaderContainer(pod.reloaderImage, pod.reloaderArgs, pod.extraVolumeMounts),
            exporterContainer(cluster, pod.exporterImage, pod.exporterArgs),
          ],
          volumes: [
            { name: CONFIG_VOLUME, configMap: { name: configMapName(cluster) } },
            { name: PID_VOLUME, emptyDir: {} },
            ...pod.extraVolumes,
          ],
        },
      },
    },
  };
}

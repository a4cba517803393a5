/**
 * What the kubelet would run for each pod of a StatefulSet's server container, read from the manifests
 * alone: the pod's name and DNS names, the container's command with its environment resolved as Kubernetes
 * resolves it (`fieldRef`, `$(VAR)`), its volume mounts with each volume's files (ConfigMap and Secret keys,
 * emptyDirs, one claim per pod from the claim templates), its HTTP probes with named ports resolved, its
 * preStop command, its user and group, and the grace period. Anything the pod test back end cannot stand
 * in for (a Secret env source, a subPath, a volume kind it does not know) is refused by name.
 */
import { KubernetesObject, objectNamed } from "./stack-objects";

/** The DNS domain the pods' names end in (the project's default; the manifests do not record it). */
const CLUSTER_DOMAIN = "cluster.local";

export type ProbeKind = "startup" | "readiness" | "liveness";

/** One HTTP probe as the kubelet runs it. */
export interface HttpProbe {
  kind: ProbeKind;
  path: string;
  port: number;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

/** Where a volume's content comes from. */
export type VolumeSource =
  | { kind: "files"; from: string; files: Record<string, string> }
  | { kind: "emptyDir" }
  | { kind: "claim"; claim: string };

/** One volume mount of the container, with the volume behind it. */
export interface MountPlan {
  volume: string;
  mountPath: string;
  readOnly: boolean;
  source: VolumeSource;
}

/** One pod of the StatefulSet, as far as its server container goes. */
export interface PodPlan {
  name: string;
  ordinal: number;
  /** `<pod>.<service>.<namespace>.svc.<domain>` and its shorter forms, as the cluster DNS answers them. */
  dnsNames: string[];
  /** The container's command and args, `$(VAR)` expanded. */
  command: string[];
  env: Record<string, string>;
  ports: Record<string, number>;
  probes: HttpProbe[];
  preStop: string[] | undefined;
  mounts: MountPlan[];
  user: number;
  group: number;
  /** The pod's fsGroup: owns its volumes and is a supplementary group of the container's process. */
  fsGroup: number | undefined;
  readOnlyRootFilesystem: boolean;
  terminationGracePeriodSeconds: number;
  image: string;
}

/** Expands `$(NAME)` from `defined` as Kubernetes does: `$$` escapes, an undefined name stays as written. */
export function expandReferences(text: string, defined: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return "$";
    return name in defined ? defined[name] : match;
  });
}

function resolveEnv(container: any, pod: { name: string; namespace: string }, where: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = expandReferences(String(variable.value), env);
      continue;
    }
    const field = variable.valueFrom?.fieldRef?.fieldPath;
    if (field === "metadata.name") env[variable.name] = pod.name;
    else if (field === "metadata.namespace") env[variable.name] = pod.namespace;
    else throw new Error(`${where}: env ${variable.name} comes from ${JSON.stringify(variable.valueFrom)}, which the pod test back end does not stand in for`);
  }
  return env;
}

function volumeFiles(objects: readonly KubernetesObject[], kind: "ConfigMap" | "Secret", name: string, items: { key: string; path: string }[] | undefined): Record<string, string> {
  const object = objectNamed(objects, kind, name);
  const data: Record<string, string> = { ...(object.data ?? {}), ...(object.stringData ?? {}) };
  if (kind === "Secret" && object.data) {
    for (const key of Object.keys(object.data)) data[key] = Buffer.from(String(object.data[key]), "base64").toString("utf8");
  }
  if (!items) return data;
  return Object.fromEntries(items.map((item) => [item.path, data[item.key]]));
}

function volumeSource(objects: readonly KubernetesObject[], statefulSet: KubernetesObject, podName: string, volumeName: string): VolumeSource {
  const template = statefulSet.spec.template.spec;
  const volume = (template.volumes ?? []).find((candidate: any) => candidate.name === volumeName);
  if (volume?.configMap) return { kind: "files", from: `ConfigMap ${volume.configMap.name}`, files: volumeFiles(objects, "ConfigMap", volume.configMap.name, volume.configMap.items) };
  if (volume?.secret) return { kind: "files", from: `Secret ${volume.secret.secretName}`, files: volumeFiles(objects, "Secret", volume.secret.secretName, volume.secret.items) };
  if (volume?.emptyDir) return { kind: "emptyDir" };
  if (volume) throw new Error(`StatefulSet ${statefulSet.metadata.name}: volume ${volumeName} is ${JSON.stringify(volume)}, which the pod test back end does not stand in for`);
  const claimTemplate = (statefulSet.spec.volumeClaimTemplates ?? []).find((candidate: any) => candidate.metadata.name === volumeName);
  if (claimTemplate) return { kind: "claim", claim: `${volumeName}-${podName}` };
  throw new Error(`StatefulSet ${statefulSet.metadata.name}: the container mounts ${volumeName}, which is neither a volume nor a claim template`);
}

function httpProbe(kind: ProbeKind, probe: any, ports: Record<string, number>, where: string): HttpProbe {
  if (!probe?.httpGet) throw new Error(`${where}: the ${kind} probe is ${JSON.stringify(probe)}; the pod test back end runs HTTP probes only`);
  const port = typeof probe.httpGet.port === "number" ? probe.httpGet.port : ports[probe.httpGet.port];
  if (port === undefined) throw new Error(`${where}: the ${kind} probe names port ${probe.httpGet.port}, which the container does not declare`);
  // Kubernetes' defaults for the fields a probe leaves out.
  return {
    kind,
    path: probe.httpGet.path ?? "/",
    port,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: probe.periodSeconds ?? 10,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

/** The pods of StatefulSet `name` among `objects`, server container `container`, ordinal 0 first. */
export function podPlans(objects: readonly KubernetesObject[], name: string, containerName = "nats"): PodPlan[] {
  const statefulSet = objectNamed(objects, "StatefulSet", name);
  const namespace = statefulSet.metadata.namespace ?? "default";
  const template = statefulSet.spec.template.spec;
  const container = (template.containers ?? []).find((candidate: any) => candidate.name === containerName);
  if (!container) throw new Error(`StatefulSet ${name} has no container ${containerName}`);
  const service = statefulSet.spec.serviceName;
  const podSecurity = template.securityContext ?? {};
  const containerSecurity = container.securityContext ?? {};
  const ports: Record<string, number> = Object.fromEntries((container.ports ?? []).map((port: any) => [port.name, port.containerPort]));
  return Array.from({ length: statefulSet.spec.replicas ?? 1 }, (_, ordinal) => {
    const podName = `${name}-${ordinal}`;
    const where = `pod ${podName}, container ${containerName}`;
    const env = resolveEnv(container, { name: podName, namespace }, where);
    const fqdn = `${podName}.${service}.${namespace}.svc.${CLUSTER_DOMAIN}`;
    const mounts = (container.volumeMounts ?? []).map((mount: any): MountPlan => {
      if (mount.subPath !== undefined) throw new Error(`${where}: the mount of ${mount.name} uses subPath, which the pod test back end does not stand in for`);
      return { volume: mount.name, mountPath: mount.mountPath, readOnly: mount.readOnly === true, source: volumeSource(objects, statefulSet, podName, mount.name) };
    });
    const probes = (["startup", "readiness", "liveness"] as const)
      .filter((kind) => container[`${kind}Probe`] !== undefined)
      .map((kind) => httpProbe(kind, container[`${kind}Probe`], ports, where));
    const preStop = container.lifecycle?.preStop?.exec?.command as string[] | undefined;
    return {
      name: podName,
      ordinal,
      dnsNames: [fqdn, `${podName}.${service}.${namespace}.svc`, `${podName}.${service}.${namespace}`, `${podName}.${service}`],
      command: [...(container.command ?? []), ...(container.args ?? [])].map((part: string) => expandReferences(part, env)),
      env,
      ports,
      probes,
      preStop: preStop?.map((part) => expandReferences(part, env)),
      mounts,
      user: containerSecurity.runAsUser ?? podSecurity.runAsUser ?? 0,
      group: containerSecurity.runAsGroup ?? podSecurity.runAsGroup ?? 0,
      fsGroup: podSecurity.fsGroup,
      readOnlyRootFilesystem: containerSecurity.readOnlyRootFilesystem === true,
      terminationGracePeriodSeconds: template.terminationGracePeriodSeconds ?? 30,
      image: container.image,
    };
  });
}

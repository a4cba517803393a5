/**
 * A Deployment of an application that talks to NATS with its own user's creds, its PodDisruptionBudget,
 * and the Service of an application other pods call. Worker pools and the API servers of the presets are
 * built on it.
 */
import { Problems } from "../model/errors";
import { dnsLabelRule, isDnsLabel } from "../model/names";
import { inboxPrefix } from "../model/permissions";
import { CredsSecret, credsMount, credsVolume, DEFAULT_CREDS_KEY } from "./creds-volume";
import { Affinity, Deployment, PodDisruptionBudget, Probe, ResourceRequirements, Service } from "./k8s-types";
import { PodEnvFromSource, PodEnvVar } from "./pod-extras";
import { appLabels, appSelectorLabels } from "./object-names";

/** The variable an application reads its client's inbox prefix from, unless `envNames` names another. */
export const INBOX_PREFIX_ENV = "NATS_INBOX_PREFIX";

/** Where an application's creds file is mounted. */
export const CREDS_MOUNT_PATH = "/etc/nats-creds";

export interface HttpProbeSpec {
  /** Path of the HTTP GET, starting with `/`. */
  path: string;
  /** Default the application's `port`. */
  port?: number;
  /** Seconds between probes. Default Kubernetes' 10. */
  periodSeconds?: number;
  /** Failures in a row that count as down. Default Kubernetes' 3. */
  failureThreshold?: number;
  /** Seconds a probe may take. Default Kubernetes' 1. */
  timeoutSeconds?: number;
}

/** The HTTP probes of an application's container; each left out is not probed. */
export interface HttpProbes {
  /** Until it passes once, the other probes wait: for a slow start. */
  startup?: HttpProbeSpec;
  /** Failing, the container is restarted. */
  liveness?: HttpProbeSpec;
  /** Failing, the pod gets no Service traffic. */
  readiness?: HttpProbeSpec;
}

/** Names of the variables an image reads its NATS settings from. */
export interface NatsEnvNames {
  /** The client URL's variable. Default NATS_URL. */
  natsUrl?: string;
  /** The creds file path's variable. Default NATS_CREDS. */
  credsPath?: string;
  /** The inbox prefix's variable. Default NATS_INBOX_PREFIX. */
  inboxPrefix?: string;
}

/** How an application's pods spread over nodes. */
export const AntiAffinity = {
  /** Spread where the scheduler can, stack where it cannot. */
  preferred: "preferred",
  /** Never two pods on one node; a pod without a free node stays pending. */
  required: "required",
  /** No rule. */
  none: "none",
} as const;
/** How an application's pods spread over nodes. */
export type AntiAffinity = (typeof AntiAffinity)[keyof typeof AntiAffinity];

/** An application as a stack describes it: everything but how it reaches NATS, which its cluster decides. */
export interface NatsAppSettings {
  /** Name of the Deployment and its PodDisruptionBudget (and the pods' `app.kubernetes.io/name`). */
  name: string;
  /** The namespace the application runs in; it must exist. */
  namespace: string;
  /** The application this belongs to (label `app.kubernetes.io/part-of`). Default the name. */
  partOf?: string;
  /** The container image. */
  image: string;
  /** The container's entrypoint. Default the image's. */
  command?: string[];
  /** Arguments to the entrypoint. Default the image's. */
  args?: string[];
  /**
   * Names of the variables the image reads the NATS URL, the creds path and the inbox prefix from. The prefix
   * (`_INBOX_<user>`, set when the creds name their user) is the only one under which the user may read
   * replies: the application must pass it to its client (nats.js `inboxPrefix`, nats.go
   * `nats.CustomInboxPrefix`), or every request and pull it makes times out.
   */
  envNames?: NatsEnvNames;
  /** Further environment, after the NATS settings. */
  env?: PodEnvVar[];
  /** Variables from every key of ConfigMaps and Secrets. */
  envFrom?: PodEnvFromSource[];
  /** Container port of the HTTP endpoints (API, health, metrics). */
  port?: number;
  /** HTTP probes of the container. Default none. */
  probes?: HttpProbes;
  /** Requests and limits of the container. */
  resources?: ResourceRequirements;
  /** Seconds a pod has to finish its work after SIGTERM. Default 30. */
  terminationGracePeriodSeconds?: number;
  /** Fixed pod count. Default 2, so one pod can be drained at a time. */
  replicas?: number;
  /** Spread pods over nodes: `preferred` (default), `required`, or `none`. */
  antiAffinity?: AntiAffinity;
  /** Pods a voluntary disruption (drain, upgrade) may take down at once. Default 1. */
  maxUnavailable?: number;
  /** The ServiceAccount the pods run as. Default the namespace's default. */
  serviceAccountName?: string;
}

/** An application with how it reaches NATS, as the builder takes it. */
export interface NatsAppSpec extends NatsAppSettings {
  /** NATS client URL. Leave it and `creds` out for an application that does not use NATS. */
  natsUrl?: string;
  /** Secret with the creds of the application's own user. */
  creds?: CredsSecret;
}

export interface NatsApp {
  deployment: Deployment;
  podDisruptionBudget: PodDisruptionBudget;
}

const ANTI_AFFINITIES: readonly AntiAffinity[] = Object.values(AntiAffinity);

export function checkWholeNumber(problems: Problems, path: string, value: unknown, minimum: number): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < minimum)) {
    problems.add(path, value, `use a whole number of at least ${minimum}`);
  }
}

export function checkNatsApp(spec: NatsAppSpec, path: string, problems: Problems): void {
  if (!isDnsLabel(spec.name)) problems.add(`${path}.name`, spec.name, dnsLabelRule());
  if (!isDnsLabel(spec.namespace)) problems.add(`${path}.namespace`, spec.namespace, dnsLabelRule());
  if (typeof spec.image !== "string" || spec.image.trim() === "") problems.add(`${path}.image`, spec.image, "name a container image");
  if (spec.natsUrl !== undefined && (typeof spec.natsUrl !== "string" || !/^(nats|tls):\/\/[^\s]+$/.test(spec.natsUrl))) {
    problems.add(`${path}.natsUrl`, spec.natsUrl, 'use a NATS URL such as "nats://nats.nats.svc:4222"');
  }
  if ((spec.natsUrl === undefined) !== (spec.creds === undefined)) {
    problems.add(spec.creds === undefined ? `${path}.creds` : `${path}.natsUrl`, undefined, "give both natsUrl and creds, or neither: every NATS client connects as its own user");
  }
  if (spec.creds !== undefined && !isDnsLabel(spec.creds.name, 253)) problems.add(`${path}.creds.name`, spec.creds.name, "name the Secret holding the user's creds");
  checkWholeNumber(problems, `${path}.replicas`, spec.replicas, 1);
  checkWholeNumber(problems, `${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 0);
  checkWholeNumber(problems, `${path}.maxUnavailable`, spec.maxUnavailable, 1);
  checkWholeNumber(problems, `${path}.port`, spec.port, 1);
  if (spec.antiAffinity !== undefined && !ANTI_AFFINITIES.includes(spec.antiAffinity)) {
    problems.add(`${path}.antiAffinity`, spec.antiAffinity, `use one of ${ANTI_AFFINITIES.join(", ")}`);
  }
  for (const [kind, probe] of Object.entries(spec.probes ?? {})) {
    if (probe === undefined) continue;
    if (typeof probe.path !== "string" || !probe.path.startsWith("/")) problems.add(`${path}.probes.${kind}.path`, probe.path, "use an HTTP path starting with '/'");
    if ((probe.port ?? spec.port) === undefined) problems.add(`${path}.probes.${kind}.port`, undefined, "give the probe a port, or the application a port");
  }
}

function httpProbe(probe: HttpProbeSpec, port: number | undefined, defaults: Required<Omit<HttpProbeSpec, "path" | "port">>): Probe {
  return {
    httpGet: { path: probe.path, port: probe.port ?? port! },
    periodSeconds: probe.periodSeconds ?? defaults.periodSeconds,
    failureThreshold: probe.failureThreshold ?? defaults.failureThreshold,
    timeoutSeconds: probe.timeoutSeconds ?? defaults.timeoutSeconds,
  };
}

function antiAffinity(kind: NatsAppSpec["antiAffinity"], name: string): Affinity | undefined {
  const term = { labelSelector: { matchLabels: appSelectorLabels(name) }, topologyKey: "kubernetes.io/hostname" };
  if (kind === "none") return undefined;
  if (kind === "required") return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
  return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
}

/**
 * The Deployment and PodDisruptionBudget of a checked application. `component` labels the pods;
 * `scaledElsewhere` leaves the replica count out for an autoscaler to own.
 */
export function natsAppObjects(spec: NatsAppSpec, component: string, scaledElsewhere = false): NatsApp {
  const names = spec.envNames ?? {};
  const labels = appLabels(spec.name, component, spec.partOf ?? spec.name);
  const metadata = { name: spec.name, namespace: spec.namespace, labels };
  const nats = spec.natsUrl !== undefined && spec.creds !== undefined ? { url: spec.natsUrl, creds: spec.creds } : undefined;
  const probes = spec.probes ?? {};
  const affinity = antiAffinity(spec.antiAffinity, spec.name);
  const deployment: Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: {
      ...(scaledElsewhere ? {} : { replicas: spec.replicas ?? 2 }),
      selector: { matchLabels: appSelectorLabels(spec.name) },
      // A new pod is ready before an old one stops, so capacity never dips during a rollout.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          ...(spec.serviceAccountName !== undefined ? { serviceAccountName: spec.serviceAccountName } : {}),
          terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
          // The creds file is group-readable only; fsGroup makes the container's user a member, whatever its uid.
          ...(nats ? { securityContext: { fsGroup: 1000 } } : {}),
          ...(affinity !== undefined ? { affinity } : {}),
          containers: [
            {
              name: component,
              image: spec.image,
              ...(spec.command !== undefined ? { command: spec.command } : {}),
              ...(spec.args !== undefined ? { args: spec.args } : {}),
              ...(spec.port !== undefined ? { ports: [{ name: "http", containerPort: spec.port, protocol: "TCP" }] } : {}),
              env: [
                ...(nats
                  ? [
                      { name: names.natsUrl ?? "NATS_URL", value: nats.url },
                      { name: names.credsPath ?? "NATS_CREDS", value: `${CREDS_MOUNT_PATH}/${nats.creds.key ?? DEFAULT_CREDS_KEY}` },
                      ...(nats.creds.user !== undefined ? [{ name: names.inboxPrefix ?? INBOX_PREFIX_ENV, value: inboxPrefix(nats.creds.user) }] : []),
                    ]
                  : []),
                ...(spec.env ?? []),
              ],
              ...(spec.envFrom !== undefined ? { envFrom: spec.envFrom } : {}),
              ...(spec.resources !== undefined ? { resources: spec.resources } : {}),
              ...(probes.startup ? { startupProbe: httpProbe(probes.startup, spec.port, { periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 }) } : {}),
              ...(probes.liveness ? { livenessProbe: httpProbe(probes.liveness, spec.port, { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 }) } : {}),
              ...(probes.readiness ? { readinessProbe: httpProbe(probes.readiness, spec.port, { periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 3 }) } : {}),
              securityContext: { allowPrivilegeEscalation: false },
              ...(nats ? { volumeMounts: [credsMount("nats-creds", CREDS_MOUNT_PATH)] } : {}),
            },
          ],
          ...(nats ? { volumes: [credsVolume("nats-creds", nats.creds)] } : {}),
        },
      },
    },
  };
  const podDisruptionBudget: PodDisruptionBudget = {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata,
    spec: { maxUnavailable: spec.maxUnavailable ?? 1, selector: { matchLabels: appSelectorLabels(spec.name) } },
  };
  return { deployment, podDisruptionBudget };
}

/** A ClusterIP Service in front of the `http` container port of the application `name`, as other pods reach it. */
export function httpService(name: string, namespace: string, component: string, port: number): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: appLabels(name, component, name) },
    spec: { type: "ClusterIP", selector: appSelectorLabels(name), ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }] },
  };
}

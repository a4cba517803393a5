/**
 * Every container image the project runs unless a stack or component names another, each with why it is
 * pinned at that version. The versions follow the official NATS Helm charts (nats-io/k8s, helm/charts/nats
 * and helm/charts/nack), which the NATS maintainers keep current and test together. Every default image in
 * the code comes from here, so an upgrade is one edit and one review.
 */

/** One pinned image. */
export interface PinnedImage {
  /** Repository as a pod spec names it (Docker Hub when no registry is given). */
  repository: string;
  /** The tag pulled. */
  tag: string;
  /** Why this version, and what was checked against it. */
  reason: string;
}

/** The nats-server release the Kubernetes back end runs and renders nats.conf for unless a cluster says otherwise. */
export const NATS_SERVER_VERSION = "2.14.6";

/** The official nats image's variant the chart runs: Alpine, so `kubectl exec` finds a shell in the pod. */
export function natsServerImage(version: string): string {
  return `nats:${version}-alpine`;
}

/** The pinned images by role. */
export const PINNED_IMAGES = {
  natsServer: {
    repository: "nats",
    tag: natsServerImage(NATS_SERVER_VERSION).slice("nats:".length),
    reason:
      "the newest stable nats-server and the one the official chart ships (nats-io/k8s#1192); every option this " +
      "project renders reads the same in 2.12 and 2.14 (server/opts.go), and options newer than a cluster's " +
      "serverVersion are gated by OPTION_SINCE",
  },
  configReloader: {
    repository: "natsio/nats-server-config-reloader",
    tag: "0.23.0",
    reason: "the official chart's reloader (helm/charts/nats values.yaml); takes the -pid and -config flags the sidecar passes",
  },
  exporter: {
    repository: "natsio/prometheus-nats-exporter",
    tag: "0.20.1",
    reason:
      "the official chart's exporter and the newest release; it declares every flag the sidecar passes " +
      "(-port, -connz, -routez, -subz, -varz, -jsz=all, -gatewayz, -leafz, -prefix, -use_internal_server_id)",
  },
  jetstreamController: {
    repository: "natsio/jetstream-controller",
    tag: "0.24.0",
    reason:
      "NACK's newest release, the official nack chart's since nats-io/k8s#1187; its control loop (--control-loop) " +
      "is the only mode that reconciles KeyValue objects",
  },
  natsBox: {
    repository: "natsio/nats-box",
    tag: "0.19.7",
    reason:
      "the official chart's nats-box (helm/charts/nats values.yaml, chart 2.14.2): its nats CLI takes `stream backup` " +
      "and `stream restore` with --check, --creds and --inbox-prefix, and its busybox has tar, gzip and sha256sum",
  },
  awsCli: {
    repository: "amazon/aws-cli",
    tag: "2.27.63",
    reason:
      "AWS CLI v2 for the upload and download of backups: its SDK reads EKS Pod Identity's container credentials, " +
      "and --endpoint-url reaches S3-compatible stores; the image has no nats CLI, so it runs beside nats-box",
  },
} as const satisfies Record<string, PinnedImage>;

/** `repository:tag`, as a container's `image` field takes it. */
export function pinnedImageReference(image: PinnedImage): string {
  return `${image.repository}:${image.tag}`;
}

/**
 * The images of the nats-nvme class's provisioning on AWS, pinned like the NATS ones: the local static
 * provisioner, which makes a PersistentVolume of each instance-store disk, and its node-cleanup controller,
 * which releases the volumes of a deleted node. Both from one release of kubernetes-sigs/sig-storage-local-static-provisioner.
 */
export const LOCAL_STORAGE_IMAGES = {
  provisioner: {
    repository: "registry.k8s.io/sig-storage/local-volume-provisioner",
    tag: "v2.9.0",
    reason: "the newest release (its chart's appVersion 2.9.0); discovers mount points under hostDir, as nodeadm's Mount strategy leaves each disk",
  },
  nodeCleanup: {
    repository: "registry.k8s.io/sig-storage/local-volume-node-cleanup",
    tag: "v2.9.0",
    reason: "the same release as the provisioner; takes --storageclass-names, --pvc-deletion-delay and --stale-pv-discovery-interval",
  },
} as const satisfies Record<string, PinnedImage>;

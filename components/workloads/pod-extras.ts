/**
 * What a caller may add to a pod: volumes, their mounts and environment variables. Each type is the part of
 * the Kubernetes type of the same role that the package's pods have a use for, spelt out here so that the
 * components' schema, and so every language's SDK, describes it; a value of these types is a valid
 * Kubernetes volume, mount or variable as it is.
 */
import * as pulumi from "@pulumi/pulumi";

/** One file of a Secret or ConfigMap volume: which key, written where. */
export interface PodKeyToPath {
  /** The key in the Secret or ConfigMap. */
  key: string;
  /** The file's path relative to the mount point. */
  path: string;
  /** Permission bits of this file. Default: the volume's `defaultMode`. */
  mode?: number;
}

/** A Secret's keys as files. */
export interface PodSecretVolumeSource {
  /** The Secret, in the pod's namespace. */
  secretName: pulumi.Input<string>;
  /** Permission bits of the files, such as 0o440. Default 0o644. */
  defaultMode?: number;
  /** The keys to project, and where. Default: every key, as a file of its name. */
  items?: PodKeyToPath[];
  /** Start the pod even when the Secret is missing. Default false. */
  optional?: boolean;
}

/** A ConfigMap's keys as files. */
export interface PodConfigMapVolumeSource {
  /** The ConfigMap, in the pod's namespace. */
  name: pulumi.Input<string>;
  /** Permission bits of the files. Default 0o644. */
  defaultMode?: number;
  /** The keys to project, and where. Default: every key, as a file of its name. */
  items?: PodKeyToPath[];
  /** Start the pod even when the ConfigMap is missing. Default false. */
  optional?: boolean;
}

/** A directory that lives as long as the pod. */
export interface PodEmptyDirVolumeSource {
  /** "Memory" for a tmpfs; default: the node's disk. */
  medium?: string;
  /** Most the directory may hold, as a quantity such as "64Mi". */
  sizeLimit?: string;
}

/** A volume added to every server pod: set exactly one source. */
export interface PodVolume {
  /** The volume's name, which mounts refer to; not one of the pod's own (config, pid, the JetStream claim). */
  name: string;
  /** A Secret's keys as files, such as creds or certificates. */
  secret?: PodSecretVolumeSource;
  /** A ConfigMap's keys as files. */
  configMap?: PodConfigMapVolumeSource;
  /** An empty directory. */
  emptyDir?: PodEmptyDirVolumeSource;
}

/** Where the nats-server container mounts an added volume. */
export interface PodVolumeMount {
  /** The volume, as named in `extraVolumes`. */
  name: string;
  /** The directory in the container; outside the server's own config, store and pid directories. */
  mountPath: string;
  /** Mount it read-only. Default false. */
  readOnly?: boolean;
  /** A path inside the volume to mount instead of its root. */
  subPath?: string;
}

/** A field of the pod, read through the downward API. */
export interface PodFieldSelector {
  /** The field, such as `metadata.labels['topology.kubernetes.io/zone']`. */
  fieldPath: string;
  /** The API version the path is written for. Default v1. */
  apiVersion?: string;
}

/** One key of a Secret or ConfigMap in the pod's namespace. */
export interface PodKeySelector {
  /** The Secret's or ConfigMap's name. */
  name: string;
  /** The key. */
  key: string;
  /** Start the pod even when it is missing. Default false. */
  optional?: boolean;
}

/** Where a variable's value comes from, when it is not written out: set exactly one. */
export interface PodEnvVarSource {
  /** A field of the pod itself. */
  fieldRef?: PodFieldSelector;
  /** A key of a Secret. */
  secretKeyRef?: PodKeySelector;
  /** A key of a ConfigMap. */
  configMapKeyRef?: PodKeySelector;
}

/** An environment variable of a container: a `value`, or a `valueFrom`. */
export interface PodEnvVar {
  /** The name; not one the container sets itself (nats-server's: SERVER_NAME, POD_NAME, GOMEMLIMIT). */
  name: string;
  /** The value; it may refer to an earlier variable as `$(NAME)`. */
  value?: string;
  /** Where the value comes from instead. */
  valueFrom?: PodEnvVarSource;
}

/** A Secret or ConfigMap whose every key becomes an environment variable. */
export interface PodEnvSourceRef {
  /** The Secret's or ConfigMap's name, in the pod's namespace. */
  name: string;
  /** Start the pod even when it is missing. Default false. */
  optional?: boolean;
}

/** Environment variables from every key of a ConfigMap or a Secret: set one of the two. */
export interface PodEnvFromSource {
  /** The ConfigMap whose keys become variables. */
  configMapRef?: PodEnvSourceRef;
  /** The Secret whose keys become variables. */
  secretRef?: PodEnvSourceRef;
  /** Put before every variable's name. */
  prefix?: string;
}

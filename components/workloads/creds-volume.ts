/** A user's creds file, mounted read-only from its Kubernetes Secret. */
import type * as k8s from "@pulumi/kubernetes/types/input";

/** Key of the creds file in a user's Secret unless given otherwise. */
export const DEFAULT_CREDS_KEY = "user.creds";

/** The key a user's creds file has in its Secret, and so its file name where the Secret is mounted. */
export function credsFileName(user: string): string {
  return `${user}.creds`;
}

export interface CredsSecret {
  /** Name of the Secret holding the creds. */
  name: string;
  /** Key of the creds file in it. Default "user.creds". */
  key?: string;
  /** The user the creds are of: its inbox prefix `_INBOX_<user>` is handed to the application with them. */
  user?: string;
}

/** A volume holding only the creds file, readable by its owner and the pod's fsGroup alone: the file holds the user's seed. */
export function credsVolume(volumeName: string, secret: CredsSecret): k8s.core.v1.Volume {
  const key = secret.key ?? DEFAULT_CREDS_KEY;
  return { name: volumeName, secret: { secretName: secret.name, defaultMode: 0o440, items: [{ key, path: key }] } };
}

/** Where a workload finds the user's creds: the Secret's name and the key `<user>.creds`, and whose they are. */
export function userCredsRef(secretName: string, user: string): CredsSecret {
  return { name: secretName, key: credsFileName(user), user };
}

export function credsMount(volumeName: string, directory: string): k8s.core.v1.VolumeMount {
  return { name: volumeName, mountPath: directory, readOnly: true };
}

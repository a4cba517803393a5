/**
 * Kubernetes Secrets for user creds: one Secret per user, so a workload mounts only its own user's creds.
 * Creds never go into a ConfigMap, and every value is a Pulumi secret, encrypted in state.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Where the Secrets go. */
export interface CredsSecretsArgs {
  /** Namespace of the Secrets: where the workloads that mount them run. */
  namespace: pulumi.Input<string>;
  /** Each Secret is named `<namePrefix>-<user>-creds`; usually the cluster's name. */
  namePrefix: string;
  /** Labels added to every Secret. */
  labels?: Record<string, string>;
}

/** What the Secrets are made from: the NatsCredentials component provides both. */
export interface UserCredsSource {
  /** Every user's name: plain, since each user is one Secret. */
  readonly userNames: readonly string[];
  /** The `.creds` text by user name. Secret. */
  readonly userCreds: pulumi.Output<Record<string, string>>;
}

export interface CredsSecrets {
  /** The Secret of each user, by user name. */
  secrets: Record<string, k8s.core.v1.Secret>;
  /** The Secret name of each user, by user name. */
  secretNames: pulumi.Output<Record<string, string>>;
}

import { credsFileName } from "../workloads/creds-volume";

export { credsFileName };

export function credsSecretName(namePrefix: string, user: string): string {
  return `${namePrefix}-${user}-creds`;
}

/**
 * One Secret per user, named `<name>-<user>-creds` in Pulumi, each holding `<user>.creds`. `opts` carries
 * the parent and the Kubernetes provider.
 */
export function createCredsSecrets(name: string, source: UserCredsSource, args: CredsSecretsArgs, opts: pulumi.CustomResourceOptions = {}): CredsSecrets {
  const secrets: Record<string, k8s.core.v1.Secret> = {};
  for (const user of source.userNames) {
    secrets[user] = new k8s.core.v1.Secret(
      `${name}-${user}-creds`,
      {
        metadata: {
          name: credsSecretName(args.namePrefix, user),
          namespace: args.namespace,
          labels: { "app.kubernetes.io/component": "nats-credentials", "app.kubernetes.io/managed-by": "pulumi", ...args.labels },
        },
        type: "Opaque",
        stringData: { [credsFileName(user)]: pulumi.secret(source.userCreds.apply((creds) => creds[user])) },
      },
      // A rotated user changes the Secret's data, which replaces it; a fixed name must be deleted first.
      { ...opts, deleteBeforeReplace: true },
    );
  }
  const names = Object.entries(secrets).map(([user, secret]) => secret.metadata.name.apply((secretName) => [user, secretName] as const));
  return { secrets, secretNames: pulumi.all(names).apply((pairs) => Object.fromEntries(pairs)) };
}

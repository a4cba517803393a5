/**
 * A workload's own copy of one user's creds, as a Secret in the workload's namespace: a pod can mount only
 * Secrets of its own namespace, and holding one user's creds limits what a leaked Secret gives away.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { credsFileName } from "../../credentials/secrets";

export interface UserCredsSecretArgs {
  namespace: string;
  /** Name of the Kubernetes Secret. */
  secretName: string;
  user: string;
  labels: Record<string, string>;
}

export { userCredsRef } from "../../workloads/creds-volume";

export function createUserCredsSecret(name: string, args: UserCredsSecretArgs, userCreds: pulumi.Input<Record<string, string>>, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: { name: args.secretName, namespace: args.namespace, labels: args.labels },
      type: "Opaque",
      stringData: { [credsFileName(args.user)]: pulumi.secret(pulumi.output(userCreds).apply((creds) => creds[args.user])) },
    },
    // New creds (a rotation) replace the Secret, and a Secret with a fixed name must go before its successor comes.
    { ...opts, deleteBeforeReplace: true },
  );
}

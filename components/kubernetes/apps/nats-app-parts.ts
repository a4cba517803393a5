/**
 * What the application components (Lightdash, DagNats) share: their args beyond the connection, the
 * namespace they may create, the NACK controller that declares their streams, each user's creds Secret, and
 * what the cluster's NetworkPolicy must let in for them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../model/cluster";
import { KeyValueSpec } from "../../model/kv";
import { StreamSpec } from "../../model/streams";
import { appLabels } from "../../workloads/object-names";
import { clientIngress, kedaIngress } from "../access/cluster-ingress";
import { NatsWorkloadArgs } from "../access/nats-access";
import { createUserCredsSecret } from "../access/user-creds-secret";
import { IngressAllowance } from "../cluster/network-policy";
import { DEFAULT_CLUSTER_DOMAIN } from "../cluster/pod-placement";
import { JetStreamResourcesArgs } from "../jetstream/jetstream-resources";

/** What every application component takes besides its own description. */
export interface NatsAppArgs extends NatsWorkloadArgs {
  /** Create the application's namespace. Default false (the namespace must exist). */
  createNamespace?: boolean;
  /** Install NACK's CRDs with the application's controller. Default true; see JetStreamResourcesArgs.installCrds. */
  installNackCrds?: boolean;
  /** Image of the application's NACK controller. Default natsio/jetstream-controller. */
  nackImage?: string;
}

/** Where an application's objects go: its namespace, and the release name its labels carry. */
export interface AppPlacement {
  namespace: string;
  release: string;
}

/** The application's namespace, created when asked, and the options of every object in it. */
export function appNamespace(name: string, placement: AppPlacement, create: boolean | undefined, parent: pulumi.Resource): { parent: pulumi.Resource; dependsOn: pulumi.Resource[] } {
  const namespace = create
    ? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: placement.namespace, labels: appLabels(placement.namespace, "namespace", placement.release) } }, { parent })
    : undefined;
  return { parent, dependsOn: namespace ? [namespace] : [] };
}

/**
 * A maker of the application's creds Secrets: one per user, named in Pulumi `<name>-<suffix>-creds`, in the
 * application's namespace, from the stack's creds.
 */
export function appCredsSecrets(
  name: string,
  placement: AppPlacement,
  userCreds: pulumi.Input<Record<string, string>>,
  opts: pulumi.CustomResourceOptions,
): (suffix: string, secretName: string, user: string) => k8s.core.v1.Secret {
  return (suffix, secretName, user) =>
    createUserCredsSecret(
      `${name}-${suffix}-creds`,
      { namespace: placement.namespace, secretName, user, labels: appLabels(secretName, "credentials", placement.release) },
      userCreds,
      opts,
    );
}

/** The application's own JetStreamResources: its streams and buckets, with a controller `<release>-nack` in its namespace. */
export function appJetStreamArgs(args: NatsAppArgs, placement: AppPlacement, jetStream: { streams: StreamSpec[]; keyValues?: KeyValueSpec[] }): JetStreamResourcesArgs {
  return {
    cluster: args.cluster,
    ...(args.clusterDomain !== undefined ? { clusterDomain: args.clusterDomain } : {}),
    namespace: placement.namespace,
    ...jetStream,
    accounts: args.accounts ?? [],
    ...(args.accountStreams !== undefined ? { accountStreams: args.accountStreams } : {}),
    userCreds: args.userCreds,
    controllerName: `${placement.release}-nack`,
    ...(args.installNackCrds !== undefined ? { installCrds: args.installNackCrds } : {}),
    ...(args.nackImage !== undefined ? { controllerImage: args.nackImage } : {}),
  };
}

/** The application's namespace as a client, and KEDA when one of its pools scales on lag. */
export function appClusterIngress(cluster: Pick<Cluster, "ports">, namespace: string, scaled: boolean, kedaNamespace: string | undefined): IngressAllowance[] {
  return [clientIngress(cluster, namespace), ...(scaled ? [kedaIngress(cluster, kedaNamespace)] : [])];
}

/** `http://<service>.<namespace>.svc.<domain>:<port>`, a Service inside the Kubernetes cluster. */
export function serviceUrl(service: k8s.core.v1.Service, clusterDomain: string | undefined, port: number): pulumi.Output<string> {
  return pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.${clusterDomain ?? DEFAULT_CLUSTER_DOMAIN}:${port}`;
}

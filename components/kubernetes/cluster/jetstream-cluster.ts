/** The JetStreamCluster component: one NATS JetStream cluster on Kubernetes, built from the model. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../model/cluster";
import { clientServiceName, headlessServiceName, podDnsName } from "./pod-placement";
import { checkArgs, JetStreamClusterArgs } from "./cluster-args";
import { buildConfigMap, fromRenderedConfig } from "./config-map";
import { buildDisruptionBudget } from "./disruption-budget";
import { buildNamespace, buildServiceAccount } from "./identity";
import { createCertificate } from "./listener-tls";
import { buildNetworkPolicy, clusterIngressAllowances } from "./network-policy";
import { buildClientService, buildHeadlessService } from "./services";
import { exporterArgs, reloaderArgs } from "./sidecars";
import { buildStatefulSet } from "./statefulset";
import { jetstreamClaimPatches } from "./volume-claims";

export const JETSTREAM_CLUSTER_TYPE = "nats-jetstream:index:JetStreamCluster";

/**
 * Each component's validated cluster. Kept beside the class rather than in a field: the package's schema
 * lists every field as an output, and a model object is no output another language could read.
 */
const validatedClusters = new WeakMap<JetStreamCluster, Cluster>();

/** One NATS JetStream cluster on Kubernetes: its servers, Services, config and storage, built from the model. */
export class JetStreamCluster extends pulumi.ComponentResource {
  /** `nats://<client service>.<namespace>.svc.<domain>:<client port>`. */
  readonly clientUrl: pulumi.Output<string>;
  /** The ClusterIP Service clients connect to; it lists ready servers only. */
  readonly clientServiceName: pulumi.Output<string>;
  /** The headless Service that names each pod, ready or not. */
  readonly headlessServiceName: pulumi.Output<string>;
  /** Each server's monitor endpoint (`<pod>.<headless service>.<namespace>.svc.<domain>:8222`), as KEDA's scaler queries them. */
  readonly monitorEndpoints: pulumi.Output<string[]>;
  /** The NATS cluster name, which is also the StatefulSet's name. */
  readonly clusterName: pulumi.Output<string>;
  /** The namespace the cluster runs in. */
  readonly namespace: pulumi.Output<string>;
  /** The servers, for objects that must wait until they run. */
  readonly statefulSet: k8s.apps.v1.StatefulSet;

  constructor(name: string, args: JetStreamClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { settings, rendered, listeners } = checkArgs(args);
    super(JETSTREAM_CLUSTER_TYPE, name, {}, opts);
    const { cluster } = settings;
    validatedClusters.set(this, cluster);

    const namespace = settings.createNamespace
      ? // Deleting the namespace would delete the claims that are kept on purpose.
        new k8s.core.v1.Namespace(`${name}-namespace`, buildNamespace(cluster), { parent: this, retainOnDelete: true })
      : undefined;
    const inNamespace: pulumi.CustomResourceOptions = { parent: this, dependsOn: namespace ? [namespace] : [] };

    // Options the target server version lacks are left out of nats.conf; the user should hear which.
    fromRenderedConfig(rendered, (config) => config.omitted.forEach((note) => pulumi.log.warn(note, this)));
    const flags = fromRenderedConfig(listeners, (config) => exporterArgs(cluster, config.config));
    const watched = fromRenderedConfig(listeners, (config) => reloaderArgs(config.config));
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      buildConfigMap(cluster, fromRenderedConfig(rendered, (config) => config.text)),
      // Data changes replace a ConfigMap, and a fixed name can only be replaced by deleting it first.
      { ...inNamespace, deleteBeforeReplace: true },
    );
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-service-account`, buildServiceAccount(cluster), inNamespace);
    const headlessService = new k8s.core.v1.Service(`${name}-headless`, buildHeadlessService(cluster), inNamespace);
    const clientService = new k8s.core.v1.Service(`${name}-client`, buildClientService(cluster), inNamespace);
    if (cluster.clientTls !== undefined) {
      // Valid for every name of the client Service inside the cluster, and for each pod's name, which clients reconnect to.
      const client = clientServiceName(cluster);
      const hosts = [client, `${client}.${cluster.namespace}`, `${client}.${cluster.namespace}.svc`, `${client}.${cluster.namespace}.svc.${settings.clusterDomain}`];
      hosts.push(`*.${headlessServiceName(cluster)}.${cluster.namespace}.svc.${settings.clusterDomain}`);
      createCertificate(`${name}-client-certificate`, cluster, "client", cluster.clientTls, hosts, inNamespace);
    }
    const claims = jetstreamClaimPatches(cluster).map(
      (claim, ordinal) => new k8s.core.v1.PersistentVolumeClaimPatch(`${name}-jetstream-${ordinal}`, claim, { ...inNamespace, retainOnDelete: true }),
    );

    this.statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      buildStatefulSet(cluster, {
        reloaderImage: settings.reloaderImage,
        exporterImage: settings.exporterImage,
        // The flags name sections, never their contents: they need not inherit the secrecy of a secret section.
        exporterArgs: pulumi.Output.isInstance(flags) ? pulumi.unsecret(flags) : flags,
        // Certificate paths only, never their contents.
        reloaderArgs: pulumi.Output.isInstance(watched) ? pulumi.unsecret(watched) : watched,
        extraVolumes: settings.extraVolumes,
        extraVolumeMounts: settings.extraVolumeMounts,
        serverNamePrefix: settings.serverNamePrefix,
        extraEnv: settings.extraEnv,
      }),
      {
        parent: this,
        dependsOn: [...(namespace ? [namespace] : []), configMap, serviceAccount, headlessService, ...claims],
        // Sizes reach the volumes through the claim patches; see volume-claims.ts.
        ignoreChanges: ["spec.volumeClaimTemplates"],
      },
    );
    new k8s.policy.v1.PodDisruptionBudget(`${name}-disruption-budget`, buildDisruptionBudget(cluster), inNamespace);
    new k8s.networking.v1.NetworkPolicy(
      `${name}-network-policy`,
      buildNetworkPolicy(
        cluster,
        clusterIngressAllowances(cluster, { clientNamespaces: settings.clientNamespaces, monitoringNamespaces: settings.monitoringNamespaces }),
      ),
      inNamespace,
    );

    const serviceDomain = `svc.${settings.clusterDomain}`;
    this.clientServiceName = clientService.metadata.name;
    this.headlessServiceName = headlessService.metadata.name;
    this.namespace = clientService.metadata.namespace;
    this.clientUrl = pulumi.interpolate`nats://${clientService.metadata.name}.${clientService.metadata.namespace}.${serviceDomain}:${cluster.ports.client}`;
    const monitorEndpoints = Array.from(
      { length: cluster.servers },
      (_, ordinal) => `${podDnsName(cluster, ordinal, settings.clusterDomain)}:${cluster.ports.monitor}`,
    );
    // Derived from the StatefulSet so that whatever uses the endpoints is created after the servers.
    this.monitorEndpoints = this.statefulSet.metadata.name.apply(() => monitorEndpoints);
    this.clusterName = pulumi.output(cluster.name);

    this.registerOutputs({
      clientUrl: this.clientUrl,
      clientServiceName: this.clientServiceName,
      headlessServiceName: this.headlessServiceName,
      monitorEndpoints: this.monitorEndpoints,
      clusterName: this.clusterName,
      namespace: this.namespace,
    });
  }

  /** The validated cluster, every default filled in: what TypeScript callers build on (not a package output). */
  get cluster(): Cluster {
    return validatedClusters.get(this)!;
  }
}

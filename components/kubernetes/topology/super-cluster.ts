/**
 * The SuperCluster component: JetStream clusters, each in its own Kubernetes cluster, joined by gateways into
 * one subject space and one JetStream meta group, with one operator and one set of accounts across them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checkCredentialsArgs, NatsCredentials } from "../../credentials/component";
import { createCredsSecrets } from "../../credentials/secrets";
import { Problems } from "../../model/errors";
import { resolveKubernetesVersion } from "../../model/kubernetes-version";
import { DEFAULT_CLUSTER_DOMAIN } from "../cluster/pod-placement";
import { jetStreamHome } from "../../model/stack-accounts";
import { GatewayTlsSpec, resolveSuperCluster, SuperClusterTopology as SuperClusterModel, SuperClusterMemberSpec } from "../../model/supercluster";
import { buildGatewayNetworkPolicy, buildGatewayService, gatewayListener, wiredGatewaySection } from "./gateway-service";
import { JetStreamCluster } from "../cluster/jetstream-cluster";
import { checkCloud, listenerAddress, listenerServiceName, ListenerService } from "./listener-service";
import { createCertificate, hostOf, tlsVolumes } from "../cluster/listener-tls";
import { ARGS_ROOT, checkSharedClusterArgs, credsSecretLabels, sharedClusterArgs, throwIfInvalid, TopologyClusterArgs, TopologyCredentialsArgs } from "./topology-args";
import { createNamespaces, waitingFor } from "./topology-namespaces";
import { topologyProviders } from "./topology-providers";
import { memberTags } from "./zone-tags";

export const SUPER_CLUSTER_TYPE = "nats-jetstream:index:SuperCluster";

/** What SuperCluster takes: its member clusters, the gateway TLS, and the settings and accounts every member shares. */
export interface SuperClusterArgs extends TopologyClusterArgs, TopologyCredentialsArgs {
  /**
   * Two or more clusters, each linked to every other by gateways. A cluster whose `kubernetes` target names a
   * provider goes to the Kubernetes cluster of that provider, built from `kubeconfig` (such as one per
   * region); the others go where the component's own provider points. Plain values, not Inputs: every
   * cluster is a set of objects, and its server count decides how many.
   */
  clusters: SuperClusterMemberSpec[];
  /**
   * Mutual TLS on every gateway connection, with certificates from a cert-manager issuer or from Secrets in each
   * cluster's namespace. Required when the gateways leave their Kubernetes cluster, unless allowPlaintextGateways.
   */
  gatewayTls?: GatewayTlsSpec;
  /** Let gateways that leave their Kubernetes cluster run in plain text. Default false: refused. */
  allowPlaintextGateways?: boolean;
  /** The Kubernetes version the clusters run, "MAJOR.MINOR"; a cluster listing zones needs "1.35" or newer. */
  kubernetesVersion?: string;
}

/** The args checked, every default filled in. */
export interface CheckedSuperClusterArgs {
  superCluster: SuperClusterModel;
  /** The member whose JetStream storage the accounts' limits are checked against (the smallest), as given. */
  accountsHome: SuperClusterMemberSpec;
  /** Each member's gateway Service settings, in member order. */
  gatewayServices: ListenerService[];
}

/** Checks the args through the model; throws one InputPropertiesError naming every bad field. */
export function checkSuperClusterArgs(args: SuperClusterArgs): CheckedSuperClusterArgs {
  const given = (args ?? {}) as Partial<SuperClusterArgs>;
  const members = Array.isArray(given.clusters) ? given.clusters.map((member) => member ?? ({} as SuperClusterMemberSpec)) : [];
  const problems = new Problems();
  const superCluster = resolveSuperCluster(
    {
      clusters: Array.isArray(given.clusters) ? members : (given.clusters as unknown as SuperClusterMemberSpec[]),
      gatewayTls: given.gatewayTls,
      allowPlaintextGateways: given.allowPlaintextGateways,
    },
    ARGS_ROOT,
    problems,
    resolveKubernetesVersion(given.kubernetesVersion, "kubernetesVersion", problems),
    checkCloud(given.cloud, "cloud", problems),
  );
  const gatewayServices = superCluster.members.map((member) => member.gatewayService);
  // The shared settings are checked against a cluster's description, and then the accounts, as NatsCredentials
  // checks them, against the smallest cluster's stores (as the stack's accounts are): both only mean something
  // once the clusters are valid.
  if (problems.count === 0) checkSharedClusterArgs(given, members[0], problems);
  throwIfInvalid(problems);
  const home = jetStreamHome({ kind: "supercluster", superCluster });
  const accountsHome = members[superCluster.members.findIndex((member) => member.cluster.name === home.name)];
  checkCredentialsArgs({ cluster: accountsHome, accounts: given.accounts, streams: given.streams, operatorRotation: given.operatorRotation });
  return { superCluster, accountsHome, gatewayServices };
}

/** What TypeScript callers read of a supercluster beyond its outputs; kept beside the class, out of the package's schema. */
interface SuperClusterDetails {
  superCluster: SuperClusterModel;
  clusters: Record<string, JetStreamCluster>;
  credentials: NatsCredentials;
  providers: Record<string, k8s.Provider | undefined>;
}

const details = new WeakMap<SuperCluster, SuperClusterDetails>();

/** JetStream clusters in several Kubernetes clusters, joined by gateways into one supercluster with one operator. */
export class SuperCluster extends pulumi.ComponentResource {
  /** Each cluster's gateway Service name, by cluster name. */
  readonly gatewayServiceNames: pulumi.Output<Record<string, string>>;
  /** Each cluster's gateway URL as the other clusters dial it (`nats://<Service address>:<gateway port>`), by cluster name. */
  readonly gatewayUrls: pulumi.Output<Record<string, string>>;
  /** Each cluster's client URL (its client Service inside its Kubernetes cluster), by cluster name. */
  readonly clientUrls: pulumi.Output<Record<string, string>>;
  /** The creds Secret of each user in each cluster's namespace: cluster name to user name to Secret name. */
  readonly credsSecretNames: pulumi.Output<Record<string, Record<string, string>>>;
  /** The operator's public key, which every server trusts. */
  readonly operatorPublicKey: pulumi.Output<string>;
  /** Each account's public key, by account name, SYS included. */
  readonly accountPublicKeys: pulumi.Output<Record<string, string>>;
  /** Each user's `.creds` text, by user name, for workloads that connect as them. Secret. */
  readonly userCreds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: SuperClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { superCluster, accountsHome, gatewayServices } = checkSuperClusterArgs(args);
    super(SUPER_CLUSTER_TYPE, name, {}, opts);
    const { members } = superCluster;
    const providers = topologyProviders(name, members.map((member) => member.kubernetes), args);
    const placements = members.map((member, index) => ({ cluster: member.cluster, provider: providers[index] }));
    const namespaces = args.createNamespace ? createNamespaces(name, placements, this) : [];
    const clusterDomain = args.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;

    // No Secrets of its own: each cluster's go to that cluster's provider, below.
    const credentials = new NatsCredentials(
      `${name}-credentials`,
      {
        cluster: accountsHome,
        accounts: args.accounts,
        streams: args.streams,
        operatorName: args.operatorName ?? name,
        operatorRotation: args.operatorRotation,
      },
      { parent: this },
    );

    const gateways = members.map(({ cluster }, index) => {
      const namespace = namespaces[index];
      const inNamespace: pulumi.CustomResourceOptions = { parent: this, provider: placements[index].provider, dependsOn: namespace ? [namespace] : [] };
      const service = new k8s.core.v1.Service(`${name}-${cluster.name}-gateway`, buildGatewayService(cluster, gatewayServices[index]), inNamespace);
      new k8s.networking.v1.NetworkPolicy(`${name}-${cluster.name}-gateway-network-policy`, buildGatewayNetworkPolicy(cluster, gatewayServices[index]), inNamespace);
      const secrets = createCredsSecrets(
        `${name}-${cluster.name}`,
        credentials,
        { namespace: cluster.namespace, namePrefix: cluster.name, labels: credsSecretLabels(cluster) },
        inNamespace,
      );
      const address = listenerAddress(service, gatewayListener(cluster), gatewayServices[index], clusterDomain);
      if (superCluster.gatewayTls !== undefined) {
        // Valid for the address the other clusters dial, and for the Service's name inside the cluster.
        const inCluster = `${listenerServiceName(cluster, gatewayListener(cluster))}.${cluster.namespace}.svc.${clusterDomain}`;
        const hosts = address.apply((dialled) => [hostOf(dialled), inCluster]);
        createCertificate(`${name}-${cluster.name}-gateway-certificate`, cluster, "gateway", superCluster.gatewayTls, hosts, inNamespace);
      }
      return { service, secrets, address };
    });
    const byCluster = <T>(pick: (index: number) => T): Record<string, T> => Object.fromEntries(members.map((member, index) => [member.cluster.name, pick(index)]));
    const addresses = pulumi.all(byCluster((index) => gateways[index].address));

    const clusters = byCluster((index) => {
      const member = members[index];
      const tags = memberTags(member);
      const tls = superCluster.gatewayTls === undefined ? undefined : tlsVolumes(member.cluster, "gateway", superCluster.gatewayTls);
      const namespace = namespaces[index];
      return new JetStreamCluster(
        `${name}-${member.cluster.name}`,
        {
          cluster: args.clusters[index],
          ...sharedClusterArgs(args),
          serverNamePrefix: member.serverNamePrefix,
          extraEnv: tags.env,
          extraConfSections: [tags.section, wiredGatewaySection(superCluster, member.cluster, addresses)],
          operatorConfSection: credentials.confSection,
          extraVolumes: tls?.volumes,
          extraVolumeMounts: tls?.mounts,
        },
        { parent: this, provider: placements[index].provider, transformations: namespace ? [waitingFor(namespace)] : [] },
      );
    });

    this.gatewayServiceNames = pulumi.all(byCluster((index) => gateways[index].service.metadata.name));
    this.gatewayUrls = addresses.apply((known) => Object.fromEntries(Object.entries(known).map(([cluster, address]) => [cluster, `nats://${address}`])));
    this.clientUrls = pulumi.all(byCluster((index) => clusters[members[index].cluster.name].clientUrl));
    this.credsSecretNames = pulumi.all(byCluster((index) => gateways[index].secrets.secretNames));
    this.operatorPublicKey = credentials.operatorPublicKey;
    this.accountPublicKeys = credentials.accountPublicKeys;
    this.userCreds = credentials.userCreds;
    details.set(this, { superCluster, clusters, credentials, providers: byCluster((index) => providers[index]) });

    this.registerOutputs({
      gatewayServiceNames: this.gatewayServiceNames,
      gatewayUrls: this.gatewayUrls,
      clientUrls: this.clientUrls,
      credsSecretNames: this.credsSecretNames,
      operatorPublicKey: this.operatorPublicKey,
      accountPublicKeys: this.accountPublicKeys,
      userCreds: this.userCreds,
    });
  }

  /** The validated supercluster, every default filled in (TypeScript only, not a package output). */
  get superCluster(): SuperClusterModel {
    return details.get(this)!.superCluster;
  }

  /** Each cluster's JetStreamCluster, by cluster name (TypeScript only, not a package output). */
  get clusters(): Record<string, JetStreamCluster> {
    return details.get(this)!.clusters;
  }

  /** The operator, accounts and users every cluster shares (TypeScript only, not a package output). */
  get credentials(): NatsCredentials {
    return details.get(this)!.credentials;
  }

  /**
   * The Kubernetes provider a cluster's objects went to, by cluster name; undefined for the one the component
   * inherits. For a program that puts more objects beside a cluster (TypeScript only, not a package output).
   */
  providerOf(clusterName: string): k8s.Provider | undefined {
    return details.get(this)!.providers[clusterName];
  }
}

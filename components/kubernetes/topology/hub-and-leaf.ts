/**
 * The HubAndLeaf component: a hub cluster in operator mode with a leafnodes listener behind a Service of its
 * own, and leaf sites, each its own JetStream domain, dialling it with the credentials of a leaf-only user.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checkCredentialsArgs, NatsCredentials } from "../../credentials/component";
import { createCredsSecrets, UserCredsSource } from "../../credentials/secrets";
import { Problems } from "../../model/errors";
import { HubAndLeafTopology as HubAndLeafModel, HubSpec, LeafSite, LeafSiteSpec, resolveHubAndLeaf } from "../../model/leaf";
import { siteCredsUsers } from "../../model/leaf-access";
import { checkHubStreams, checkSiteJetStreamLimits, Grants, leafUserGrants } from "../../model/leaf-grants";
import { narrowedOperatorSection, siteTrustedAccounts } from "../../model/site-trust";
import { ConfBlock } from "../../model/conf";
import { TlsCertificatesSpec } from "../../model/link-tls";
import { clientServiceName, DEFAULT_CLUSTER_DOMAIN } from "../cluster/pod-placement";
import { JetStreamCluster } from "../cluster/jetstream-cluster";
import { buildLeafNetworkPolicy, buildLeafService, leafCredentialsVolume, leafListener, wiredHubLeafnodesSection, wiredSiteLeafSection } from "./leaf-service";
import { checkCloud, listenerAddress, listenerServiceName, ListenerService } from "./listener-service";
import { createCertificate, hostOf, tlsVolumes } from "../cluster/listener-tls";
import { ARGS_ROOT, checkSharedClusterArgs, credsSecretLabels, sharedClusterArgs, throwIfInvalid, TopologyClusterArgs, TopologyCredentialsArgs } from "./topology-args";
import { ClusterPlacement, createNamespaces, waitingFor } from "./topology-namespaces";
import { topologyProviders } from "./topology-providers";

export const HUB_AND_LEAF_TYPE = "nats-jetstream:index:HubAndLeaf";

/** What HubAndLeaf takes: the hub, the leaf sites, the leafnodes TLS, and the settings and accounts they share. */
export interface HubAndLeafArgs extends TopologyClusterArgs, TopologyCredentialsArgs {
  /**
   * The hub cluster; it needs a JetStream domain, through which leaf clients reach its JetStream. With a
   * `kubernetes` target naming a provider, it goes to that provider's Kubernetes cluster, built from
   * `kubeconfig`; without one, where the component's own provider points.
   */
  hub: HubSpec;
  /**
   * One or more sites, each with its own JetStream domain and a leaf-only user of the account its link binds
   * to. A site runs in operator mode with the hub's operator, its clients users of its `localAccount` (default:
   * the account its link binds), with creds Secrets in its namespace; only with `anonymousClients: true` does
   * it take clients without creds. A site without a `kubernetes` target goes where the hub goes. Plain
   * values, not Inputs.
   */
  sites: LeafSiteSpec[];
  /**
   * Mutual TLS on every leaf link, with certificates from a cert-manager issuer or from Secrets in each
   * cluster's namespace. Required when the links leave the hub's Kubernetes cluster, unless allowPlaintextLeafnodes.
   */
  leafnodesTls?: TlsCertificatesSpec;
  /** Let leaf links that leave the hub's Kubernetes cluster run in plain text. Default false: refused. */
  allowPlaintextLeafnodes?: boolean;
}

/** The args checked, every default filled in. */
export interface CheckedHubAndLeafArgs {
  hubAndLeaf: HubAndLeafModel;
  leafnodesService: ListenerService;
  /** What each site's leaf user is granted for the site's hub streams and clients, by user name. */
  grants: Grants;
}

/**
 * Checks the args through the model; throws one InputPropertiesError naming every bad field. Sites are
 * checked against the accounts, even when none are given: every site needs a leaf user's credentials.
 */
export function checkHubAndLeafArgs(args: HubAndLeafArgs): CheckedHubAndLeafArgs {
  const given = (args ?? {}) as Partial<HubAndLeafArgs>;
  const hub = given.hub ?? ({} as HubSpec);
  const sites = Array.isArray(given.sites) ? given.sites.map((site) => site ?? ({} as LeafSiteSpec)) : (given.sites as unknown as LeafSiteSpec[]);
  const problems = new Problems();
  const hubAndLeaf = resolveHubAndLeaf(
    { hub, sites, leafnodesTls: given.leafnodesTls, allowPlaintextLeafnodes: given.allowPlaintextLeafnodes },
    ARGS_ROOT,
    problems,
    given.accounts ?? [],
    "accounts",
    checkCloud(given.cloud, "cloud", problems),
  );
  const leafnodesService = hubAndLeaf.hub.leafnodesService;
  // The component is given its streams without their clusters: every one of them is taken to be the hub's.
  checkHubStreams(hubAndLeaf, given.streams ?? [], ARGS_ROOT, problems);
  // The shared settings are checked against the hub's description, and then the accounts, as NatsCredentials
  // checks them, against the hub's stores: both only mean something once the hub is valid.
  if (problems.count === 0) checkSharedClusterArgs(given, hub, problems);
  throwIfInvalid(problems);
  const grants = leafUserGrants(hubAndLeaf, given.streams ?? [], given.accounts ?? []);
  const accounts = checkCredentialsArgs({ cluster: hub, accounts: given.accounts, streams: given.streams, grants, operatorRotation: given.operatorRotation });
  // Only meaningful once the accounts are valid: their limits are what the sites must hold.
  checkSiteJetStreamLimits(hubAndLeaf, accounts, given.accounts ?? [], problems);
  throwIfInvalid(problems);
  return { hubAndLeaf, leafnodesService, grants };
}

/** What TypeScript callers read of a hub and its sites beyond the outputs; kept beside the class, out of the package's schema. */
interface HubAndLeafDetails {
  hubAndLeaf: HubAndLeafModel;
  hub: JetStreamCluster;
  sites: Record<string, JetStreamCluster>;
  credentials: NatsCredentials;
  providers: Record<string, k8s.Provider | undefined>;
}

const details = new WeakMap<HubAndLeaf, HubAndLeafDetails>();

/** A hub cluster and leaf sites, each its own JetStream domain, dialling the hub over leaf links. */
export class HubAndLeaf extends pulumi.ComponentResource {
  /** The hub's leafnodes Service. */
  readonly leafServiceName: pulumi.Output<string>;
  /** The URL sites dial (`nats://<Service address>:<leafnodes port>`). */
  readonly leafUrl: pulumi.Output<string>;
  /** Each cluster's client URL (its client Service inside its Kubernetes cluster), hub and sites, by cluster name. */
  readonly clientUrls: pulumi.Output<Record<string, string>>;
  /** The creds Secrets in each cluster's namespace: cluster name to user name to Secret name. */
  readonly credsSecretNames: pulumi.Output<Record<string, Record<string, string>>>;
  /** The operator's public key, which every server trusts. */
  readonly operatorPublicKey: pulumi.Output<string>;
  /** Each account's public key, by account name, SYS included. */
  readonly accountPublicKeys: pulumi.Output<Record<string, string>>;
  /** Each user's `.creds` text, by user name, for workloads that connect as them. Secret. */
  readonly userCreds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: HubAndLeafArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { hubAndLeaf, leafnodesService, grants } = checkHubAndLeafArgs(args);
    super(HUB_AND_LEAF_TYPE, name, {}, opts);
    const hub = hubAndLeaf.hub.cluster;
    // A site without a target of its own has the hub's, and so the hub's provider.
    const [hubProvider, ...siteProviders] = topologyProviders(name, [hubAndLeaf.hub.kubernetes, ...hubAndLeaf.sites.map((site) => site.kubernetes)], args);
    const hubPlacement: ClusterPlacement = { cluster: hub, provider: hubProvider };
    const sitePlacements: ClusterPlacement[] = hubAndLeaf.sites.map((site, index) => ({ cluster: site.cluster, provider: siteProviders[index] }));
    const namespaces = args.createNamespace ? createNamespaces(name, [hubPlacement, ...sitePlacements], this) : [];
    const inNamespace = (placement: ClusterPlacement, namespace: k8s.core.v1.Namespace | undefined): pulumi.CustomResourceOptions => ({
      parent: this,
      provider: placement.provider,
      dependsOn: namespace ? [namespace] : [],
    });
    const clusterOptions = (placement: ClusterPlacement, namespace: k8s.core.v1.Namespace | undefined): pulumi.ComponentResourceOptions => ({
      parent: this,
      provider: placement.provider,
      transformations: namespace ? [waitingFor(namespace)] : [],
    });

    // No Secrets of its own: each cluster's go to that cluster's provider, below.
    const credentials = new NatsCredentials(
      `${name}-credentials`,
      { cluster: args.hub, accounts: args.accounts, streams: args.streams, grants, operatorName: args.operatorName ?? name, operatorRotation: args.operatorRotation },
      { parent: this },
    );

    const hubOptions = inNamespace(hubPlacement, namespaces[0]);
    const leafService = new k8s.core.v1.Service(`${name}-${hub.name}-leafnodes`, buildLeafService(hub, leafnodesService), hubOptions);
    new k8s.networking.v1.NetworkPolicy(`${name}-${hub.name}-leafnodes-network-policy`, buildLeafNetworkPolicy(hub, leafnodesService), hubOptions);
    const hubSecrets = createCredsSecrets(
      `${name}-${hub.name}`,
      credentials,
      { namespace: hub.namespace, namePrefix: hub.name, labels: credsSecretLabels(hub) },
      hubOptions,
    );
    const clusterDomain = args.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const leafAddress = listenerAddress(leafService, leafListener(hub), leafnodesService, clusterDomain);
    const linkTls = hubAndLeaf.leafnodesTls;
    const hubTls = linkTls === undefined ? undefined : tlsVolumes(hub, "leafnodes", linkTls);
    if (linkTls !== undefined) {
      // Valid for the address sites dial, and for the Service's name inside the cluster.
      const inCluster = `${listenerServiceName(hub, leafListener(hub))}.${hub.namespace}.svc.${clusterDomain}`;
      createCertificate(`${name}-${hub.name}-leafnodes-certificate`, hub, "leafnodes", linkTls, leafAddress.apply((dialled) => [hostOf(dialled), inCluster]), hubOptions);
    }
    const hubCluster = new JetStreamCluster(
      `${name}-${hub.name}`,
      {
        cluster: args.hub,
        ...sharedClusterArgs(args),
        extraConfSections: [wiredHubLeafnodesSection(hub, leafAddress, hubTls?.files)],
        operatorConfSection: credentials.confSection,
        extraVolumes: hubTls?.volumes,
        extraVolumeMounts: hubTls?.mounts,
      },
      clusterOptions(hubPlacement, namespaces[0]),
    );

    const deployedSites = hubAndLeaf.sites.map((site, index) => {
      const placement = sitePlacements[index];
      const namespace = namespaces[index + 1];
      const operatorMode = site.localAccount !== undefined;
      const user = site.user as string;
      // Only who connects to the site gets a Secret there: no other account's users, so a site's namespace holds no hub creds.
      const source: UserCredsSource = { userNames: siteCredsUsers(site, credentials.accounts), userCreds: credentials.userCreds };
      const secrets = createCredsSecrets(
        `${name}-${site.cluster.name}`,
        source,
        { namespace: site.cluster.namespace, namePrefix: site.cluster.name, labels: credsSecretLabels(site.cluster) },
        inNamespace(placement, namespace),
      );
      const leafCredentials = leafCredentialsVolume(user, secrets.secrets[user].metadata.name);
      const siteTls = linkTls === undefined ? undefined : tlsVolumes(site.cluster, "leafnodes", linkTls);
      if (linkTls !== undefined) {
        // The site's certificate is a client's, which the hub checks by its CA alone; it names the site's client Service.
        const hosts = [`${clientServiceName(site.cluster)}.${site.cluster.namespace}.svc.${clusterDomain}`];
        createCertificate(`${name}-${site.cluster.name}-leafnodes-certificate`, site.cluster, "leafnodes", linkTls, hosts, inNamespace(placement, namespace));
      }
      const cluster = new JetStreamCluster(
        `${name}-${site.cluster.name}`,
        {
          cluster: args.sites[index],
          ...sharedClusterArgs(args),
          extraConfSections: [wiredSiteLeafSection(site, leafAddress, operatorMode ? localAccountKey(credentials, site) : undefined, siteTls?.files)],
          operatorConfSection: operatorMode ? siteOperatorSection(credentials, site) : undefined,
          extraVolumes: [leafCredentials.volume, ...(siteTls?.volumes ?? [])],
          extraVolumeMounts: [leafCredentials.mount, ...(siteTls?.mounts ?? [])],
        },
        clusterOptions(placement, namespace),
      );
      return { site: site.cluster.name, cluster, secrets };
    });

    this.leafServiceName = leafService.metadata.name;
    this.leafUrl = pulumi.interpolate`nats://${leafAddress}`;
    this.clientUrls = pulumi.all({ [hub.name]: hubCluster.clientUrl, ...Object.fromEntries(deployedSites.map(({ site, cluster }) => [site, cluster.clientUrl])) });
    this.credsSecretNames = pulumi.all({
      [hub.name]: hubSecrets.secretNames,
      ...Object.fromEntries(deployedSites.map(({ site, secrets }) => [site, secrets.secretNames])),
    });
    this.operatorPublicKey = credentials.operatorPublicKey;
    this.accountPublicKeys = credentials.accountPublicKeys;
    this.userCreds = credentials.userCreds;
    details.set(this, {
      hubAndLeaf,
      hub: hubCluster,
      sites: Object.fromEntries(deployedSites.map(({ site, cluster }) => [site, cluster])),
      credentials,
      providers: Object.fromEntries([[hub.name, hubProvider], ...hubAndLeaf.sites.map((site, index) => [site.cluster.name, siteProviders[index]])]),
    });

    this.registerOutputs({
      leafServiceName: this.leafServiceName,
      leafUrl: this.leafUrl,
      clientUrls: this.clientUrls,
      credsSecretNames: this.credsSecretNames,
      operatorPublicKey: this.operatorPublicKey,
      accountPublicKeys: this.accountPublicKeys,
      userCreds: this.userCreds,
    });
  }

  /** The validated hub and sites, every default filled in (TypeScript only, not a package output). */
  get hubAndLeaf(): HubAndLeafModel {
    return details.get(this)!.hubAndLeaf;
  }

  /** The hub's JetStreamCluster (TypeScript only, not a package output). */
  get hub(): JetStreamCluster {
    return details.get(this)!.hub;
  }

  /** Each site's JetStreamCluster, by site name (TypeScript only, not a package output). */
  get sites(): Record<string, JetStreamCluster> {
    return details.get(this)!.sites;
  }

  /** The operator, accounts and users of the hub and of sites in operator mode (TypeScript only, not a package output). */
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

/** The hub's operator section, its resolver preload cut to the accounts the site trusts (see siteTrustedAccounts). */
function siteOperatorSection(credentials: NatsCredentials, site: LeafSite): pulumi.Output<ConfBlock> {
  const trusted = siteTrustedAccounts(site, credentials.accounts);
  return pulumi
    .all([credentials.confSection, credentials.accountPublicKeys])
    .apply(([section, keys]) => narrowedOperatorSection(section, trusted.map((account) => keys[account])));
}

/** In operator mode nats.conf names an account by its public key. */
function localAccountKey(credentials: NatsCredentials, site: LeafSite): pulumi.Output<string> {
  return credentials.accountPublicKeys.apply((keys) => keys[site.localAccount as string]);
}

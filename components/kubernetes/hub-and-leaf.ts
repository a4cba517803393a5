/**
 * The HubAndLeaf component: a hub cluster in operator mode with a leafnodes listener behind a Service of its
 * own, and leaf sites, each its own JetStream domain, dialling it with the credentials of a leaf-only user.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checkCredentialsArgs, NatsCredentials } from "../credentials/component";
import { createCredsSecrets, UserCredsSource } from "../credentials/secrets";
import { Problems } from "../model/errors";
import { HubAndLeaf as HubAndLeafModel, HubSpec, LeafSite, LeafSiteSpec, resolveHubAndLeaf } from "../model/leaf";
import { siteCredsUsers } from "../model/leaf-access";
import { checkHubStreams, checkSiteJetStreamLimits, Grants, leafUserGrants } from "../model/leaf-grants";
import { narrowedOperatorSection, siteTrustedAccounts } from "../model/site-trust";
import { ConfBlock } from "../model/conf";
import { TlsCertificatesSpec } from "../model/link-tls";
import { clientServiceName, DEFAULT_CLUSTER_DOMAIN } from "../model/placement";
import { JetStreamCluster } from "./jetstream-cluster";
import { buildLeafNetworkPolicy, buildLeafService, leafCredentialsVolume, leafListener, wiredHubLeafnodesSection, wiredSiteLeafSection } from "./leaf-service";
import { checkCloud, listenerAddress, listenerServiceName, ListenerService } from "./listener-service";
import { createCertificate, hostOf, tlsVolumes } from "./listener-tls";
import { ARGS_ROOT, checkSharedClusterArgs, credsSecretLabels, sharedClusterArgs, throwIfInvalid, TopologyClusterArgs, TopologyCredentialsArgs } from "./topology-args";
import { ClusterPlacement, createNamespaces, waitingFor } from "./topology-namespaces";

export const HUB_AND_LEAF_TYPE = "nats-jetstream:index:HubAndLeaf";

export interface HubArgs extends HubSpec {
  /** The Kubernetes provider the hub's objects go to. Unset: the provider the component inherits. */
  provider?: k8s.Provider;
}

export interface LeafSiteArgs extends LeafSiteSpec {
  /** The Kubernetes provider the site's objects go to, when the site runs in another Kubernetes cluster. Unset: the hub's. */
  provider?: k8s.Provider;
}

export interface HubAndLeafArgs extends TopologyClusterArgs, TopologyCredentialsArgs {
  /** The hub cluster; it needs a JetStream domain, through which leaf clients reach its JetStream. */
  hub: HubArgs;
  /**
   * One or more sites, each with its own JetStream domain and a leaf-only user of the account its link binds
   * to. A site runs in operator mode with the hub's operator, its clients users of its `localAccount` (default:
   * the account its link binds), with creds Secrets in its namespace; only with `anonymousClients: true` does
   * it take clients without creds. Plain values, not Inputs.
   */
  sites: LeafSiteArgs[];
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

function hubSpec({ provider, ...spec }: HubArgs): HubSpec {
  return spec;
}

function siteSpec({ provider, ...spec }: LeafSiteArgs): LeafSiteSpec {
  return spec;
}

/**
 * Checks the args through the model; throws one InputPropertiesError naming every bad field. Sites are
 * checked against the accounts, even when none are given: every site needs a leaf user's credentials.
 */
export function checkHubAndLeafArgs(args: HubAndLeafArgs): CheckedHubAndLeafArgs {
  const given = (args ?? {}) as Partial<HubAndLeafArgs>;
  const hub = given.hub ?? ({} as HubArgs);
  const sites = Array.isArray(given.sites) ? given.sites.map((site) => siteSpec(site ?? ({} as LeafSiteArgs))) : (given.sites as unknown as LeafSiteSpec[]);
  const problems = new Problems();
  const hubAndLeaf = resolveHubAndLeaf(
    { hub: hubSpec(hub), sites, leafnodesTls: given.leafnodesTls, allowPlaintextLeafnodes: given.allowPlaintextLeafnodes },
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
  if (problems.count === 0) checkSharedClusterArgs(given, hubSpec(hub), problems);
  throwIfInvalid(problems);
  const grants = leafUserGrants(hubAndLeaf, given.streams ?? [], given.accounts ?? []);
  const accounts = checkCredentialsArgs({ cluster: hubAndLeaf.hub.cluster, accounts: given.accounts, streams: given.streams, grants, operatorRotation: given.operatorRotation });
  // Only meaningful once the accounts are valid: their limits are what the sites must hold.
  checkSiteJetStreamLimits(hubAndLeaf, accounts, given.accounts ?? [], problems);
  throwIfInvalid(problems);
  return { hubAndLeaf, leafnodesService, grants };
}

export class HubAndLeaf extends pulumi.ComponentResource {
  /** The validated hub and sites, every default filled in. */
  readonly hubAndLeaf: HubAndLeafModel;
  /** The hub's JetStreamCluster. */
  readonly hub: JetStreamCluster;
  /** Each site's JetStreamCluster, by site name. */
  readonly sites: Record<string, JetStreamCluster>;
  /** The operator, accounts and users of the hub (and of sites in operator mode). */
  readonly credentials: NatsCredentials;
  /** The hub's leafnodes Service. */
  readonly leafServiceName: pulumi.Output<string>;
  /** The URL sites dial (`nats://<Service address>:<leafnodes port>`). */
  readonly leafUrl: pulumi.Output<string>;
  /** Each cluster's client URL (its client Service inside its Kubernetes cluster), hub and sites, by cluster name. */
  readonly clientUrls: pulumi.Output<Record<string, string>>;
  /** The creds Secrets in each cluster's namespace: cluster name to user name to Secret name. */
  readonly credsSecretNames: pulumi.Output<Record<string, Record<string, string>>>;

  constructor(name: string, args: HubAndLeafArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { hubAndLeaf, leafnodesService, grants } = checkHubAndLeafArgs(args);
    super(HUB_AND_LEAF_TYPE, name, {}, opts);
    this.hubAndLeaf = hubAndLeaf;
    const hub = hubAndLeaf.hub.cluster;
    const hubPlacement: ClusterPlacement = { cluster: hub, provider: args.hub.provider };
    const sitePlacements: ClusterPlacement[] = hubAndLeaf.sites.map((site, index) => ({ cluster: site.cluster, provider: args.sites[index].provider ?? args.hub.provider }));
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
    this.credentials = new NatsCredentials(
      `${name}-credentials`,
      { cluster: hub, accounts: args.accounts, streams: args.streams, grants, operatorName: args.operatorName ?? name, operatorRotation: args.operatorRotation },
      { parent: this },
    );

    const hubOptions = inNamespace(hubPlacement, namespaces[0]);
    const leafService = new k8s.core.v1.Service(`${name}-${hub.name}-leafnodes`, buildLeafService(hub, leafnodesService), hubOptions);
    new k8s.networking.v1.NetworkPolicy(`${name}-${hub.name}-leafnodes-network-policy`, buildLeafNetworkPolicy(hub, leafnodesService), hubOptions);
    const hubSecrets = createCredsSecrets(
      `${name}-${hub.name}`,
      this.credentials,
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
    this.hub = new JetStreamCluster(
      `${name}-${hub.name}`,
      {
        cluster: hubSpec(args.hub),
        ...sharedClusterArgs(args),
        extraConfSections: [wiredHubLeafnodesSection(hub, leafAddress, hubTls?.files)],
        operatorConfSection: this.credentials.confSection,
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
      const source: UserCredsSource = { userNames: siteCredsUsers(site, this.credentials.accounts), userCreds: this.credentials.userCreds };
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
          cluster: siteSpec(args.sites[index]),
          ...sharedClusterArgs(args),
          extraConfSections: [wiredSiteLeafSection(site, leafAddress, operatorMode ? this.localAccountKey(site) : undefined, siteTls?.files)],
          operatorConfSection: operatorMode ? this.siteOperatorSection(site) : undefined,
          extraVolumes: [leafCredentials.volume, ...(siteTls?.volumes ?? [])],
          extraVolumeMounts: [leafCredentials.mount, ...(siteTls?.mounts ?? [])],
        },
        clusterOptions(placement, namespace),
      );
      return { site: site.cluster.name, cluster, secrets };
    });
    this.sites = Object.fromEntries(deployedSites.map(({ site, cluster }) => [site, cluster]));

    this.leafServiceName = leafService.metadata.name;
    this.leafUrl = pulumi.interpolate`nats://${leafAddress}`;
    this.clientUrls = pulumi.all({ [hub.name]: this.hub.clientUrl, ...Object.fromEntries(deployedSites.map(({ site, cluster }) => [site, cluster.clientUrl])) });
    this.credsSecretNames = pulumi.all({
      [hub.name]: hubSecrets.secretNames,
      ...Object.fromEntries(deployedSites.map(({ site, secrets }) => [site, secrets.secretNames])),
    });

    this.registerOutputs({
      leafServiceName: this.leafServiceName,
      leafUrl: this.leafUrl,
      clientUrls: this.clientUrls,
      credsSecretNames: this.credsSecretNames,
    });
  }

  /** The hub's operator section, its resolver preload cut to the accounts the site trusts (see siteTrustedAccounts). */
  private siteOperatorSection(site: LeafSite): pulumi.Output<ConfBlock> {
    const trusted = siteTrustedAccounts(site, this.credentials.accounts);
    return pulumi
      .all([this.credentials.confSection, this.credentials.accountPublicKeys])
      .apply(([section, keys]) => narrowedOperatorSection(section, trusted.map((account) => keys[account])));
  }

  /** In operator mode nats.conf names an account by its public key. */
  private localAccountKey(site: LeafSite): pulumi.Output<string> {
    return this.credentials.accountPublicKeys.apply((keys) => keys[site.localAccount as string]);
  }
}

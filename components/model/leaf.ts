/**
 * Hub and leaf sites: a hub cluster that runs the shared JetStream, and sites (edge, branch, customer) that
 * each run their own small JetStream domain and connect outbound to the hub as leaf nodes. Each site's link
 * is bound to one account of the hub, with the credentials of a leaf-only user of it, so the site sees only
 * what that user may see.
 */
import { AccountSpec, SYSTEM_ACCOUNT_NAME, UNLIMITED } from "./accounts";
import { Cluster, ClusterSpec, resolveCluster } from "./cluster";
import { Problems } from "./errors";
import { checkLeafUserPermissions, checkSiteClients, HubStreamUseSpec, resolveSiteAccess, SiteAccess } from "./leaf-access";
import { checkProvidersAgree, KubernetesTarget, KubernetesTargetSpec, resolveKubernetesTarget } from "./kubernetes-target";
import { Cloud } from "./clouds";
import { LeafnodesExposureSpec, resolveLeafnodesExposure } from "./leaf-exposure";
import { TlsCertificates } from "./link-tls";
import { ListenerService, ListenerServiceSpec } from "./listener-exposure";

/** The hub of a hub-and-leaf topology: a cluster description plus where it runs and how leaf sites reach it. */
export interface HubSpec extends ClusterSpec {
  /** The Kubernetes cluster the hub's objects go to. Unset: the stack's default provider. */
  kubernetes?: KubernetesTargetSpec;
  /** The Service in front of the hub's leafnodes listener. Default: a LoadBalancer. */
  leafnodesService?: ListenerServiceSpec;
}

/** One leaf site: a cluster description (one server or a small cluster) plus its link to the hub. */
export interface LeafSiteSpec extends ClusterSpec {
  /** The hub account the site's leaf connection binds to: the site's traffic lives in it on the hub. */
  account: string;
  /**
   * The user of `account` whose credentials the site connects with. It must be limited to leaf connections
   * (`connectionTypes: [LEAFNODE]`), and its permissions decide which subjects cross the link. Required when
   * the stack describes accounts.
   */
  user?: string;
  /**
   * The account the site's clients are users of, whose traffic the link carries: the site runs in operator
   * mode with the hub's operator, and only this account's users (and the system user) connect to it.
   * Default: `account`.
   */
  localAccount?: string;
  /**
   * For development only: the site takes clients without creds, in its default account, which its link
   * carries into `account`, and its link carries replies under the default inbox `_INBOX` down to anyone
   * there. Default false: clients need the creds of a user of `localAccount`.
   */
  anonymousClients?: boolean;
  /**
   * The users of `localAccount` that are the site's clients: only their creds Secrets go to the site's
   * namespace, and only their replies cross the link. Default: every user of it that may connect as a client.
   */
  clients?: string[];
  /**
   * The hub streams the site uses through its link: the leaf user may publish into these and read their info,
   * or pull from the named consumers and ack, in the hub's JetStream domain, and nothing else of the hub's
   * JetStream. Default: none.
   */
  hubStreams?: HubStreamUseSpec[];
  /** The Kubernetes cluster the site's objects go to. Unset: the hub's. */
  kubernetes?: KubernetesTargetSpec;
}

/** A hub-and-leaf topology as a stack describes it (the stack key `hubLeaf`): a hub cluster and leaf sites that dial it. */
export interface HubAndLeafSpec {
  /** The hub cluster; it needs a JetStream domain. */
  hub: HubSpec;
  /** One or more sites, each with its own JetStream domain. */
  sites: LeafSiteSpec[];
  // Written out rather than picked from LeafnodesExposureSpec: the package's schema reads each field's own comment.
  /** TLS on every leaf link, mutual; required when links leave the hub's Kubernetes cluster. */
  leafnodesTls?: LeafnodesExposureSpec["leafnodesTls"];
  /** Let leaf links that leave the hub's Kubernetes cluster run without leafnodesTls, in plain text. Default false: refused. */
  allowPlaintextLeafnodes?: boolean;
}

export interface LeafSite extends SiteAccess {
  cluster: Cluster;
  account: string;
  user: string | undefined;
  kubernetes: KubernetesTarget;
}

export interface HubAndLeafTopology {
  hub: { cluster: Cluster; kubernetes: KubernetesTarget; leafnodesService: ListenerService };
  /** TLS on the leaf links, from the hub's leafnodes listener to every site. Undefined: plain TCP. */
  leafnodesTls: TlsCertificates | undefined;
  sites: LeafSite[];
}

function checkDomain(problems: Problems, path: string, cluster: Cluster, role: string, owners: Map<string, string>): void {
  const domain = cluster.jetstream.domain;
  if (domain === undefined) {
    problems.add(`${path}.jetstream.domain`, undefined, `give the ${role} its own JetStream domain (no '.', '*' or '>'), e.g. ${JSON.stringify(cluster.name)}: ${role === "hub" ? "leaf clients reach hub JetStream through it" : "it keeps the site's streams apart from the hub's"}`);
    return;
  }
  const owner = owners.get(domain);
  if (owner !== undefined) {
    problems.add(`${path}.jetstream.domain`, domain, `use a domain no other cluster has (${owner} has it): each JetStream domain is answered by one cluster`);
  } else owners.set(domain, path);
}

function checkSiteAccount(site: LeafSite, path: string, problems: Problems, accounts: readonly AccountSpec[], accountsPath: string): void {
  const declared = accounts.map((account) => account.name);
  const account = accounts.find((candidate) => candidate.name === site.account);
  if (account === undefined || site.account === SYSTEM_ACCOUNT_NAME) {
    problems.add(`${path}.account`, site.account, `name one of the declared accounts: ${declared.join(", ") || "(none: describe the account under accounts)"}`);
    return;
  }
  const leafUsers = (account.users ?? []).filter((user) => user.connectionTypes?.length === 1 && user.connectionTypes[0] === "LEAFNODE").map((user) => user.name);
  const user = (account.users ?? []).find((candidate) => candidate.name === site.user);
  if (user === undefined) {
    problems.add(`${path}.user`, site.user, `name the leaf-only user of account ${account.name} whose credentials the site connects with: ${leafUsers.join(", ") || "(it has none: add a user with connectionTypes: [LEAFNODE])"}`);
  } else if (!leafUsers.includes(user.name)) {
    problems.add(`${path}.user`, site.user, `name a user limited to leaf connections (connectionTypes: [LEAFNODE]), so its credentials open nothing but the site's link: ${leafUsers.join(", ") || `(account ${account.name} has none)`}`);
  } else {
    const userPath = `${accountsPath}[${accounts.indexOf(account)}].users[${(account.users ?? []).indexOf(user)}]`;
    checkLeafUserPermissions(user, userPath, path, problems);
  }
}

/**
 * Every server of a site opens its own leaf connection, and nats-server refuses those beyond the account's
 * `leaf` limit (0 refuses all of them). The limit counts across the hub cluster, and a hub server that dies
 * keeps its links counted until the others notice, so a site relinking to a surviving server needs room for
 * its connection a second time: with a limit of exactly one per site server, nats-server 2.9.10 refused the
 * relink ("maximum account active connections exceeded").
 */
function checkLeafLimits(sites: readonly LeafSite[], accounts: readonly AccountSpec[], accountsPath: string, problems: Problems): void {
  accounts.forEach((account, index) => {
    const binding = sites.filter((site) => site.account === account.name);
    if (binding.length === 0) return;
    const limit = account.limits?.leaf ?? UNLIMITED;
    const links = binding.reduce((sum, site) => sum + site.cluster.servers, 0);
    if (limit !== UNLIMITED && limit < 2 * links) {
      problems.add(
        `${accountsPath}[${index}].limits.leaf`,
        limit,
        `use -1 or at least ${2 * links}: sites ${binding.map((site) => site.cluster.name).join(", ")} open ${links} leaf connection${links === 1 ? "" : "s"} to account ${account.name} (one per server), and relinking after a hub server dies needs room for them again`,
      );
    }
  });
}

/**
 * Checks a hub-and-leaf description and fills in its defaults. When the stack describes accounts, each site's
 * account and user are checked against them (found under `accountsPath`). Problems are collected into
 * `problems` under `path`; the result is only meaningful when no problem was added. `cloud` is the stack's,
 * whose load balancers front the hub's leafnodes listener.
 */
export function resolveHubAndLeaf(
  spec: HubAndLeafSpec,
  path: string,
  problems: Problems,
  accounts?: readonly AccountSpec[],
  accountsPath = "accounts",
  cloud?: Cloud,
): HubAndLeafTopology {
  const hubPath = `${path}.hub`;
  const hubSpec = spec?.hub ?? ({} as HubSpec);
  const hub = { cluster: resolveCluster(hubSpec, hubPath, problems), kubernetes: resolveKubernetesTarget(hubSpec.kubernetes, `${hubPath}.kubernetes`, problems) };
  const domains = new Map<string, string>();
  checkDomain(problems, hubPath, hub.cluster, "hub", domains);

  const sitesPath = `${path}.sites`;
  const siteSpecs = Array.isArray(spec?.sites) ? spec.sites : [];
  if (siteSpecs.length === 0) problems.add(sitesPath, spec?.sites, "list at least one leaf site");
  const names = new Map<string, string>([[hub.cluster.name, hubPath]]);
  const sites = siteSpecs.map((siteSpec, index): LeafSite => {
    const at = `${sitesPath}[${index}]`;
    const given = siteSpec ?? ({} as LeafSiteSpec);
    const cluster = resolveCluster(given, at, problems);
    const owner = names.get(cluster.name);
    if (owner !== undefined) problems.add(`${at}.name`, cluster.name, `use a name no other site or the hub has (${owner} has it)`);
    else names.set(cluster.name, at);
    checkDomain(problems, at, cluster, "site", domains);
    if (typeof given.account !== "string" || given.account === "") {
      problems.add(`${at}.account`, given.account, "name the hub account the site's leaf connection binds to");
    }
    return {
      cluster,
      account: given.account,
      user: given.user,
      ...resolveSiteAccess(given, at, problems),
      kubernetes: given.kubernetes === undefined ? hub.kubernetes : resolveKubernetesTarget(given.kubernetes, `${at}.kubernetes`, problems),
    };
  });

  if (accounts !== undefined) {
    sites.forEach((site, index) => {
      const at = `${sitesPath}[${index}]`;
      if (typeof site.account === "string" && site.account !== "") checkSiteAccount(site, at, problems, accounts, accountsPath);
      // Defaulted to the site's account, which is checked on its own above.
      if (site.localAccount !== undefined && site.localAccount !== site.account && !accounts.some((account) => account.name === site.localAccount)) {
        problems.add(`${at}.localAccount`, site.localAccount, `name one of the declared accounts: ${accounts.map((account) => account.name).join(", ") || "(none)"}`);
      }
      checkSiteClients(site, at, accounts, problems);
    });
    checkLeafLimits(sites, accounts, accountsPath, problems);
  }
  checkProvidersAgree(
    [{ path: `${hubPath}.kubernetes`, target: hub.kubernetes }, ...sites.map((site, index) => ({ path: `${sitesPath}[${index}].kubernetes`, target: site.kubernetes }))],
    problems,
  );
  const leafnodes = resolveLeafnodesExposure(
    { leafnodesTls: spec?.leafnodesTls, allowPlaintextLeafnodes: spec?.allowPlaintextLeafnodes, leafnodesService: hubSpec.leafnodesService },
    path,
    { path: hubPath, kubernetes: hub.kubernetes },
    sites.map((site, index) => ({ path: `${sitesPath}[${index}]`, kubernetes: site.kubernetes })),
    cloud,
    problems,
  );
  return { hub: { ...hub, leafnodesService: leafnodes.service }, sites, leafnodesTls: leafnodes.tls };
}

/** Resolves a hub-and-leaf description on its own, throwing a ValidationError that lists every problem. */
export function validateHubAndLeaf(spec: HubAndLeafSpec, path = "hubLeaf", accounts?: readonly AccountSpec[]): HubAndLeafTopology {
  const problems = new Problems();
  const hubAndLeaf = resolveHubAndLeaf(spec, path, problems, accounts);
  problems.throwIfAny();
  return hubAndLeaf;
}

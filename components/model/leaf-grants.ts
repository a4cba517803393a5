/**
 * What a site's leaf user is granted by the topology, on top of its own explicit permissions. Seen from the
 * hub, a leaf user's publish list is what the site may send up and its subscribe list what the site may
 * receive, so:
 * - publish: for each hub stream the site uses, the publisher's or the worker's subjects of that stream (see
 *   publisherPermissions, workerPermissions), their JetStream API in the hub's domain (`$JS.<domain>.API.…`),
 *   which is how a site client reaches the hub's JetStream past its own;
 * - subscribe: the inboxes of the site's clients, so the replies to their requests (publish acks, stream info,
 *   pulled messages) come back down the link, and nobody else's. An open site's clients keep the default inbox.
 */
import { Account, AccountSpec, AccountStream } from "./accounts";
import { Problems } from "./errors";
import { HubAndLeafTopology, LeafSite } from "./leaf";
import { siteClients } from "./leaf-access";
import { combinePermissions, DEFAULT_INBOX_SUBJECTS, inboxSubjects, Permissions, publisherPermissions, workerPermissions } from "./permissions";
import { formatBytes } from "./quantity";
import { Stream } from "./streams";

/** A stream as a site's `hubStreams` may name it: in the site's hub account, on the hub when its cluster is known. */
export interface HubStreamCandidate extends AccountStream {
  /** The cluster the stream lands in; undefined when the caller does not know (a component given account streams). */
  cluster?: string;
}

/** Permissions the topology grants, by user name. */
export type Grants = Readonly<Record<string, Permissions>>;

/** The stack's streams as hub stream candidates, each with the cluster it lands in. */
export function hubStreamCandidates(streams: readonly Stream[]): HubStreamCandidate[] {
  return streams.map((stream) => ({
    name: stream.name,
    account: stream.account,
    subjects: stream.subjects,
    consumers: stream.consumers.map((consumer) => consumer.durable),
    cluster: stream.cluster,
  }));
}

/** The JetStream API subjects of the local domain (`$JS.API.…`) as a client reaches them in `domain`. */
function inDomain(subjects: readonly string[], domain: string): string[] {
  return subjects.map((subject) => (subject.startsWith("$JS.API.") ? `$JS.${domain}.API.${subject.slice("$JS.API.".length)}` : subject));
}

function hubStreamsOf(site: LeafSite, hubCluster: string, candidates: readonly HubStreamCandidate[]): HubStreamCandidate[] {
  return candidates.filter((stream) => stream.account === site.account && stream.bucket === undefined && (stream.cluster === undefined || stream.cluster === hubCluster));
}

/**
 * The inboxes of a site's clients (see siteClients); on an open site the default inbox, since its clients have
 * no user to take a prefix from. That also carries down replies under the default prefix on the hub (the NACK
 * controller's), one more reason an open site is for development only.
 */
function siteClientInboxes(site: LeafSite, accounts: readonly AccountSpec[]): string[] {
  if (site.anonymousClients) return [DEFAULT_INBOX_SUBJECTS];
  return siteClients(site, accounts).map((user) => inboxSubjects(user.name));
}

/** What one site's leaf user is granted; the streams named are assumed checked (checkHubStreams). */
function siteGrant(site: LeafSite, domain: string, hubCluster: string, candidates: readonly HubStreamCandidate[], accounts: readonly AccountSpec[]): Permissions {
  const user = site.user as string;
  const streams = hubStreamsOf(site, hubCluster, candidates);
  const publish = site.hubStreams.flatMap((use) => {
    const stream = streams.find((candidate) => candidate.name === use.stream);
    if (stream === undefined) return [];
    const role = use.consumer === undefined ? publisherPermissions(user, stream.name, stream.subjects) : workerPermissions(user, stream.name, use.consumer);
    return inDomain(role.publish, domain);
  });
  return combinePermissions({ publish, subscribe: siteClientInboxes(site, accounts), allowResponses: false });
}

/**
 * The grant of every site's leaf user, by user name (a user two sites share gets both). Sites without a leaf
 * user, or a hub without a JetStream domain, are left to the validation that reports them.
 */
export function leafUserGrants(hubAndLeaf: HubAndLeafTopology, candidates: readonly HubStreamCandidate[], accounts: readonly AccountSpec[]): Grants {
  const domain = hubAndLeaf.hub.cluster.jetstream.domain;
  const grants: Record<string, Permissions> = {};
  if (domain === undefined) return grants;
  for (const site of hubAndLeaf.sites) {
    if (site.user === undefined) continue;
    const grant = siteGrant(site, domain, hubAndLeaf.hub.cluster.name, candidates, accounts);
    grants[site.user] = grants[site.user] === undefined ? grant : combinePermissions(grants[site.user], grant);
  }
  return grants;
}

/**
 * Each site's `hubStreams` name streams of its hub account that live on the hub, and consumers those streams
 * declare. Problems are added under `path` (the hubLeaf key).
 */
export function checkHubStreams(hubAndLeaf: HubAndLeafTopology, candidates: readonly HubStreamCandidate[], path: string, problems: Problems): void {
  const hubCluster = hubAndLeaf.hub.cluster.name;
  hubAndLeaf.sites.forEach((site, siteIndex) => {
    const streams = hubStreamsOf(site, hubCluster, candidates);
    site.hubStreams.forEach((use, index) => {
      const at = `${path}.sites[${siteIndex}].hubStreams[${index}]`;
      const stream = streams.find((candidate) => candidate.name === use.stream);
      if (stream === undefined) {
        problems.add(`${at}.stream`, use.stream, `name a stream of account ${site.account} on the hub ${hubCluster}: ${streams.map((candidate) => candidate.name).join(", ") || "(it has none)"}`);
      } else if (use.consumer !== undefined && stream.consumers !== undefined && !stream.consumers.includes(use.consumer)) {
        problems.add(`${at}.consumer`, use.consumer, `name a durable consumer of stream ${stream.name}: ${stream.consumers.join(", ") || "(it declares none)"}, or leave consumer out to publish into the stream`);
      }
    });
  });
}

/** The accounts with each granted user's permissions widened by its grant. */
export function withGrants(accounts: readonly Account[], grants: Grants): Account[] {
  return accounts.map((account) => ({
    ...account,
    users: account.users.map((user) => (grants[user.name] === undefined ? user : { ...user, permissions: combinePermissions(user.permissions, grants[user.name]) })),
  }));
}

/**
 * A site in operator mode enforces its local account's JetStream limits itself, and nats-server 2.9.10 turns
 * JetStream off for an account whose storage exceeds what the server has ("insufficient resources"): the
 * site's streams could then not be created. So the local account's storage must fit each site server's stores.
 */
export function checkSiteJetStreamLimits(hubAndLeaf: HubAndLeafTopology, accounts: readonly Account[], specs: readonly AccountSpec[], problems: Problems): void {
  for (const site of hubAndLeaf.sites) {
    const limits = accounts.find((account) => account.name === site.localAccount)?.limits.jetstream;
    if (limits === undefined) continue;
    const index = specs.findIndex((spec) => spec?.name === site.localAccount);
    const stores = [
      ["diskStorage", limits.diskStorage, site.cluster.jetstream.maxFileStore, "maxFileStore"],
      ["memStorage", limits.memStorage, site.cluster.jetstream.maxMemoryStore, "maxMemoryStore"],
    ] as const;
    for (const [key, storage, store, storeKey] of stores) {
      if (storage > store) {
        problems.add(
          `accounts[${index}].limits.jetstream.${key}`,
          formatBytes(storage),
          `use at most ${formatBytes(store)}: site ${site.cluster.name} runs account ${site.localAccount} with its ${storeKey} of ${formatBytes(store)} per server, and nats-server turns JetStream off for an account whose storage does not fit`,
        );
      }
    }
  }
}

/**
 * The stack's accounts with the leaf users' grants applied, after checking the sites' hub streams against the
 * stack's streams and the sites' accounts against their stores; the accounts unchanged for a topology without
 * leaf sites.
 */
export function grantLeafUsers(hubAndLeaf: HubAndLeafTopology | undefined, accounts: readonly Account[], specs: readonly AccountSpec[] | undefined, streams: readonly Stream[], problems: Problems): Account[] {
  if (hubAndLeaf === undefined) return [...accounts];
  const declared = Array.isArray(specs) ? specs : [];
  const candidates = hubStreamCandidates(streams);
  checkHubStreams(hubAndLeaf, candidates, "hubLeaf", problems);
  checkSiteJetStreamLimits(hubAndLeaf, accounts, declared, problems);
  return withGrants(accounts, leafUserGrants(hubAndLeaf, candidates, declared));
}

/**
 * Which of the stack's own users the smoke check of a supercluster or a hub with leaf sites works through,
 * and on which subjects. As for the job check, users are picked by what their permissions allow.
 */
import { Account, SYSTEM_ACCOUNT_NAME, User } from "../model/accounts";
import { Cluster } from "../model/cluster";
import { HubAndLeafTopology, LeafSite } from "../model/leaf";
import { siteClients } from "../model/leaf-access";
import { reachesInboxes } from "../model/permissions";
import { subjectWithinAny } from "../model/subjects";
import { SuperClusterTopology } from "../model/supercluster";
import { clusterTag } from "../model/tags";
import { concreteSubject, mayPublish, maySubscribe } from "./smoke-plan";

/** Subjects applications talk on: not the inbox, not a `$` subject of the server's own (JetStream, system). */
function isApplicationSubject(pattern: string): boolean {
  return !pattern.startsWith("$") && !reachesInboxes(pattern);
}

function usersOf(accounts: readonly Account[], name: string | undefined): User[] {
  return accounts.find((account) => account.name === name)?.users ?? [];
}

/** A core message published in one cluster and received in the others. */
export interface CrossClusterCheck {
  account: string;
  publisher: User;
  subscriber: User;
  subject: string;
}

/**
 * The first pair of users of one account where one may publish a subject the other may subscribe to,
 * preferring two different users; undefined when the stack has no such pair.
 */
export function planCrossClusterCheck(accounts: readonly Account[]): CrossClusterCheck | undefined {
  const candidates = accounts
    .filter((account) => account.name !== SYSTEM_ACCOUNT_NAME)
    .flatMap((account) =>
      account.users.flatMap((publisher) =>
        publisher.permissions.publish
          .filter(isApplicationSubject)
          .map(concreteSubject)
          .filter((subject) => mayPublish(publisher, subject))
          .flatMap((subject) => account.users.filter((subscriber) => maySubscribe(subscriber, subject)).map((subscriber) => ({ account: account.name, publisher, subscriber, subject }))),
      ),
    );
  return candidates.find((check) => check.publisher !== check.subscriber) ?? candidates[0];
}

/** An R3 stream created from a client in one cluster and placed by tag in another. */
export interface PlacementCheck {
  account: string;
  /** The account's local admin, which creates and deletes the stream. */
  admin: string;
  /** The cluster the admin connects to. */
  from: Cluster;
  /** The cluster the stream must land in. */
  to: Cluster;
  tag: string;
  replicas: number;
}

/**
 * Replicas of the placed stream: every member of a supercluster runs at least three servers, and the check is
 * that all three replicas land in the tagged cluster.
 */
const PLACEMENT_REPLICAS = 3;

/**
 * From the first cluster into the last by its cluster tag, through the admin of the first account with
 * JetStream; undefined when no account has JetStream. `admins` are the local admins by account name.
 */
export function planPlacementCheck(superCluster: SuperClusterTopology, admins: Readonly<Record<string, string>>): PlacementCheck | undefined {
  const [account] = Object.keys(admins);
  const members = superCluster.members;
  if (account === undefined || members.length < 2) return undefined;
  const to = members[members.length - 1].cluster;
  return { account, admin: admins[account], from: members[0].cluster, to, tag: clusterTag(to.name), replicas: PLACEMENT_REPLICAS };
}

/** Hub JetStream reached from a site through the hub's domain: one of the hub streams the site publishes into. */
export interface HubJetStreamCheck {
  domain: string;
  /** The hub stream, one of the site's `hubStreams` without a consumer. */
  stream: string;
  /** A subject of the stream the site client publishes. */
  subject: string;
  /** The local admin of the site's hub account, which reads the stream on the hub and removes the smoke message. */
  admin: string;
}

/** What one site's smoke check sends over its leaf link, and as whom. */
export interface LeafSiteCheck {
  site: LeafSite;
  /** The leaf-only user the site's link authenticates as. */
  leafUser: User;
  /** The user a site client connects as; undefined when the site runs without auth and its clients need no creds. */
  siteUser: User | undefined;
  /** Published by a site client, received by `hubReceiver` on the hub. */
  up: string;
  hubReceiver: User;
  /** Published by `hubSender` on the hub, received by a site client. */
  down: string;
  hubSender: User;
  /** A subject a site client publishes that `hubReceiver` may subscribe to but the leaf user may not publish, so it must not cross; undefined when there is none. */
  blocked: string | undefined;
  /** Undefined when the site publishes into no hub stream its client may use, or its account has no JetStream. */
  hubJetStream: HubJetStreamCheck | undefined;
}

/** A site the check cannot send anything through, and why. */
export interface SkippedLeafSite {
  site: LeafSite;
  reason: string;
}

function firstApplicationSubject(patterns: readonly string[]): string | undefined {
  const pattern = patterns.find(isApplicationSubject);
  return pattern === undefined ? undefined : concreteSubject(pattern);
}

/** A site client may publish anything on a site without auth; on a site in operator mode, what its user may. */
function siteMayPublish(siteUser: User | undefined, subject: string): boolean {
  return siteUser === undefined || mayPublish(siteUser, subject);
}

/**
 * A subject the receiver may subscribe to that the leaf user may not send up, and that a site client may
 * publish, so that only the leaf user's permissions keep it from crossing: application subjects first, then
 * the receiver's inbox.
 */
function blockedSubject(receiver: User, leafUser: User, siteUser: User | undefined): string | undefined {
  const patterns = receiver.permissions.subscribe.filter((pattern) => !pattern.startsWith("$"));
  const ordered = [...patterns.filter(isApplicationSubject), ...patterns.filter((pattern) => !isApplicationSubject(pattern))];
  return ordered.map(concreteSubject).find((subject) => !subjectWithinAny(subject, leafUser.permissions.publish) && siteMayPublish(siteUser, subject));
}

function planSite(site: LeafSite, hubDomain: string | undefined, accounts: readonly Account[], admins: Readonly<Record<string, string>>): LeafSiteCheck | SkippedLeafSite {
  const hubUsers = usersOf(accounts, site.account);
  const leafUser = hubUsers.find((user) => user.name === site.user);
  if (leafUser === undefined) return { site, reason: `account ${site.account} has no leaf user ${site.user ?? "(none named)"}` };
  const up = firstApplicationSubject(leafUser.permissions.publish);
  const down = firstApplicationSubject(leafUser.permissions.subscribe);
  if (up === undefined || down === undefined) {
    return { site, reason: `leaf user ${leafUser.name} may not ${up === undefined ? "publish" : "subscribe to"} any application subject` };
  }
  const hubReceiver = hubUsers.find((user) => maySubscribe(user, up));
  const hubSender = hubUsers.find((user) => mayPublish(user, down));
  if (hubReceiver === undefined) return { site, reason: `no client user of account ${site.account} may subscribe to ${up} on the hub` };
  if (hubSender === undefined) return { site, reason: `no client user of account ${site.account} may publish to ${down} on the hub` };
  const siteUser = site.localAccount === undefined ? undefined : siteClients(site, accounts).find((user) => mayPublish(user, up) && maySubscribe(user, down));
  if (site.localAccount !== undefined && siteUser === undefined) {
    return { site, reason: `no client user of account ${site.localAccount} may publish to ${up} and subscribe to ${down} on the site` };
  }
  return {
    site,
    leafUser,
    siteUser,
    up,
    hubReceiver,
    down,
    hubSender,
    blocked: blockedSubject(hubReceiver, leafUser, siteUser),
    hubJetStream: planHubJetStream(site, hubDomain, accounts, admins[site.account], leafUser, siteUser),
  };
}

/**
 * The first hub stream the site publishes into whose subject and info both the leaf user and the site client
 * may send; undefined without a hub domain, an admin of the account (it has no JetStream) or such a stream.
 */
function planHubJetStream(site: LeafSite, hubDomain: string | undefined, accounts: readonly Account[], admin: string | undefined, leafUser: User, siteUser: User | undefined): HubJetStreamCheck | undefined {
  if (hubDomain === undefined || admin === undefined) return undefined;
  const streams = accounts.find((account) => account.name === site.account)?.streams ?? [];
  for (const use of site.hubStreams.filter((candidate) => candidate.consumer === undefined)) {
    const stream = streams.find((candidate) => candidate.name === use.stream);
    if (stream === undefined) continue;
    const subject = concreteSubject(stream.subjects[0]);
    const info = `$JS.${hubDomain}.API.STREAM.INFO.${stream.name}`;
    if ([subject, info].every((sent) => subjectWithinAny(sent, leafUser.permissions.publish) && siteMayPublish(siteUser, sent))) {
      return { domain: hubDomain, stream: stream.name, subject, admin };
    }
  }
  return undefined;
}

/** One check per site, or the reason a site cannot be checked. `admins` are the local admins by account name. */
export function planLeafChecks(hubAndLeaf: HubAndLeafTopology, accounts: readonly Account[], admins: Readonly<Record<string, string>>): (LeafSiteCheck | SkippedLeafSite)[] {
  return hubAndLeaf.sites.map((site) => planSite(site, hubAndLeaf.hub.cluster.jetstream.domain, accounts, admins));
}

/**
 * Who may use a leaf site, and what of the hub its link may reach.
 *
 * Sites require credentials: a site runs in operator mode with the hub's operator, and its clients connect as
 * users of its local account (by default the hub account its link binds). Operator mode rather than accounts
 * and users of the site's own was chosen because the stack's one trust root then covers every server: site
 * users are JWT users like the hub's, issued, rotated, expired and limited by the same credentials code, their
 * creds Secrets made by the same component, with no second kind of secret (passwords or nkeys in nats.conf)
 * to keep, rotate and leak. The price is that any user of the local account may connect to the site, so a
 * site should get an account of its own when its users must be apart from the hub's; `clients` at least keeps
 * the other users' creds out of the site's namespace and their replies off its link.
 *
 * An open site, whose clients need no creds, exists only for development, and only when a stack says so
 * (`anonymousClients: true`): anyone who reaches such a site acts in the hub account its link binds, within
 * what the leaf user may do.
 *
 * What crosses to the hub's JetStream is named per site (`hubStreams`): streams the site publishes into, and
 * durable consumers its workers pull from. The leaf user gets exactly the API subjects of those in the hub's
 * domain (see leaf-grants.ts); raw `$JS` subjects on a leaf user are refused, so no stack can hand a site the
 * hub's stream management (create, update, delete, purge) through its link.
 */
import { ConnectionType, SYSTEM_USER_NAME, UserSpec } from "./accounts";
import { Problems } from "./errors";
import { isNatsName, NATS_NAME_RULE } from "./names";
import { subjectsOverlap } from "./subject-overlap";

/** One hub stream a site uses through its link. */
export interface HubStreamUseSpec {
  /** A stream of the site's hub account that lives on the hub. */
  stream: string;
  /**
   * A durable consumer of the stream that the site's workers pull from: its info, its next messages and their
   * acks. Unset: the site publishes into the stream (its subjects and its info).
   */
  consumer?: string;
}

/** A hub stream use, checked. */
export interface HubStreamUse {
  stream: string;
  consumer: string | undefined;
}

/** How clients authenticate at a site, and what of the hub's JetStream its link reaches. */
export interface SiteAccess {
  /** The account the site's clients are users of; undefined only for an open site. */
  localAccount: string | undefined;
  /** The site takes clients without creds, in its default account (development only). */
  anonymousClients: boolean;
  /** The users of the local account that are the site's clients; undefined: every one that may connect as a client. */
  clients: string[] | undefined;
  hubStreams: HubStreamUse[];
}

/** The site keys SiteAccess is resolved from. */
export interface SiteAccessSpec {
  account?: string;
  localAccount?: string;
  anonymousClients?: boolean;
  clients?: string[];
  hubStreams?: HubStreamUseSpec[];
}

/** Connection types of a leaf node's link. */
const LEAF_CONNECTION_TYPES: readonly ConnectionType[] = ["LEAFNODE", "LEAFNODE_WS"];

/** A user as a site sees it, declared or resolved. */
interface SiteUser {
  name: string;
  connectionTypes?: readonly ConnectionType[];
}

/** Whether a user may connect only as a leaf node, never as a client. */
export function isLeafOnly(user: SiteUser): boolean {
  const types = user.connectionTypes ?? [];
  return types.length > 0 && types.every((type) => LEAF_CONNECTION_TYPES.includes(type));
}

/** The users of a site's local account that connect to it as clients (its `clients`, default all): none on an open site. */
export function siteClients<U extends SiteUser>(site: Pick<SiteAccess, "localAccount" | "clients">, accounts: readonly { name: string; users?: readonly U[] }[]): U[] {
  const users = accounts.find((account) => account.name === site.localAccount)?.users ?? [];
  return users.filter((user) => typeof user?.name === "string" && !isLeafOnly(user) && (site.clients === undefined || site.clients.includes(user.name)));
}

/** A site's `clients` name users of its local account that may connect as clients. */
export function checkSiteClients(site: Pick<SiteAccess, "localAccount" | "clients">, path: string, accounts: readonly { name: string; users?: readonly SiteUser[] }[], problems: Problems): void {
  if (site.clients === undefined) return;
  const allowed = siteClients({ localAccount: site.localAccount, clients: undefined }, accounts).map((user) => user.name);
  site.clients.forEach((name, index) => {
    if (!allowed.includes(name)) {
      problems.add(`${path}.clients[${index}]`, name, `name a user of account ${site.localAccount} that may connect as a client: ${allowed.join(", ") || "(it has none)"}`);
    }
  });
}

/**
 * Whose creds a site needs in its own namespace: its leaf user's (for the link), the system user's (for
 * operations, as on the hub) and its clients'; only the leaf user's for an open site.
 */
export function siteCredsUsers(site: Pick<SiteAccess, "localAccount" | "clients"> & { user: string | undefined }, accounts: readonly { name: string; users?: readonly SiteUser[] }[]): string[] {
  const leafUser = site.user === undefined ? [] : [site.user];
  if (site.localAccount === undefined) return leafUser;
  return [...new Set([...leafUser, SYSTEM_USER_NAME, ...siteClients(site, accounts).map((user) => user.name)])];
}

/** JetStream's subjects: its API in any domain, and the acks of its consumers. */
const JETSTREAM_SUBJECTS = "$JS.>";

function resolveHubStreams(given: unknown, path: string, problems: Problems): HubStreamUse[] {
  if (given === undefined) return [];
  if (!Array.isArray(given)) {
    problems.add(path, given, "list the hub streams the site uses, each as { stream, consumer? }");
    return [];
  }
  return given.flatMap((use: HubStreamUseSpec | undefined, index): HubStreamUse[] => {
    const at = `${path}[${index}]`;
    const stream = use?.stream;
    const consumer = use?.consumer;
    if (!isNatsName(stream)) problems.add(`${at}.stream`, stream, NATS_NAME_RULE);
    if (consumer !== undefined && !isNatsName(consumer)) problems.add(`${at}.consumer`, consumer, NATS_NAME_RULE);
    return isNatsName(stream) ? [{ stream, consumer: isNatsName(consumer) ? consumer : undefined }] : [];
  });
}

/**
 * The site's access, every default filled in: a site that does not opt into anonymous clients runs in operator
 * mode, its clients users of `localAccount`, by default the hub account its link binds.
 */
export function resolveSiteAccess(given: SiteAccessSpec, path: string, problems: Problems): SiteAccess {
  const open = given.anonymousClients;
  if (open !== undefined && typeof open !== "boolean") problems.add(`${path}.anonymousClients`, open, "use true or false");
  const anonymousClients = open === true;
  if (anonymousClients && given.localAccount !== undefined) {
    problems.add(
      `${path}.localAccount`,
      given.localAccount,
      "leave localAccount out of a site with anonymousClients: true, whose clients connect without creds into its default account, or drop anonymousClients to run the site in operator mode",
    );
  }
  const clients = given.clients;
  if (clients !== undefined && (!Array.isArray(clients) || clients.length === 0 || clients.some((name) => typeof name !== "string"))) {
    problems.add(`${path}.clients`, clients, "list the users of the site's local account that connect to it, or leave clients out for all of them");
  } else if (clients !== undefined && anonymousClients) {
    problems.add(`${path}.clients`, clients, "leave clients out of a site with anonymousClients: true, whose clients have no users");
  }
  return {
    localAccount: anonymousClients ? undefined : (given.localAccount ?? given.account),
    anonymousClients,
    clients: Array.isArray(clients) && !anonymousClients ? [...clients] : undefined,
    hubStreams: resolveHubStreams(given.hubStreams, `${path}.hubStreams`, problems),
  };
}

/**
 * A leaf user's explicit permissions may not name JetStream subjects: what the site may do with the hub's
 * JetStream comes only from the site's `hubStreams`, so the link can never carry a stream create, delete or
 * purge. `userPath` is where the user is declared.
 */
export function checkLeafUserPermissions(user: UserSpec, userPath: string, sitePath: string, problems: Problems): void {
  for (const direction of ["publish", "subscribe"] as const) {
    const subjects = user.permissions?.[direction];
    if (!Array.isArray(subjects)) continue;
    subjects.forEach((subject, index) => {
      if (typeof subject === "string" && subjectsOverlap(subject, JETSTREAM_SUBJECTS)) {
        problems.add(
          `${userPath}.permissions.${direction}[${index}]`,
          subject,
          `leave JetStream subjects out of leaf user ${user.name}'s permissions and name the hub streams the site uses under ${sitePath}.hubStreams: the link then carries only their publish, info, pull and ack subjects`,
        );
      }
    });
  }
}

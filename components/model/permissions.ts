/**
 * Least-privilege permissions of the user roles. The subject lists were found minimal by trying them
 * against nats-server 2.9.10 with the nats.js 2.29 client: each entry left out makes the role's work fail.
 *
 * Replies are private: every user reads replies (request/reply answers, JetStream publish acks, pull
 * deliveries, watch updates) only under its own inbox prefix `_INBOX_<user>`, which its client must be told
 * (nats.js `inboxPrefix`, nats.go `nats.CustomInboxPrefix`, the `nats` CLI's `--inbox-prefix`). The prefix is
 * one token, not `_INBOX.<user>`, so that the clients' default `_INBOX.>` covers no user's replies: a client
 * that cannot set a prefix (the NACK controller) keeps the default and still reads nobody else's replies.
 */
import { subjectWithin } from "./subjects";

/** Publish and subscribe allow lists of one user. Every subject not listed is refused. */
export interface Permissions {
  /** Subjects the user may publish to (wildcards allowed). */
  publish: string[];
  /** Subjects the user may subscribe to (wildcards allowed). */
  subscribe: string[];
  /**
   * May answer the requests it receives: publish once to each request's reply subject, whatever it is. A
   * responder needs it, since each requester's replies go to that requester's own inbox.
   */
  allowResponses: boolean;
}

/** The clients' default inbox prefix; only a client that cannot set its own (the NACK controller) reads replies under it. */
export const DEFAULT_INBOX_PREFIX = "_INBOX";
/** Every reply subject under the default prefix. */
export const DEFAULT_INBOX_SUBJECTS = `${DEFAULT_INBOX_PREFIX}.>`;

/**
 * The inbox prefix a user's client must set: `_INBOX_<user>`, one subject token. A stack's user names are DNS
 * labels; the local run's admins (`<account>.admin`) have their dot made `_`, which no DNS label holds, so an
 * admin's prefix is neither another user's nor inside one (`_INBOX_app.admin` would be within user app's inbox).
 */
export function inboxPrefix(user: string): string {
  return `${DEFAULT_INBOX_PREFIX}_${user.replaceAll(".", "_")}`;
}

/** Every reply subject of one user's client. */
export function inboxSubjects(user: string): string {
  return `${inboxPrefix(user)}.>`;
}

/**
 * Whether a pattern can match some user's replies: its first token is a wildcard, or starts with `_INBOX`
 * (the default prefix and every user's own).
 */
export function reachesInboxes(pattern: string): boolean {
  const [first] = pattern.split(".");
  return first === "*" || first === ">" || first.startsWith(DEFAULT_INBOX_PREFIX);
}

/**
 * Subjects every account has for itself: the JetStream, key-value and object-store APIs that act on the
 * account's own streams. A permission on them stays inside the account.
 */
export const ACCOUNT_API_SUBJECTS: readonly string[] = ["$JS.>", "$KV.>", "$O.>"];

/** A subject token no stream or consumer can be named ('/' is not allowed in names): only a wildcard matches it. */
const UNNAMED = "any/name";

/** JetStream API requests that create, change, read or remove a stream or consumer, for one that nobody named. */
const UNNAMED_STREAM_REQUESTS: readonly string[] = [
  `STREAM.CREATE.${UNNAMED}`,
  `STREAM.UPDATE.${UNNAMED}`,
  `STREAM.DELETE.${UNNAMED}`,
  `STREAM.PURGE.${UNNAMED}`,
  `STREAM.MSG.GET.${UNNAMED}`,
  `STREAM.MSG.DELETE.${UNNAMED}`,
  `DIRECT.GET.${UNNAMED}`,
  `CONSUMER.CREATE.${UNNAMED}`,
  `CONSUMER.DELETE.${UNNAMED}.${UNNAMED}`,
  `CONSUMER.MSG.NEXT.${UNNAMED}.${UNNAMED}`,
];

/**
 * Whether a pattern covers the whole JetStream API of the account, in its own domain or a named one, or
 * reaches the data or existence of every stream through a wildcard where the operation or the stream's name
 * goes (`$JS.API.*.>`, `$JS.API.STREAM.DELETE.*`): what only an admin holds. A pattern naming its streams
 * (`$JS.API.CONSUMER.MSG.NEXT.JOBS.*`) does not.
 */
export function coversJetStreamApi(pattern: string): boolean {
  const tokens = pattern.split(".");
  const domain = tokens[1] !== undefined && tokens[1] !== "*" && tokens[1] !== ">" ? tokens[1] : UNNAMED;
  return ["$JS.API", `$JS.${domain}.API`].some(
    (api) => subjectWithin(`${api}.>`, pattern) || UNNAMED_STREAM_REQUESTS.some((request) => subjectWithin(`${api}.${request}`, pattern)),
  );
}

/** What every user holds: its own inbox, where its replies arrive. */
export function ownInbox(user: string): Permissions {
  return { publish: [], subscribe: [inboxSubjects(user)], allowResponses: false };
}

/**
 * A JetStream publisher publishes on the stream's subjects (all of them, or the part `subjects` names), reads
 * the publish acks on its inbox, and may look the stream up. `js.publish` is a plain request to the stream
 * subject, which the stream answers itself, so no other API subject is needed.
 */
export function publisherPermissions(user: string, stream: string, subjects: readonly string[]): Permissions {
  return { publish: [...subjects, `$JS.API.STREAM.INFO.${stream}`], subscribe: [inboxSubjects(user)], allowResponses: false };
}

/**
 * A pull-consumer worker of one durable consumer: look the consumer up (CONSUMER.INFO, also what the client
 * calls to bind to it), request messages (MSG.NEXT) and ack them. Nothing here can create, change or delete
 * a stream or consumer, or pull from another consumer. Without the `$JS.ACK` subject the client's ack is
 * refused and the message is delivered again after its ack wait.
 */
export function workerPermissions(user: string, stream: string, consumer: string): Permissions {
  return {
    publish: [`$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`, `$JS.API.CONSUMER.INFO.${stream}.${consumer}`, `$JS.ACK.${stream}.${consumer}.>`],
    subscribe: [inboxSubjects(user)],
    allowResponses: false,
  };
}

/** The stream behind a key-value bucket. */
function bucketStream(bucket: string): string {
  return `KV_${bucket}`;
}

/**
 * Reads one key-value bucket with nats.js: `js.views.kv` asks for the account's JetStream info and the
 * bucket's stream info, `get` is a direct get (`DIRECT.GET.KV_<b>.$KV.<b>.<key>`; a message get on buckets
 * made without direct gets), and `watch`, `keys` and `history` create an ordered push consumer delivering to
 * the reader's inbox. Nothing here writes a key or changes the bucket.
 */
export function keyValueReaderPermissions(user: string, bucket: string): Permissions {
  const stream = bucketStream(bucket);
  return {
    publish: [
      "$JS.API.INFO",
      `$JS.API.STREAM.INFO.${stream}`,
      `$JS.API.DIRECT.GET.${stream}`,
      `$JS.API.DIRECT.GET.${stream}.>`,
      `$JS.API.STREAM.MSG.GET.${stream}`,
      `$JS.API.CONSUMER.CREATE.${stream}`,
      `$JS.API.CONSUMER.CREATE.${stream}.>`,
    ],
    subscribe: [inboxSubjects(user)],
    allowResponses: false,
  };
}

/** Reads and writes one key-value bucket: a reader that may also put and delete keys (a publish to `$KV.<b>.<key>`). */
export function keyValueWriterPermissions(user: string, bucket: string): Permissions {
  return combinePermissions(keyValueReaderPermissions(user, bucket), { publish: [`$KV.${bucket}.>`], subscribe: [], allowResponses: false });
}

/**
 * The user the NACK controller creates an account's streams, consumers and buckets as: account info, and
 * create, update, look up and list streams and consumers, delete consumers (NACK removes a consumer whose
 * object is deleted; streams and buckets are kept, see nack-objects). Not purge, not message gets or
 * deletes, not a stream delete. NACK's controller has no inbox prefix option (its flags and Account objects
 * set creds, URL and TLS only), so it reads replies under the default `_INBOX`, which no other user may hold.
 * It can still read a stream's messages by creating a push consumer that delivers into its inbox: creating
 * consumers is its job and subjects cannot tell such a consumer apart, so its creds are as secret as the data.
 */
export function provisionerPermissions(): Permissions {
  return {
    publish: [
      "$JS.API.INFO",
      "$JS.API.STREAM.CREATE.*",
      "$JS.API.STREAM.UPDATE.*",
      "$JS.API.STREAM.INFO.*",
      "$JS.API.STREAM.NAMES",
      "$JS.API.STREAM.LIST",
      "$JS.API.CONSUMER.CREATE.*",
      "$JS.API.CONSUMER.CREATE.*.>",
      "$JS.API.CONSUMER.DURABLE.CREATE.*.*",
      "$JS.API.CONSUMER.INFO.*.*",
      "$JS.API.CONSUMER.DELETE.*.*",
      "$JS.API.CONSUMER.NAMES.*",
      "$JS.API.CONSUMER.LIST.*",
    ],
    subscribe: [DEFAULT_INBOX_SUBJECTS],
    allowResponses: false,
  };
}

/**
 * The system account's operations user (what the exporter and the `nats` CLI use): server and account
 * requests such as `$SYS.REQ.SERVER.PING`, the system events for monitoring, and the two JetStream requests
 * that only the system account may send: removing a server from the meta group before a cluster shrinks, and
 * moving the meta leadership off a server that is about to leave (README "Resizing a cluster"). It is the
 * only user of its account, so the default inbox is its own.
 */
export const SYSTEM_USER_PERMISSIONS: Readonly<Permissions> = {
  publish: ["$JS.API.META.LEADER.STEPDOWN", "$JS.API.SERVER.REMOVE", "$SYS.REQ.>"],
  subscribe: ["$SYS.>", DEFAULT_INBOX_SUBJECTS],
  allowResponses: false,
};

/** Several roles' permissions as one, without repeats, sorted so that the order a stack lists them in does not change the JWT. */
export function combinePermissions(...parts: readonly Permissions[]): Permissions {
  const union = (lists: string[][]) => [...new Set(lists.flat())].sort();
  return {
    publish: union(parts.map((part) => part.publish)),
    subscribe: union(parts.map((part) => part.subscribe)),
    allowResponses: parts.some((part) => part.allowResponses),
  };
}

/**
 * The inbox prefix a user's client must set to read its replies: its own when its grants hold it, else the
 * default (the NACK provisioner, the system user, the local run's admins).
 */
export function clientInboxPrefix(user: { name: string; permissions: Permissions }): string {
  return user.permissions.subscribe.includes(inboxSubjects(user.name)) ? inboxPrefix(user.name) : DEFAULT_INBOX_PREFIX;
}

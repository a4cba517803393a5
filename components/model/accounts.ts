/**
 * Accounts and users as a stack describes them (AccountSpec, UserSpec) and as the credentials generator uses
 * them (Account, User), every limit set and every default filled in. account-resolution.ts turns one into
 * the other and checks the rules.
 *
 * Every cluster runs in operator mode: one account per trust boundary (an application, a tenant, an edge
 * site), plus the system account SYS that always exists, with one operations user.
 */
import { Permissions } from "./permissions";

/** How an account shares subjects, as an export or import names it. */
export const ExportType = {
  /** Messages published on the subjects flow to the importing account. */
  stream: "stream",
  /** Requests on the subjects reach the exporting account's responders. */
  service: "service",
} as const;
/** How an account shares subjects: stream or service. */
export type ExportType = (typeof ExportType)[keyof typeof ExportType];
export const EXPORT_TYPES: readonly ExportType[] = Object.values(ExportType);

/** Connection types nats-server 2.9 knows; a user limited to `LEAFNODE` can only connect as a leaf node. */
export const ConnectionType = {
  /** A client on the client port. */
  STANDARD: "STANDARD",
  /** A client over WebSocket. */
  WEBSOCKET: "WEBSOCKET",
  /** A leaf node link. */
  LEAFNODE: "LEAFNODE",
  /** A leaf node link over WebSocket. */
  LEAFNODE_WS: "LEAFNODE_WS",
  /** An MQTT client. */
  MQTT: "MQTT",
  /** An MQTT client over WebSocket. */
  MQTT_WS: "MQTT_WS",
} as const;
/** A kind of connection a user may open, as nats-server names it. */
export type ConnectionType = (typeof ConnectionType)[keyof typeof ConnectionType];
export const CONNECTION_TYPES: readonly ConnectionType[] = Object.values(ConnectionType);

/**
 * A stream as the accounts see it: its name, its account and the subjects it captures. Streams are declared
 * on their own (with retention, limits and consumers); a stream's subjects belong to its account, and
 * publisher and worker users refer to streams by name.
 */
export interface AccountStream {
  /** Stream name, as publisher and worker users name it. */
  name: string;
  /** The account the stream belongs to. */
  account: string;
  /** Subjects the stream captures; they belong to its account. */
  subjects: string[];
  /** Its durable consumers' names, when declared: what a worker may name. Undefined: any name is taken as given. */
  consumers?: string[];
  /** Set when the stream is a key-value bucket's (`KV_<bucket>`): the bucket's name, what KV readers and writers name. */
  bucket?: string;
}

/** Subjects the account offers to every other account. */
export interface ExportSpec {
  /** Subject or pattern within the account's own subjects. */
  subject: string;
  /** `stream`: others receive messages published here; `service`: others send requests here. */
  type: ExportType;
}

/** Subjects taken from another account's export. */
export interface ImportSpec {
  /** Name of the exporting account. */
  account: string;
  /** The exported subject (or a narrower one within it). */
  subject: string;
  /** `stream` or `service`, as the export declares it. */
  type: ExportType;
  /** Subject the import appears under in this account. Default: the same subject. */
  localSubject?: string;
}

/**
 * JetStream limits of one account. Storage counts every replica. Accounts that name no storage share what the
 * others leave equally, so adding an account shrinks their shares: name the storage to keep it fixed.
 */
export interface AccountJetStreamLimitsSpec {
  /** Memory-backed stream storage (Kubernetes quantity). Default: an equal share of what the cluster has left. */
  memStorage?: string;
  /** File-backed stream storage (Kubernetes quantity). Default: an equal share of what the cluster has left. */
  diskStorage?: string;
  /** Most streams; -1 for no limit. Default -1. */
  streams?: number;
  /** Most consumers; -1 for no limit. Default -1. */
  consumer?: number;
}

/** Account limits, named as in the account JWT. Counts take -1 for no limit. */
export interface AccountLimitsSpec {
  /** Most client connections. Default -1. */
  conn?: number;
  /** Most subscriptions. Default -1. */
  subs?: number;
  /** Largest message (Kubernetes quantity). Default: the cluster's `limits.maxPayload`. */
  payload?: string;
  /** Most bytes of message data in flight (Kubernetes quantity). Default: no limit. */
  data?: string;
  /** Most imports. Default -1. */
  imports?: number;
  /** Most exports. Default -1. */
  exports?: number;
  /** Whether exports and imports may use wildcards. Default true. */
  wildcards?: boolean;
  /** Most leaf node connections; 0 refuses leaf nodes. Default -1. */
  leaf?: number;
  /** JetStream storage, stream and consumer limits. Default: an equal share of what the cluster has left, no count limits. */
  jetstream?: AccountJetStreamLimitsSpec;
}

/** Explicit publish and subscribe allow lists. A list left out allows nothing; an empty list is refused. */
export interface PermissionsSpec {
  /** Subjects or patterns the user may publish to. */
  publish?: string[];
  /** Subjects or patterns the user may subscribe to. */
  subscribe?: string[];
  /** Answer each request received with one reply, wherever it goes: what a service responder needs. Default false. */
  allowResponses?: boolean;
}

/** A user publishing into one of the account's streams. */
export interface PublisherSpec {
  /** Name of a stream of the user's account. */
  stream: string;
  /** Only these of the stream's subjects (each within one the stream captures). Default: all of them. */
  subjects?: string[];
}

/** A user reading (or, as a writer, also writing) one of the account's key-value buckets. */
export interface KeyValueRoleSpec {
  /** Name of a key-value bucket of the user's account. */
  bucket: string;
}

/** A user pulling from one durable consumer of one of the account's streams. */
export interface WorkerSpec {
  /** Name of a stream of the user's account. */
  stream: string;
  /** Name of a durable consumer of that stream, as the stream's `consumers` declare it. */
  consumer: string;
}

/**
 * One user: one service or worker pool. It needs at least one role (publisher, worker, kvReader, kvWriter,
 * provisioner) or permissions; they add up. Every user reads its replies under its own inbox prefix
 * `_INBOX_<name>`, which its client must set.
 */
export interface UserSpec {
  /** A DNS label naming its creds (`<name>.creds`) and Kubernetes Secret, so unique across the stack; not `sys`, which is taken. */
  name: string;
  /** Publish into one stream and read its info. Default: no such role. */
  publisher?: PublisherSpec;
  /** Pull from one durable consumer and ack its messages. Default: no such role. */
  worker?: WorkerSpec;
  /** Get and watch the keys of one bucket. */
  kvReader?: KeyValueRoleSpec;
  /** Get, watch, put and delete the keys of one bucket. */
  kvWriter?: KeyValueRoleSpec;
  /**
   * The NACK controller's user: creates, updates and looks up the account's streams, consumers and buckets,
   * and reads replies under the default inbox `_INBOX`, since NACK cannot set a prefix. Only the account's
   * `<account>-nack` may hold it, which the program adds to each account holding streams or buckets.
   */
  provisioner?: boolean;
  /** Raw publish and subscribe permissions, added to the roles'. Default: none beyond the roles'. */
  permissions?: PermissionsSpec;
  /**
   * May hold raw permissions that cover the whole JetStream API (`$JS.API.>`, `$JS.*.API.>`), everything
   * (`>`), or other users' inboxes. Default false: such grants are refused, since they reach every stream and
   * every reply of the account.
   */
  admin?: boolean;
  /** Connection types the user may use, e.g. ["LEAFNODE"] for a leaf-only user. Default: any. */
  connectionTypes?: ConnectionType[];
  /** When the user's credentials stop working: an ISO 8601 date or UTC/offset date-time. Default: never. */
  expires?: string;
  /** Changing this value issues the user new keys. Default "initial". */
  rotation?: string;
}

/** One account: a trust boundary with its own subjects, streams, limits and users. */
export interface AccountSpec {
  /** Account name: a DNS label, since it names Pulumi resources; not `sys`, which is taken. */
  name: string;
  /** Core NATS subjects the account's users work on, besides its streams' subjects. */
  subjects?: string[];
  /** Subjects the account offers to every other account. Default none. */
  exports?: ExportSpec[];
  /** Subjects the account takes from other accounts' exports. Default none. */
  imports?: ImportSpec[];
  /** Connection, subscription, payload and JetStream limits. Default: no count limits, the cluster's payload limit and a share of JetStream. */
  limits?: AccountLimitsSpec;
  /** Sign users with a separate signing key, so the account's identity key signs nothing but itself. Default false. */
  signingKey?: boolean;
  /** Changing this value issues the account new keys (and with them new JWTs for all its users). Default "initial". */
  rotation?: string;
  /** The account's users, each a service or worker pool. Default none. */
  users?: UserSpec[];
}

export interface AccountJetStreamLimits {
  memStorage: number;
  diskStorage: number;
  streams: number;
  consumer: number;
}

/** Every limit set: nats-server reads a limit missing from an account JWT as 0. */
export interface AccountLimits {
  conn: number;
  subs: number;
  payload: number;
  data: number;
  imports: number;
  exports: number;
  wildcards: boolean;
  leaf: number;
  /** Undefined: no JetStream for the account. */
  jetstream: AccountJetStreamLimits | undefined;
}

export interface User {
  name: string;
  account: string;
  permissions: Permissions;
  /** Undefined: any connection type. */
  connectionTypes: ConnectionType[] | undefined;
  /** Expiry in seconds since the epoch; undefined: never. */
  expires: number | undefined;
  rotation: string;
}

export interface Account {
  name: string;
  /** The system account: servers use it to talk to each other; it has no JetStream. */
  system: boolean;
  subjects: string[];
  /** The account's streams. */
  streams: AccountStream[];
  exports: ExportSpec[];
  imports: ImportSpec[];
  limits: AccountLimits;
  signingKey: boolean;
  rotation: string;
  users: User[];
}

export const SYSTEM_ACCOUNT_NAME = "SYS";
export const SYSTEM_USER_NAME = "sys";
/** Rotation value of keys whose rotation was never set. */
export const INITIAL_ROTATION = "initial";
/** A count limit of -1 is no limit. */
export const UNLIMITED = -1;

/** Subjects an account owns: its own, and its streams'. */
export function ownSubjects(account: Pick<Account, "subjects" | "streams">): string[] {
  return [...account.subjects, ...account.streams.flatMap((stream) => stream.subjects)];
}

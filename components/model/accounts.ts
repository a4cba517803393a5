/**
 * Accounts and users as a stack describes them (AccountSpec, UserSpec) and as the credentials generator uses
 * them (Account, User), every limit set and every default filled in. account-resolution.ts turns one into
 * the other and checks the rules.
 *
 * Every cluster runs in operator mode: one account per trust boundary (an application, a tenant, an edge
 * site), plus the system account SYS that always exists, with one operations user.
 */
import { Permissions } from "./permissions";

export type ExportType = "stream" | "service";
export const EXPORT_TYPES: readonly ExportType[] = ["stream", "service"];

/** Connection types nats-server 2.9 knows; a user limited to `LEAFNODE` can only connect as a leaf node. */
export type ConnectionType = "STANDARD" | "WEBSOCKET" | "LEAFNODE" | "LEAFNODE_WS" | "MQTT" | "MQTT_WS";
export const CONNECTION_TYPES: readonly ConnectionType[] = ["STANDARD", "WEBSOCKET", "LEAFNODE", "LEAFNODE_WS", "MQTT", "MQTT_WS"];

/**
 * A stream as the accounts see it: its name, its account and the subjects it captures. Streams are declared
 * on their own (with retention, limits and consumers); a stream's subjects belong to its account, and
 * publisher and worker users refer to streams by name.
 */
export interface AccountStream {
  name: string;
  account: string;
  subjects: readonly string[];
  /** Its durable consumers' names, when declared: what a worker may name. Undefined: any name is taken as given. */
  consumers?: readonly string[];
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
  jetstream?: AccountJetStreamLimitsSpec;
}

/** Explicit publish and subscribe allow lists. A list left out allows nothing; an empty list is refused. */
export interface PermissionsSpec {
  publish?: string[];
  subscribe?: string[];
  /** Answer each request received with one reply, wherever it goes: what a service responder needs. Default false. */
  allowResponses?: boolean;
}

/** A user publishing into one of the account's streams. */
export interface PublisherSpec {
  stream: string;
  /** Only these of the stream's subjects (each within one the stream captures). Default: all of them. */
  subjects?: string[];
}

/** A user reading (or, as a writer, also writing) one of the account's key-value buckets. */
export interface KeyValueRoleSpec {
  bucket: string;
}

/** A user pulling from one durable consumer of one of the account's streams. */
export interface WorkerSpec {
  stream: string;
  /** Durable consumer name. */
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
  publisher?: PublisherSpec;
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
  /** Changing this value issues the user new keys. */
  rotation?: string;
}

/** One account: a trust boundary with its own subjects, streams, limits and users. */
export interface AccountSpec {
  /** Account name: a DNS label, since it names Pulumi resources; not `sys`, which is taken. */
  name: string;
  /** Core NATS subjects the account's users work on, besides its streams' subjects. */
  subjects?: string[];
  exports?: ExportSpec[];
  imports?: ImportSpec[];
  limits?: AccountLimitsSpec;
  /** Sign users with a separate signing key, so the account's identity key signs nothing but itself. Default false. */
  signingKey?: boolean;
  /** Changing this value issues the account new keys (and with them new JWTs for all its users). */
  rotation?: string;
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

/**
 * Users of an account: their roles and explicit permissions combined into one pair of allow lists, each
 * explicit subject checked to stay inside the account, out of other users' inboxes and short of the whole
 * JetStream API unless the user is an admin.
 */
import { Account, AccountStream, CONNECTION_TYPES, ConnectionType, INITIAL_ROTATION, ownSubjects, User, UserSpec } from "./accounts";
import { Problems } from "./errors";
import { isNatsName, NATS_NAME_RULE } from "./names";
import {
  ACCOUNT_API_SUBJECTS,
  combinePermissions,
  coversJetStreamApi,
  inboxPrefix,
  inboxSubjects,
  keyValueReaderPermissions,
  keyValueWriterPermissions,
  ownInbox,
  Permissions,
  provisionerPermissions,
  publisherPermissions,
  reachesInboxes,
  workerPermissions,
} from "./permissions";
import { jetStreamProvisionerName } from "./provisioners";
import { checkSubjects, subjectWithin, subjectWithinAny } from "./subjects";

/** Connection types of a leaf node's link: a user limited to these never connects as a client. */
const LEAF_CONNECTION_TYPES: readonly ConnectionType[] = ["LEAFNODE", "LEAFNODE_WS"];

/** What a user's explicit permissions are checked against. */
interface PermissionScope {
  user: string;
  patterns: string[];
  description: string;
  /** May hold the whole JetStream API and any inbox. */
  admin: boolean;
  /**
   * Connects only as a leaf node: its grants decide which replies cross the link for the site's clients, so
   * it may name their inboxes; it reads none itself.
   */
  leafOnly: boolean;
}

/** Where a user's explicit permissions may reach: what the account owns, what it imports, its own inbox and the account's APIs. */
function permissionScope(account: Account, user: string, admin: boolean, leafOnly: boolean): PermissionScope {
  const owned = ownSubjects(account).filter((subject) => !subject.startsWith("$KV."));
  const imported = account.imports.map((entry) => entry.localSubject ?? entry.subject);
  return {
    user,
    patterns: [...owned, ...imported, inboxSubjects(user), ...ACCOUNT_API_SUBJECTS],
    description:
      `the account's subjects and streams (${owned.join(", ") || "none"}), ` +
      `its imports (${imported.join(", ") || "none"}), the user's own inbox ${inboxSubjects(user)} and the account's ${ACCOUNT_API_SUBJECTS.join(", ")}`,
    admin,
    leafOnly,
  };
}

/** The problem with one explicit subject, or undefined when the user may hold it. */
function explicitSubjectRule(subject: string, scope: PermissionScope): string | undefined {
  // A leaf-only user's JetStream reach is ruled by its site's hub streams (leaf.ts), with its own message.
  if (!scope.admin && !scope.leafOnly && coversJetStreamApi(subject)) {
    return (
      "grant only the JetStream API the user's job needs (the publisher, worker, kvReader, kvWriter or provisioner role, or single API subjects), " +
      "or mark the user admin: true: this reaches every stream, consumer and bucket of the account"
    );
  }
  const inbox = reachesInboxes(subject);
  if (inbox && !scope.admin && !scope.leafOnly && !subjectWithin(subject, inboxSubjects(scope.user))) {
    return (
      `keep replies to the user's own inbox ${inboxSubjects(scope.user)}, which every user holds (set the client's inbox prefix to ${inboxPrefix(scope.user)}): ` +
      "other inboxes carry other users' replies and pull deliveries"
    );
  }
  if (inbox && (scope.admin || scope.leafOnly)) return undefined;
  return subjectWithinAny(subject, scope.patterns) ? undefined : `keep permissions within ${scope.description}`;
}

function checkPermissionList(problems: Problems, path: string, value: unknown, scope: PermissionScope): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.length === 0) {
    problems.add(path, value, "list at least one subject, or leave the list out to allow none: nats-server reads an empty allow list as allowing every subject");
    return [];
  }
  const subjects = checkSubjects(problems, path, value);
  if (Array.isArray(value)) {
    value.forEach((subject, index) => {
      if (!subjects.includes(subject)) return;
      const rule = explicitSubjectRule(subject, scope);
      if (rule !== undefined) problems.add(`${path}[${index}]`, subject, rule);
    });
  }
  return subjects;
}

const EXPIRY_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseExpiry(problems: Problems, path: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !EXPIRY_PATTERN.test(value) || Number.isNaN(Date.parse(value))) {
    problems.add(path, value, 'use an ISO 8601 date ("2027-01-31") or date-time with a zone ("2027-01-31T12:00:00Z")');
    return undefined;
  }
  return Math.floor(Date.parse(value) / 1000);
}

export function checkRotation(problems: Problems, path: string, value: unknown): string {
  if (value === undefined) return INITIAL_ROTATION;
  if (typeof value !== "string" || value.trim() === "") {
    problems.add(path, value, 'use a non-empty text such as "2026-11"; change it to issue new keys');
    return INITIAL_ROTATION;
  }
  return value;
}

function streamNamed(account: Account, name: unknown): AccountStream | undefined {
  return account.streams.find((stream) => stream.bucket === undefined && stream.name === name);
}

function bucketNamed(account: Account, name: unknown): AccountStream | undefined {
  return account.streams.find((stream) => stream.bucket !== undefined && stream.bucket === name);
}

function names(list: readonly string[]): string {
  return list.join(", ") || "(it has none)";
}

/** The publisher's subjects: the stream's, or the part of them the role names. */
function publisherSubjects(problems: Problems, path: string, given: unknown, stream: AccountStream): readonly string[] {
  if (given === undefined) return stream.subjects;
  const rule = `publish only subjects stream ${stream.name} captures (${stream.subjects.join(", ")}), or leave subjects out for all of them`;
  if (!Array.isArray(given) || given.length === 0) {
    problems.add(path, given, rule);
    return [];
  }
  const subjects = checkSubjects(problems, path, given);
  given.forEach((subject, index) => {
    if (subjects.includes(subject) && !subjectWithinAny(subject, stream.subjects)) problems.add(`${path}[${index}]`, subject, rule);
  });
  return subjects;
}

/** The permissions of the roles a user declares, each checked against the account's streams and buckets. */
function rolePermissions(spec: UserSpec, account: Account, path: string, problems: Problems): Permissions[] {
  const streamNames = account.streams.filter((stream) => stream.bucket === undefined).map((stream) => stream.name);
  const streamRule = `name one of the account's streams: ${names(streamNames)}`;
  const parts: Permissions[] = [];
  if (spec.publisher !== undefined) {
    const stream = streamNamed(account, spec.publisher?.stream);
    if (stream === undefined) problems.add(`${path}.publisher.stream`, spec.publisher?.stream, streamRule);
    else parts.push(publisherPermissions(spec.name, stream.name, publisherSubjects(problems, `${path}.publisher.subjects`, spec.publisher.subjects, stream)));
  }
  if (spec.worker !== undefined) {
    const stream = streamNamed(account, spec.worker?.stream);
    const consumer = spec.worker?.consumer;
    if (stream === undefined) problems.add(`${path}.worker.stream`, spec.worker?.stream, streamRule);
    if (!isNatsName(consumer)) problems.add(`${path}.worker.consumer`, consumer, NATS_NAME_RULE);
    else if (stream?.consumers !== undefined && !stream.consumers.includes(consumer)) {
      problems.add(
        `${path}.worker.consumer`,
        consumer,
        `name a durable consumer of stream ${stream.name} (${names(stream.consumers)}): a worker pulls and acks only its own consumer and cannot create one`,
      );
    } else if (stream !== undefined) parts.push(workerPermissions(spec.name, stream.name, consumer));
  }
  const bucketNames = account.streams.flatMap((stream) => (stream.bucket === undefined ? [] : [stream.bucket]));
  for (const [role, permissions] of [
    ["kvReader", keyValueReaderPermissions],
    ["kvWriter", keyValueWriterPermissions],
  ] as const) {
    const given = spec[role];
    if (given === undefined) continue;
    const bucket = bucketNamed(account, given?.bucket);
    if (bucket === undefined) problems.add(`${path}.${role}.bucket`, given?.bucket, `name one of the account's key-value buckets: ${names(bucketNames)}`);
    else parts.push(permissions(spec.name, bucket.bucket!));
  }
  if (spec.provisioner !== undefined) {
    if (typeof spec.provisioner !== "boolean") problems.add(`${path}.provisioner`, spec.provisioner, "use true or false");
    else if (spec.provisioner && spec.name !== jetStreamProvisionerName(account.name)) {
      problems.add(
        `${path}.provisioner`,
        spec.provisioner,
        `leave it out: the account's one provisioner is ${jetStreamProvisionerName(account.name)}, the user the NACK controller and a local run create its streams as ` +
          "(added to every account holding streams or buckets); it reads replies under the default inbox _INBOX, which no two users may share",
      );
    } else if (spec.provisioner) parts.push(provisionerPermissions());
  }
  return parts;
}

/** Whether the user declares any role. */
function hasRole(spec: UserSpec): boolean {
  return [spec.publisher, spec.worker, spec.kvReader, spec.kvWriter].some((role) => role !== undefined) || spec.provisioner === true;
}

/** Resolves one user of `account`: its roles, explicit permissions and own inbox combined; problems under `path`. */
export function resolveUser(spec: UserSpec, account: Account, path: string, problems: Problems): User {
  // The provisioner reads its replies under the default inbox, as NACK's client does, and needs no other.
  const inbox = spec.provisioner === true ? [] : [ownInbox(spec.name)];
  const parts: Permissions[] = [...inbox, ...rolePermissions(spec, account, path, problems)];
  if (spec.admin !== undefined && typeof spec.admin !== "boolean") problems.add(`${path}.admin`, spec.admin, "use true or false");

  let connectionTypes: ConnectionType[] | undefined;
  if (spec.connectionTypes !== undefined) {
    const given = spec.connectionTypes;
    if (!Array.isArray(given) || given.length === 0 || given.some((type) => !CONNECTION_TYPES.includes(type))) {
      problems.add(`${path}.connectionTypes`, given, `list one or more of ${CONNECTION_TYPES.join(", ")}, or leave it out to allow any`);
    } else connectionTypes = [...new Set(given)].sort();
  }

  if (spec.permissions !== undefined) {
    const { publish, subscribe, allowResponses } = spec.permissions ?? {};
    if (publish === undefined && subscribe === undefined) {
      problems.add(`${path}.permissions`, spec.permissions, "list publish or subscribe subjects, or leave permissions out");
    }
    if (allowResponses !== undefined && typeof allowResponses !== "boolean") {
      problems.add(`${path}.permissions.allowResponses`, allowResponses, "use true or false");
    }
    const leafOnly = connectionTypes !== undefined && connectionTypes.every((type) => LEAF_CONNECTION_TYPES.includes(type));
    const scope = permissionScope(account, spec.name, spec.admin === true, leafOnly);
    parts.push({
      publish: checkPermissionList(problems, `${path}.permissions.publish`, publish, scope),
      subscribe: checkPermissionList(problems, `${path}.permissions.subscribe`, subscribe, scope),
      allowResponses: allowResponses === true,
    });
  }
  if (!hasRole(spec) && spec.permissions === undefined) {
    problems.add(path, spec, "give the user a role (publisher, worker, kvReader, kvWriter, provisioner) or permissions");
  }

  return {
    name: spec.name,
    account: account.name,
    permissions: combinePermissions(...parts),
    connectionTypes,
    expires: parseExpiry(problems, `${path}.expires`, spec.expires),
    rotation: checkRotation(problems, `${path}.rotation`, spec.rotation),
  };
}

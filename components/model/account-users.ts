/**
 * Users of an account: their role and explicit permissions combined into one pair of allow lists, each
 * explicit subject checked to stay inside the account.
 */
import { Account, AccountStream, CONNECTION_TYPES, ConnectionType, INITIAL_ROTATION, ownSubjects, User, UserSpec } from "./accounts";
import { Problems } from "./errors";
import { isNatsName, NATS_NAME_RULE } from "./names";
import { ACCOUNT_LOCAL_SUBJECTS, combinePermissions, Permissions, publisherPermissions, workerPermissions } from "./permissions";
import { checkSubjects, subjectWithinAny } from "./subjects";

/** Where a user's explicit permissions may reach: what the account owns, what it imports, and its own inbox and APIs. */
function permissionScope(account: Account): { patterns: string[]; description: string } {
  const owned = ownSubjects(account);
  const imported = account.imports.map((entry) => entry.localSubject ?? entry.subject);
  return {
    patterns: [...owned, ...imported, ...ACCOUNT_LOCAL_SUBJECTS],
    description:
      `the account's subjects and streams (${owned.join(", ") || "none"}), ` +
      `its imports (${imported.join(", ") || "none"}) and its own ${ACCOUNT_LOCAL_SUBJECTS.join(", ")}`,
  };
}

function checkPermissionList(problems: Problems, path: string, value: unknown, scope: ReturnType<typeof permissionScope>): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.length === 0) {
    problems.add(path, value, "list at least one subject, or leave the list out to allow none: nats-server reads an empty allow list as allowing every subject");
    return [];
  }
  const subjects = checkSubjects(problems, path, value);
  if (Array.isArray(value)) {
    value.forEach((subject, index) => {
      if (subjects.includes(subject) && !subjectWithinAny(subject, scope.patterns)) {
        problems.add(`${path}[${index}]`, subject, `keep permissions within ${scope.description}`);
      }
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
  return account.streams.find((stream) => stream.name === name);
}

export function resolveUser(spec: UserSpec, account: Account, path: string, problems: Problems): User {
  const streamNames = account.streams.map((stream) => stream.name);
  const streamRule = `name one of the account's streams: ${streamNames.join(", ") || "(it has none)"}`;
  const parts: Permissions[] = [];
  if (spec.publisher !== undefined) {
    const stream = streamNamed(account, spec.publisher?.stream);
    if (stream === undefined) problems.add(`${path}.publisher.stream`, spec.publisher?.stream, streamRule);
    else parts.push(publisherPermissions(stream.subjects));
  }
  if (spec.worker !== undefined) {
    const stream = streamNamed(account, spec.worker?.stream);
    if (stream === undefined) problems.add(`${path}.worker.stream`, spec.worker?.stream, streamRule);
    if (!isNatsName(spec.worker?.consumer)) problems.add(`${path}.worker.consumer`, spec.worker?.consumer, NATS_NAME_RULE);
    else if (stream !== undefined) parts.push(workerPermissions(stream.name, spec.worker.consumer));
  }
  if (spec.permissions !== undefined) {
    const { publish, subscribe, allowResponses } = spec.permissions ?? {};
    if (publish === undefined && subscribe === undefined) {
      problems.add(`${path}.permissions`, spec.permissions, "list publish or subscribe subjects, or leave permissions out");
    }
    if (allowResponses !== undefined && typeof allowResponses !== "boolean") {
      problems.add(`${path}.permissions.allowResponses`, allowResponses, "use true or false");
    }
    const scope = permissionScope(account);
    parts.push({
      publish: checkPermissionList(problems, `${path}.permissions.publish`, publish, scope),
      subscribe: checkPermissionList(problems, `${path}.permissions.subscribe`, subscribe, scope),
      allowResponses: allowResponses === true,
    });
  }
  if (spec.publisher === undefined && spec.worker === undefined && spec.permissions === undefined) {
    problems.add(path, spec, "give the user a publisher or worker role, or permissions");
  }

  let connectionTypes: ConnectionType[] | undefined;
  if (spec.connectionTypes !== undefined) {
    const given = spec.connectionTypes;
    if (!Array.isArray(given) || given.length === 0 || given.some((type) => !CONNECTION_TYPES.includes(type))) {
      problems.add(`${path}.connectionTypes`, given, `list one or more of ${CONNECTION_TYPES.join(", ")}, or leave it out to allow any`);
    } else connectionTypes = [...new Set(given)].sort();
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

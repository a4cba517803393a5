/**
 * Resolution of a stack's accounts: names, exports and imports checked against each other, limits against
 * the cluster, users against their account and its streams; the system account added.
 */
import { checkCountCovers, resolveLimits, resolveStorage } from "./account-limits";
import { checkRotation, resolveUser } from "./account-users";
import {
  Account,
  AccountSpec,
  AccountStream,
  EXPORT_TYPES,
  ExportSpec,
  ExportType,
  ImportSpec,
  INITIAL_ROTATION,
  ownSubjects,
  SYSTEM_ACCOUNT_NAME,
  SYSTEM_USER_NAME,
  UNLIMITED,
  UserSpec,
} from "./accounts";
import { Cluster } from "./cluster";
import { Problems } from "./errors";
import { dnsLabelRule, isDnsLabel } from "./names";
import { combinePermissions, SYSTEM_USER_PERMISSIONS } from "./permissions";
import { checkSubjects, isSubject, SUBJECT_RULE, subjectWithinAny } from "./subjects";

/** What accounts are checked against: the cluster whose storage their JetStream limits share, and the stack's streams. */
export interface AccountContext {
  cluster: Cluster;
  streams?: readonly AccountStream[];
}

function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

function firstIndexByName(items: readonly { name?: unknown }[]): Map<unknown, number> {
  const first = new Map<unknown, number>();
  items.forEach((item, index) => {
    if (!first.has(item?.name)) first.set(item?.name, index);
  });
  return first;
}

function checkExportType(problems: Problems, path: string, type: unknown): boolean {
  const known = EXPORT_TYPES.includes(type as ExportType);
  if (!known) problems.add(path, type, `use one of ${EXPORT_TYPES.join(", ")}`);
  return known;
}

function resolveExports(spec: AccountSpec, owned: string[], path: string, problems: Problems): ExportSpec[] {
  return list(spec.exports).map((exported, index) => {
    const at = `${path}.exports[${index}]`;
    checkExportType(problems, `${at}.type`, exported?.type);
    if (!isSubject(exported?.subject)) problems.add(`${at}.subject`, exported?.subject, SUBJECT_RULE);
    else if (!subjectWithinAny(exported.subject, owned)) {
      problems.add(`${at}.subject`, exported.subject, `export only subjects the account owns (${owned.join(", ") || "none: declare subjects or streams"})`);
    }
    return { subject: exported?.subject, type: exported?.type };
  });
}

/** Imports are checked once every account's exports are known; `accounts` are the stack's own, without SYS. */
function checkImports(specs: readonly AccountSpec[], accounts: readonly Account[], path: string, problems: Problems): void {
  const byName = new Map(accounts.map((account) => [account.name, account]));
  specs.forEach((spec, accountIndex) => {
    list(spec.imports).forEach((imported, index) => {
      const at = `${path}[${accountIndex}].imports[${index}]`;
      const typeKnown = checkExportType(problems, `${at}.type`, imported?.type);
      const subjectValid = isSubject(imported?.subject);
      if (!subjectValid) problems.add(`${at}.subject`, imported?.subject, SUBJECT_RULE);
      if (imported?.localSubject !== undefined && !isSubject(imported.localSubject)) {
        problems.add(`${at}.localSubject`, imported.localSubject, SUBJECT_RULE);
      }
      const exporter = byName.get(imported?.account);
      const others = accounts.filter((account) => account.name !== spec.name).map((account) => account.name);
      if (exporter === undefined || imported.account === spec.name) {
        problems.add(`${at}.account`, imported?.account, `name another declared account: ${others.join(", ") || "(there is none)"}`);
        return;
      }
      if (!typeKnown || !subjectValid) return;
      const covering = exporter.exports.filter((exported) => exported.type === imported.type).map((exported) => exported.subject);
      if (!subjectWithinAny(imported.subject, covering)) {
        problems.add(
          `${at}.subject`,
          imported.subject,
          `import a subject account ${exporter.name} exports as a ${imported.type} (${covering.join(", ") || "it exports none"})`,
        );
      }
    });
  });
}

function resolveImports(spec: AccountSpec): ImportSpec[] {
  return list(spec.imports).map((imported) => ({
    account: imported?.account,
    subject: imported?.subject,
    type: imported?.type,
    ...(imported?.localSubject !== undefined ? { localSubject: imported.localSubject } : {}),
  }));
}

function checkName(problems: Problems, path: string, name: unknown, kind: string, reserved: string): void {
  if (!isDnsLabel(name)) problems.add(path, name, dnsLabelRule());
  else if (name === reserved.toLowerCase()) {
    problems.add(path, name, `use another name: ${reserved} is the ${kind} every cluster has`);
  }
}

/** The system account and its operations user, the same in every stack. */
export function systemAccount(): Account {
  return {
    name: SYSTEM_ACCOUNT_NAME,
    system: true,
    subjects: [],
    streams: [],
    exports: [],
    imports: [],
    limits: {
      conn: UNLIMITED,
      subs: UNLIMITED,
      payload: UNLIMITED,
      data: UNLIMITED,
      imports: UNLIMITED,
      exports: UNLIMITED,
      wildcards: true,
      leaf: UNLIMITED,
      jetstream: undefined,
    },
    signingKey: false,
    rotation: INITIAL_ROTATION,
    users: [
      {
        name: SYSTEM_USER_NAME,
        account: SYSTEM_ACCOUNT_NAME,
        permissions: combinePermissions(SYSTEM_USER_PERMISSIONS),
        connectionTypes: undefined,
        expires: undefined,
        rotation: INITIAL_ROTATION,
      },
    ],
  };
}

/**
 * Checks the stack's accounts against each other and against the cluster they run on, and fills in their
 * defaults. The system account comes first. Problems are collected under `path`; the result is only
 * meaningful when none was added.
 */
export function resolveAccounts(specs: readonly AccountSpec[] | undefined, context: AccountContext, path: string, problems: Problems): Account[] {
  const { cluster } = context;
  if (specs !== undefined && !Array.isArray(specs)) {
    problems.add(path, specs, "give a list of accounts");
    return [systemAccount()];
  }
  const given = (specs ?? []).map((spec) => spec ?? ({} as AccountSpec));
  const firstAccount = firstIndexByName(given);
  const storage = resolveStorage(given, cluster, path, problems);
  const firstUser = new Map<unknown, string>([[SYSTEM_USER_NAME, `the ${SYSTEM_ACCOUNT_NAME} account`]]);

  const accounts = given.map((spec, index): Account => {
    const at = `${path}[${index}]`;
    checkName(problems, `${at}.name`, spec.name, "system account", SYSTEM_ACCOUNT_NAME);
    if (isDnsLabel(spec.name) && firstAccount.get(spec.name) !== index) {
      problems.add(`${at}.name`, spec.name, `use a name no other account has (${path}[${firstAccount.get(spec.name)}] has it)`);
    }
    const subjects = checkSubjects(problems, `${at}.subjects`, spec.subjects);
    const streams = (context.streams ?? []).filter((stream) => stream.account === spec.name);
    const exports = resolveExports(spec, ownSubjects({ subjects, streams }), at, problems);
    const imports = resolveImports(spec);
    const limits = resolveLimits(spec.limits ?? {}, storage[index], cluster, `${at}.limits`, problems);
    checkCountCovers(problems, `${at}.limits.imports`, limits.imports, imports.length, "import");
    checkCountCovers(problems, `${at}.limits.exports`, limits.exports, exports.length, "export");
    if (spec.signingKey !== undefined && typeof spec.signingKey !== "boolean") {
      problems.add(`${at}.signingKey`, spec.signingKey, "use true or false");
    }
    const account: Account = {
      name: spec.name,
      system: false,
      subjects,
      streams,
      exports,
      imports,
      limits,
      signingKey: spec.signingKey === true,
      rotation: checkRotation(problems, `${at}.rotation`, spec.rotation),
      users: [],
    };
    account.users = list<UserSpec>(spec.users).map((user, userIndex) => {
      const userPath = `${at}.users[${userIndex}]`;
      checkName(problems, `${userPath}.name`, user?.name, "operations user of the system account", SYSTEM_USER_NAME);
      const holder = firstUser.get(user?.name);
      if (holder === undefined) firstUser.set(user?.name, userPath);
      // `sys` is already refused as the system user's name.
      else if (user?.name !== SYSTEM_USER_NAME) {
        problems.add(`${userPath}.name`, user.name, `use a name no other user has (${holder} has it); user names name creds files and Secrets`);
      }
      return resolveUser(user ?? ({} as UserSpec), account, userPath, problems);
    });
    return account;
  });
  checkImports(given, accounts, path, problems);
  return [systemAccount(), ...accounts];
}

/** Resolves accounts on their own, throwing a ValidationError that lists every problem. */
export function validateAccounts(specs: readonly AccountSpec[] | undefined, context: AccountContext, path = "accounts"): Account[] {
  const problems = new Problems();
  const accounts = resolveAccounts(specs, context, path, problems);
  problems.throwIfAny();
  return accounts;
}

/**
 * Checks that the users a workload connects as exist in the right account and may do the workload's job,
 * so a missing permission is a validation error at `pulumi preview`, not a pod that fails to pull.
 */
import { Account, User } from "../../model/accounts";
import { Problems } from "../../model/errors";
import { Permissions, publisherPermissions, workerPermissions } from "../../model/permissions";
import { subjectWithinAny } from "../../model/subjects";

/** The subjects of `needed` that the user's allow lists do not cover, as "publish x" and "subscribe y". */
export function missingPermissions(user: User, needed: Permissions): string[] {
  return [
    ...needed.publish.filter((subject) => !subjectWithinAny(subject, user.permissions.publish)).map((subject) => `publish ${subject}`),
    ...needed.subscribe.filter((subject) => !subjectWithinAny(subject, user.permissions.subscribe)).map((subject) => `subscribe ${subject}`),
  ];
}

function accountNames(accounts: readonly Account[]): string {
  return accounts.filter((account) => !account.system).map((account) => account.name).join(", ") || "none declared";
}

export function checkAccountDeclared(problems: Problems, path: string, account: unknown, accounts: readonly Account[]): boolean {
  const declared = accounts.some((candidate) => !candidate.system && candidate.name === account);
  if (!declared) problems.add(path, account, `name one of the stack's accounts (${accountNames(accounts)})`);
  return declared;
}

/** The user of that name in that account, or undefined after adding a problem that says where the user is instead. */
export function checkAccountUser(problems: Problems, path: string, name: unknown, account: string, accounts: readonly Account[]): User | undefined {
  const home = accounts.find((candidate) => candidate.name === account);
  const user = home?.users.find((candidate) => candidate.name === name);
  if (user !== undefined) return user;
  const owner = accounts.find((candidate) => candidate.users.some((other) => other.name === name));
  const known = home?.users.map((other) => other.name).join(", ") || "none declared";
  problems.add(
    path,
    name,
    owner !== undefined
      ? `name a user of account ${account}: ${String(name)} belongs to ${owner.name}, whose streams are not ${account}'s`
      : `name a user of account ${account} (${known})`,
  );
  return undefined;
}

/** The user may pull from the durable consumer and acknowledge what it gets: the worker role. */
export function checkCanPull(problems: Problems, path: string, user: User, stream: string, durable: string): void {
  const missing = missingPermissions(user, workerPermissions(user.name, stream, durable));
  if (missing.length > 0) {
    problems.add(path, user.name, `give ${user.name} the worker role for consumer ${durable} of ${stream} (worker: { stream: ${stream}, consumer: ${durable} }); it may not ${missing.join(", ")}`);
  }
}

/** The user may publish into the stream's subjects and read the acks: the publisher role. */
export function checkCanPublish(problems: Problems, path: string, user: User, stream: string, subjects: readonly string[]): void {
  const missing = missingPermissions(user, { ...publisherPermissions(user.name, stream, subjects), publish: [...subjects] });
  if (missing.length > 0) {
    problems.add(path, user.name, `let ${user.name} publish to stream ${stream} (publisher: { stream: ${stream} }, or publish permissions on its subjects); it may not ${missing.join(", ")}`);
  }
}

/**
 * The users backups run as, one pair per account that holds a backed-up stream: `<account>-backup` takes the
 * snapshots (the CronJob and `npm run backup`), `<account>-restore` restores them (the restore Job and
 * `npm run restore`). Both are added to the stack's accounts as plain users with raw permissions, so every
 * back end issues their creds like any other user's, and the local back end proves on a real server that the
 * permissions suffice.
 *
 * Least privilege, per stream of the policy: the backup user may only look the account's JetStream and those
 * streams up and snapshot them (acknowledging the chunks it receives); it can neither publish to a stream's
 * subjects, read a message, nor create, change, purge or delete anything. The restore user may look those
 * streams up, restore them (sending the chunks) and delete one it is asked to replace.
 */
import { AccountSpec, UserSpec } from "./accounts";
import { BackupTarget } from "./backups";
import { inboxSubjects } from "./permissions";

export function backupUserName(account: string): string {
  return `${account}-backup`;
}

export function restoreUserName(account: string): string {
  return `${account}-restore`;
}

function streamsOf(targets: readonly BackupTarget[], account: string): string[] {
  return [...new Set(targets.filter((target) => target.account === account).map((target) => target.stream))];
}

/** What the backup user of `account` may publish and subscribe to, for the targets' streams. */
export function backupUserPermissions(account: string, targets: readonly BackupTarget[]): { publish: string[]; subscribe: string[] } {
  const streams = streamsOf(targets, account);
  return {
    publish: ["$JS.API.INFO", ...streams.flatMap((stream) => [`$JS.API.STREAM.INFO.${stream}`, `$JS.API.STREAM.SNAPSHOT.${stream}`, `$JS.SNAPSHOT.ACK.${stream}.>`])],
    subscribe: [inboxSubjects(backupUserName(account))],
  };
}

/** What the restore user of `account` may publish and subscribe to, for the targets' streams. */
export function restoreUserPermissions(account: string, targets: readonly BackupTarget[]): { publish: string[]; subscribe: string[] } {
  const streams = streamsOf(targets, account);
  return {
    publish: [
      "$JS.API.INFO",
      ...streams.flatMap((stream) => [`$JS.API.STREAM.INFO.${stream}`, `$JS.API.STREAM.RESTORE.${stream}`, `$JS.API.STREAM.DELETE.${stream}`, `$JS.SNAPSHOT.RESTORE.${stream}.>`]),
    ],
    subscribe: [inboxSubjects(restoreUserName(account))],
  };
}

/** The backup users' names of every account with targets, for a check that no declared user takes one. */
export function backupUserNames(targets: readonly BackupTarget[]): string[] {
  return [...new Set(targets.map((target) => target.account))].flatMap((account) => [backupUserName(account), restoreUserName(account)]);
}

/** The accounts with the backup and restore users added to each account that holds a target. */
export function withBackupUsers(accounts: readonly AccountSpec[], targets: readonly BackupTarget[]): AccountSpec[] {
  return accounts.map((account) => {
    if (!targets.some((target) => target.account === account?.name) || !Array.isArray(account.users ?? [])) return account;
    const declared = new Set((account.users ?? []).map((user) => user?.name));
    const user = (name: string, permissions: { publish: string[]; subscribe: string[] }): UserSpec => ({ name, permissions: { ...permissions, allowResponses: false }, connectionTypes: ["STANDARD"] });
    const users = [
      user(backupUserName(account.name), backupUserPermissions(account.name, targets)),
      user(restoreUserName(account.name), restoreUserPermissions(account.name, targets)),
    ].filter((user) => !declared.has(user.name));
    return { ...account, users: [...(account.users ?? []), ...users] };
  });
}

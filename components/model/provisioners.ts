/**
 * The user the NACK controller creates an account's streams, consumers and buckets as: one per account, since
 * a stream is created in the account of the user that creates it. The model adds it to every account that
 * holds an object created with creds, so both back ends have it: the Kubernetes back end mounts its creds
 * into the NACK controller, the local back end creates the streams through it and so proves on a real
 * server that its permissions suffice.
 *
 * The other roles are least privilege on purpose: a publisher only publishes into its stream and a worker
 * only pulls from its consumer, so neither can create or change a stream. The provisioner may create and
 * look up the account's streams and consumers (provisionerPermissions) and nothing else: it can neither
 * publish into a stream's subjects nor get messages from, purge or delete a stream (though a push consumer
 * of its own can deliver them, see provisionerPermissions), and nats-server confines it to its account's
 * JetStream.
 */
import { AccountSpec, User, UserSpec } from "./accounts";
import { provisionerPermissions } from "./permissions";
import { subjectWithinAny } from "./subjects";

/** The provisioner's name in an account: `<account>-nack`. */
export function jetStreamProvisionerName(account: string): string {
  return `${account}-nack`;
}

/** The provisioner of an account, as a stack would declare it. */
export function jetStreamProvisioner(account: string): UserSpec {
  return { name: jetStreamProvisionerName(account), provisioner: true, connectionTypes: ["STANDARD"] };
}

/** What the user lacks of the provisioner's permissions, as "publish x" and "subscribe y"; empty when it can manage the account's streams. */
export function missingProvisionerPermissions(user: User): string[] {
  const needed = provisionerPermissions();
  return [
    ...needed.publish.filter((subject) => !subjectWithinAny(subject, user.permissions.publish)).map((subject) => `publish ${subject}`),
    ...needed.subscribe.filter((subject) => !subjectWithinAny(subject, user.permissions.subscribe)).map((subject) => `subscribe ${subject}`),
  ];
}

/**
 * The accounts with a provisioner added to each one named in `owners`, unless a user of that name is already
 * there: for a stack, its provisioning's `provisionerAccounts`.
 */
export function withProvisionersFor(accounts: readonly AccountSpec[], owners: readonly string[]): AccountSpec[] {
  return accounts.map((account) => {
    const name = jetStreamProvisionerName(account?.name);
    if (!owners.includes(account?.name) || !Array.isArray(account.users ?? []) || (account.users ?? []).some((user) => user?.name === name)) return account;
    return { ...account, users: [...(account.users ?? []), jetStreamProvisioner(account.name)] };
  });
}

/** The accounts with a provisioner added to each account that holds a stream or bucket (see withProvisionersFor). */
export function withJetStreamProvisioners(
  accounts: readonly AccountSpec[],
  jetStream: { streams?: readonly { account: string }[]; keyValues?: readonly { account: string }[] },
): AccountSpec[] {
  return withProvisionersFor(accounts, [...(jetStream.streams ?? []), ...(jetStream.keyValues ?? [])].map((holder) => holder.account));
}

/**
 * Accounts whose objects are created with creds: every account holding a stream or bucket in a cluster that
 * runs with auth (not a leaf site's default account).
 */
export function provisionerAccountNames(
  objects: readonly { account: string; cluster: string }[],
  targets: readonly { cluster: { name: string }; defaultAccount: string | undefined }[],
): string[] {
  const withAuth = new Set(targets.filter((target) => target.defaultAccount === undefined).map((target) => target.cluster.name));
  return [...new Set(objects.filter((object) => withAuth.has(object.cluster)).map((object) => object.account))];
}

/**
 * The user the NACK controller creates an account's streams, consumers and buckets as: one per account,
 * since a stream is created in the account of the user that creates it.
 *
 * The roles of the model are least-privilege on purpose: a publisher only publishes into its stream and a
 * worker only pulls from its consumer, so neither can create or change a stream. The provisioner may use
 * the JetStream API for streams and consumers of its own account and nothing else: it can neither publish
 * into a stream's subjects nor purge the account, and nats-server confines it to its account's JetStream.
 */
import { AccountSpec, User, UserSpec } from "../model/accounts";
import { INBOX_SUBJECTS, Permissions } from "../model/permissions";
import { missingPermissions } from "./user-roles";

/** The JetStream API subjects stream, consumer and bucket management uses; a bucket is a stream to the API. */
export const JETSTREAM_PROVISIONER_PERMISSIONS: Readonly<Permissions> = {
  publish: ["$JS.API.INFO", "$JS.API.STREAM.>", "$JS.API.CONSUMER.>"],
  subscribe: [INBOX_SUBJECTS],
  allowResponses: false,
};

export function jetStreamProvisionerName(account: string): string {
  return `${account}-nack`;
}

export function jetStreamProvisioner(account: string): UserSpec {
  return {
    name: jetStreamProvisionerName(account),
    permissions: { publish: [...JETSTREAM_PROVISIONER_PERMISSIONS.publish], subscribe: [...JETSTREAM_PROVISIONER_PERMISSIONS.subscribe] },
    connectionTypes: ["STANDARD"],
  };
}

/** What the user lacks of the provisioner's permissions; empty when it can manage the account's streams. */
export function missingProvisionerPermissions(user: User): string[] {
  return missingPermissions(user, JETSTREAM_PROVISIONER_PERMISSIONS);
}

/**
 * The accounts with a provisioner added to each account that holds a stream or bucket, unless a user of
 * that name is already there. Call it on the stack's accounts before NatsCredentials, so the provisioner
 * gets creds that JetStreamResources can mount.
 */
export function withJetStreamProvisioners(accounts: readonly AccountSpec[], jetStream: { streams?: readonly { account: string }[]; keyValues?: readonly { account: string }[] }): AccountSpec[] {
  return withProvisionersFor(accounts, [...(jetStream.streams ?? []), ...(jetStream.keyValues ?? [])].map((holder) => holder.account));
}

/**
 * The accounts with a provisioner added to each named one, unless a user of that name is already there: for
 * a stack, the model's `stackProvisioning(stack).provisionerAccounts`.
 */
export function withProvisionersFor(accounts: readonly AccountSpec[], owners: readonly string[]): AccountSpec[] {
  return accounts.map((account) => {
    const name = jetStreamProvisionerName(account.name);
    if (!owners.includes(account.name) || (account.users ?? []).some((user) => user.name === name)) return account;
    return { ...account, users: [...(account.users ?? []), jetStreamProvisioner(account.name)] };
  });
}

/**
 * The NatsCredentials component: operator, accounts and users for operator mode, with their key material
 * kept in Pulumi state as RandomBytes (secret). Everything else is derived from those bytes by the pure
 * generator, so an unchanged stack yields byte-identical JWTs and a preview shows no change.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { resolveAccounts } from "../model/account-resolution";
import type { ConfSection } from "../kubernetes/cluster/cluster-args";
import { Account, AccountSpec, AccountStream } from "../model/accounts";
import { ClusterSpec, resolveCluster } from "../model/cluster";
import { Problems } from "../model/errors";
import { Grants, withGrants } from "../model/leaf-grants";
import { checkInputs } from "../pulumi-errors";
import { generateCredentials } from "./generate";
import { KEY_BYTES, KeyEntity, keyEntities } from "./keys";
import { createCredsSecrets, CredsSecretsArgs } from "./secrets";

export const NATS_CREDENTIALS_TYPE = "nats-jetstream:index:NatsCredentials";

/** What NatsCredentials takes: the cluster, the accounts with their users, the streams their permissions name, and where to put creds Secrets. */
export interface NatsCredentialsArgs {
  /**
   * The cluster the accounts run on, as JetStreamCluster is given it: accounts that name no JetStream storage
   * share its stores. Plain, not an Input: the accounts decide how many keys exist.
   */
  cluster: ClusterSpec;
  /** The stack's accounts and their users. The system account SYS, with its user `sys`, is always added. */
  accounts?: AccountSpec[];
  /** The stack's streams, which publisher and worker users name. */
  streams?: AccountStream[];
  /**
   * Permissions the topology adds to users beyond their own, by user name: what a leaf site's hub streams and
   * clients need of its leaf user (see leafUserGrants).
   */
  grants?: Grants;
  /** Operator name written into the operator JWT. Default: the component's name. */
  operatorName?: string;
  /** Changing this value issues a new operator key, and with it new JWTs for every account and user. */
  operatorRotation?: string;
  /** Create one Kubernetes Secret per user holding its creds. Left out, no Secret is created. */
  secrets?: CredsSecretsArgs;
}

/** The accounts the args describe, resolved; an InputPropertiesError naming every problem otherwise. */
export function checkCredentialsArgs(args: NatsCredentialsArgs): Account[] {
  return checkInputs(() => {
    const problems = new Problems();
    const cluster = resolveCluster(args.cluster, "cluster", problems);
    // The accounts' storage is checked against the cluster's stores, which mean nothing while it is invalid.
    const accounts = problems.count === 0 ? withGrants(resolveAccounts(args.accounts, { cluster, streams: args.streams }, "accounts", problems), args.grants ?? {}) : [];
    if (args.operatorRotation !== undefined && args.operatorRotation.trim() === "") {
      problems.add("operatorRotation", args.operatorRotation, 'use a non-empty text such as "2026-11"; change it to issue a new operator key');
    }
    problems.throwIfAny();
    return accounts;
  });
}

/** Pulumi name of an entity's RandomBytes. Each id kind has its own word, so no two entities share a name. */
function keyResourceName(component: string, entity: KeyEntity): string {
  const [kind, name] = entity.id.split(":");
  return name === undefined ? `${component}-${kind}-key` : `${component}-${kind}-key-${name}`;
}

/**
 * Each component's resolved accounts. Kept beside the class rather than in a field: the package's schema
 * lists every field as an output, and a model object is no output another language could read.
 */
const resolvedAccounts = new WeakMap<NatsCredentials, Account[]>();

/** The operator, the accounts and their users of operator mode, with their keys, JWTs and creds. */
export class NatsCredentials extends pulumi.ComponentResource {
  /** Every user's name, plain: one creds Secret each. */
  readonly userNames: string[];
  /** The operator's public key, which every server trusts. */
  readonly operatorPublicKey: pulumi.Output<string>;
  /** The system account's public key. */
  readonly systemAccountPublicKey: pulumi.Output<string>;
  /** Public key of each account, by account name. */
  readonly accountPublicKeys: pulumi.Output<Record<string, string>>;
  /** Public key of each user, by user name. */
  readonly userPublicKeys: pulumi.Output<Record<string, string>>;
  /** Each user's JWT, by user name. Public: without the seed it authenticates no one. */
  readonly userJwts: pulumi.Output<Record<string, string>>;
  /** The operator-mode nats.conf section (operator, system account, resolver preload): JWTs only, fit for a ConfigMap. */
  readonly confSection: pulumi.Output<ConfSection>;
  /** Each user's `.creds` text, by user name. Secret. */
  readonly userCreds: pulumi.Output<Record<string, string>>;
  /** Name of each user's creds Secret, by user name; undefined when no Secrets were asked for. */
  readonly secretNames: pulumi.Output<Record<string, string>> | undefined;

  constructor(name: string, args: NatsCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const accounts = checkCredentialsArgs(args);
    super(NATS_CREDENTIALS_TYPE, name, {}, opts);
    resolvedAccounts.set(this, accounts);
    this.userNames = accounts.flatMap((account) => account.users.map((user) => user.name));

    const entities = keyEntities(accounts, args.operatorRotation);
    const keyMaterial = entities.map(
      (entity) =>
        new random.RandomBytes(keyResourceName(name, entity), { length: KEY_BYTES, keepers: { rotation: entity.rotation } }, { parent: this }).base64,
    );
    const operatorName = args.operatorName ?? name;
    // Secret, as the key material it comes from; the public parts are unwrapped below on purpose.
    const generated = pulumi.all(keyMaterial).apply((encoded) =>
      generateCredentials(
        accounts,
        Object.fromEntries(entities.map((entity, index) => [entity.id, new Uint8Array(Buffer.from(encoded[index], "base64"))])),
        { operatorName },
      ),
    );
    // Only public keys and JWTs: unwrapped from the key material's secrecy on purpose, they stay readable in
    // outputs and may go into a ConfigMap. Each field is picked by name, so nothing secret comes along.
    const published = pulumi.unsecret(
      generated.apply((credentials) => ({
        operatorPublicKey: credentials.operatorPublicKey,
        systemAccount: credentials.systemAccount,
        accountPublicKeys: Object.fromEntries(credentials.accounts.map((account) => [account.name, account.publicKey])),
        userPublicKeys: Object.fromEntries(credentials.users.map((user) => [user.name, user.publicKey])),
        userJwts: Object.fromEntries(credentials.users.map((user) => [user.name, user.jwt])),
        confSection: credentials.confSection,
      })),
    );
    this.operatorPublicKey = published.operatorPublicKey;
    this.systemAccountPublicKey = published.systemAccount;
    this.accountPublicKeys = published.accountPublicKeys;
    this.userPublicKeys = published.userPublicKeys;
    this.userJwts = published.userJwts;
    this.confSection = published.confSection;
    this.userCreds = pulumi.secret(generated.apply((credentials) => Object.fromEntries(credentials.users.map((user) => [user.name, user.creds]))));

    this.secretNames = args.secrets ? createCredsSecrets(name, this, args.secrets, { parent: this }).secretNames : undefined;

    this.registerOutputs({
      operatorPublicKey: this.operatorPublicKey,
      systemAccountPublicKey: this.systemAccountPublicKey,
      accountPublicKeys: this.accountPublicKeys,
      userPublicKeys: this.userPublicKeys,
      userJwts: this.userJwts,
      confSection: this.confSection,
      userCreds: this.userCreds,
      secretNames: this.secretNames,
    });
  }

  /** The accounts with every default filled in, SYS first: what TypeScript callers build on (not a package output). */
  get accounts(): Account[] {
    return resolvedAccounts.get(this)!;
  }
}

/**
 * A whole stack: what `stacks/Pulumi.<stack>.yaml` describes under the project's config namespace.
 * The Pulumi program reads it through pulumi.Config; the local and render tools read the same file
 * directly, so the three agree on one description.
 */
import * as fs from "fs";
import * as path from "path";
import { Account, AccountSpec } from "./accounts";
import { AwsSpec, AwsSubstrate, resolveAwsSubstrate } from "./aws-substrate";
import { CostSpec, resolveCostSpec, CostInputs } from "./cost/cost-spec";
import { checkInstanceStorageReplicas } from "./instance-storage";
import { backupUserNames } from "./backup-users";
import { BackupPolicy, BackupsSpec, resolveBackups, BackupTarget } from "./backups";
import { Cloud, CLOUDS } from "./clouds";
import { Cluster, ClusterSpec, resolveCluster } from "./cluster";
import { Problems, ValidationError } from "./errors";
import { JetStreamResourceSet } from "./jetstream-resource-set";
import { jetStreamTargets } from "./jetstream-targets";
import { resolveKubernetesVersion } from "./kubernetes-version";
import { KeyValueSpec } from "./kv";
import { HubAndLeafSpec, resolveHubAndLeaf } from "./leaf";
import { grantLeafUsers } from "./leaf-grants";
import { jetStreamHome, resolveStackAccounts } from "./stack-accounts";
import { PROJECT_NAME, projectKeys, readStackDocument, SECRET_PLACEHOLDER } from "./stack-file";
import { StreamSpec } from "./streams";
import { resolveSuperCluster, SuperClusterSpec } from "./supercluster";
import { Topology, topologyClusters } from "./topology";


/**
 * Everything a stack may describe, each key under the project's config namespace (`nats-jetstream:<key>`).
 * Exactly one of `cluster`, `supercluster` and `hubLeaf` gives the topology; the other keys add to it.
 */
export interface StackSpec {
  /** A single JetStream cluster. */
  cluster?: ClusterSpec;
  /** Clusters in several regions joined by gateways; instead of `cluster`. */
  supercluster?: SuperClusterSpec;
  /** A hub cluster with leaf sites; instead of `cluster`. */
  hubLeaf?: HubAndLeafSpec;
  /**
   * The accounts, one per trust boundary, each with its users. Every cluster runs in operator mode, so a
   * client connects only with the creds of a user declared here; the system account SYS, with its
   * operations user `sys`, is always added.
   */
  accounts?: AccountSpec[];
  /** JetStream streams, each in one of `accounts`, with the durable consumers their workers pull from. */
  streams?: StreamSpec[];
  /** Key-value buckets, each in one of `accounts`. */
  keyValues?: KeyValueSpec[];
  /** Scheduled backups of the file-backed streams and buckets, and where they go. Default: none. */
  backups?: BackupsSpec;
  /**
   * The Kubernetes version the stack deploys to, "MAJOR.MINOR" (e.g. "1.35"). Needed by what Kubernetes
   * provides only from some version on: a supercluster's `zones` need 1.35 or newer.
   */
  kubernetesVersion?: string;
  /** The cloud whose load balancers front the gateway and leafnodes listeners: "aws" makes them internet-facing NLBs. */
  cloud?: Cloud;
  /** With `cloud: aws`: a NATS node pool on an existing EKS cluster and the storage classes the tier needs. */
  aws?: AwsSpec;
  /** Allow file streams and buckets with fewer than 3 replicas on nats-nvme instance storage, whose data dies with its node. Default false. */
  acceptNodeLocalDataLoss?: boolean;
  /** What the cost estimate cannot read from the topology. */
  cost?: CostSpec;
}

/** Every key a stack file may hold, for readers that take them one by one (the Pulumi program's config). */
export const STACK_SPEC_KEYS = ["cluster", "supercluster", "hubLeaf", "accounts", "streams", "keyValues", "backups"] as const satisfies readonly (keyof StackSpec)[];

/** A validated stack. */
export interface Stack {
  /** The stack's name, which the operator is named after. */
  name: string;
  /** Every cluster of the topology. */
  clusters: Cluster[];
  /** One cluster, a supercluster or a hub with leaf sites, by `kind`. */
  topology: Topology;
  /** The cluster streams and buckets land on unless they name another, whose storage the accounts' JetStream limits share (see jetStreamHome). */
  jetStreamHome: Cluster;
  /** The system account SYS first, then the stack's own, every default filled in. */
  accounts: Account[];
  /** The stack's streams (with their consumers) and key-value buckets, every default filled in. */
  jetstream: JetStreamResourceSet;
  /** The node pools and storage classes the stack provisions on AWS; undefined when it asks for none. */
  aws: AwsSubstrate | undefined;
  /** What the cost estimate reads beyond the topology. */
  cost: CostInputs;
  /** The backup policy, when the stack has one. */
  backups: BackupPolicy | undefined;
}


export { PROJECT_NAME, SECRET_PLACEHOLDER };

const TOPOLOGY_KEYS = ["cluster", "supercluster", "hubLeaf"] as const;

function resolveTopology(spec: StackSpec, problems: Problems): Topology | undefined {
  const kubernetesVersion = resolveKubernetesVersion(spec.kubernetesVersion, "kubernetesVersion", problems);
  const given = TOPOLOGY_KEYS.filter((key) => spec[key] !== undefined);
  if (given.length === 0) {
    problems.add("cluster", undefined, "describe a cluster with at least a name and a tier (or a supercluster, or a hubLeaf)");
    return undefined;
  }
  for (const extra of given.slice(1)) {
    problems.add(extra, spec[extra], `describe one topology per stack: ${given[0]} is already given`);
  }
  // The schema reports a cloud it does not know; the listeners are checked as if none were given.
  const cloud = CLOUDS.includes(spec.cloud as Cloud) ? spec.cloud : undefined;
  if (spec.supercluster !== undefined) return { kind: "supercluster", superCluster: resolveSuperCluster(spec.supercluster, "supercluster", problems, kubernetesVersion, cloud) };
  if (spec.hubLeaf !== undefined) {
    // Every site's leaf link binds to a declared account, so a stack without accounts has none to bind to.
    const accounts = Array.isArray(spec.accounts) ? spec.accounts : [];
    return { kind: "hub-leaf", hubAndLeaf: resolveHubAndLeaf(spec.hubLeaf, "hubLeaf", problems, accounts, "accounts", cloud) };
  }
  return { kind: "cluster", cluster: resolveCluster(spec.cluster!, "cluster", problems) };
}

/** A declared user may not take the name of a backup or restore user the backup policy adds. */
function checkBackupUserNames(accounts: AccountSpec[] | undefined, targets: readonly BackupTarget[], problems: Problems): void {
  const taken = backupUserNames(targets);
  (Array.isArray(accounts) ? accounts : []).forEach((account, accountIndex) =>
    (Array.isArray(account?.users) ? account.users : []).forEach((user, userIndex) => {
      if (taken.includes(user?.name)) problems.add(`accounts[${accountIndex}].users[${userIndex}].name`, user.name, `rename the user: the backups policy adds a user of that name to account ${account.name}`);
    }),
  );
}

/** Checks a whole stack; throws a ValidationError naming every problem by its path in the stack file. */
export function resolveStack(name: string, spec: StackSpec): Stack {
  const problems = new Problems();
  const topology = resolveTopology(spec, problems);
  // Without a cluster there is nothing to check the accounts against; the topology's problems say why.
  if (topology === undefined || topologyClusters(topology).length === 0) problems.throwIfAny();
  const home = jetStreamHome(topology!);
  const resolved = resolveStackAccounts(spec, home, problems, jetStreamTargets(topology!));
  const { jetstream } = resolved;
  // Leaf users get what their sites' hub streams and clients need, which only the topology knows.
  const accounts = grantLeafUsers(topology!.kind === "hub-leaf" ? topology!.hubAndLeaf : undefined, resolved.accounts, spec.accounts, jetstream.streams, problems);
  const clusters = topologyClusters(topology!);
  const aws = resolveAwsSubstrate(spec, topology!, problems);
  checkInstanceStorageReplicas(clusters, jetstream, spec.acceptNodeLocalDataLoss === true, problems);
  const cost = resolveCostSpec(spec.cost, "cost", problems);
  const openClusters = jetStreamTargets(topology!).filter((target) => target.defaultAccount !== undefined).map((target) => target.cluster.name);
  const backups = resolveBackups(spec.backups, jetstream, name, problems, "backups", openClusters);
  if (backups !== undefined) checkBackupUserNames(spec.accounts, backups.targets, problems);
  problems.throwIfAny();
  return { name, clusters, topology: topology!, jetStreamHome: home, accounts, jetstream, aws, cost, backups };
}

/**
 * Every config key of a Pulumi stack file, as written (`<namespace>:<key>`). `secure:` values (encrypted
 * by Pulumi) cannot be decrypted without the Pulumi CLI, so they come back as SECRET_PLACEHOLDER. A file
 * that cannot be read as a stack file is a ValidationError naming the file and the line (see readStackDocument).
 */
export function readStackConfig(file: string): Record<string, unknown> {
  return readStackDocument(file);
}

/** The project's own keys of a Pulumi stack file, without the namespace, as written: the schema has not seen them yet. */
export function readStackFile(file: string): StackSpec {
  return projectKeys(readStackDocument(file)) as StackSpec;
}

/** Path of a named stack's file under a project directory. */
export function stackFilePath(projectDir: string, stackName: string): string {
  return path.join(projectDir, "stacks", `Pulumi.${stackName}.yaml`);
}

/** Names of every stack in a project directory. */
export function listStacks(projectDir: string): string[] {
  const dir = path.join(projectDir, "stacks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** Path of a named stack's file; an unknown stack name is a ValidationError listing the known ones. */
export function existingStackFile(projectDir: string, stackName: string): string {
  const file = stackFilePath(projectDir, stackName);
  if (!fs.existsSync(file)) {
    throw new ValidationError([{ path: "stack", value: stackName, allowed: `name one of ${listStacks(projectDir).join(", ") || "(no stacks found)"}` }]);
  }
  return file;
}

/**
 * A whole stack: what `stacks/Pulumi.<stack>.yaml` describes under the project's config namespace.
 * The Pulumi program reads it through pulumi.Config; the local and render tools read the same file
 * directly, so the three agree on one description.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { Cluster, ClusterSpec, resolveCluster } from "./cluster";
import { Problems, ValidationError } from "./errors";
import { HubAndLeafSpec, resolveHubAndLeaf } from "./leaf";
import { resolveSuperCluster, SuperClusterSpec } from "./supercluster";
import { Topology, topologyClusters } from "./topology";

/** The project name, which is also the Pulumi config namespace of every stack key. */
export const PROJECT_NAME = "nats-jetstream";

/** Everything a stack may describe. Later parts (accounts, superclusters, workers) add keys here. */
export interface StackSpec {
  /** A single JetStream cluster. */
  cluster?: ClusterSpec;
  /** Clusters in several regions joined by gateways; instead of `cluster`. */
  supercluster?: SuperClusterSpec;
  /** A hub cluster with leaf sites; instead of `cluster`. */
  hubLeaf?: HubAndLeafSpec;
}

/** A validated stack. */
export interface Stack {
  name: string;
  /** Every cluster of the topology. */
  clusters: Cluster[];
  topology: Topology;
}

/** Marker a `secure:` config value is read as when the stack file is read without Pulumi's secrets provider. */
export const SECRET_PLACEHOLDER = "[secret]";

const TOPOLOGY_KEYS = ["cluster", "supercluster", "hubLeaf"] as const;

function resolveTopology(spec: StackSpec, problems: Problems): Topology | undefined {
  const given = TOPOLOGY_KEYS.filter((key) => spec[key] !== undefined);
  if (given.length === 0) {
    problems.add("cluster", undefined, "describe a cluster with at least a name and a tier (or a supercluster, or a hubLeaf)");
    return undefined;
  }
  for (const extra of given.slice(1)) {
    problems.add(extra, spec[extra], `describe one topology per stack: ${given[0]} is already given`);
  }
  if (spec.supercluster !== undefined) return { kind: "supercluster", superCluster: resolveSuperCluster(spec.supercluster, "supercluster", problems) };
  if (spec.hubLeaf !== undefined) return { kind: "hub-leaf", hubAndLeaf: resolveHubAndLeaf(spec.hubLeaf, "hubLeaf", problems) };
  return { kind: "cluster", cluster: resolveCluster(spec.cluster!, "cluster", problems) };
}

export function resolveStack(name: string, spec: StackSpec): Stack {
  const problems = new Problems();
  const topology = resolveTopology(spec, problems);
  problems.throwIfAny();
  return { name, clusters: topologyClusters(topology!), topology: topology! };
}

function replaceSecureValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(replaceSecureValues);
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure") return SECRET_PLACEHOLDER;
    return Object.fromEntries(entries.map(([key, inner]) => [key, replaceSecureValues(inner)]));
  }
  return value;
}

/**
 * Every config key of a Pulumi stack file, as written (`<namespace>:<key>`). `secure:` values (encrypted
 * by Pulumi) cannot be decrypted without the Pulumi CLI, so they come back as SECRET_PLACEHOLDER.
 */
export function readStackConfig(file: string): Record<string, unknown> {
  const document = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return replaceSecureValues(document.config ?? {}) as Record<string, unknown>;
}

/** The project's own keys of a Pulumi stack file, without the namespace. */
export function readStackFile(file: string): StackSpec {
  const spec: Record<string, unknown> = {};
  const prefix = `${PROJECT_NAME}:`;
  for (const [key, value] of Object.entries(readStackConfig(file))) {
    if (key.startsWith(prefix)) spec[key.slice(prefix.length)] = value;
  }
  return spec as StackSpec;
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

/** Reads and validates a named stack; an unknown stack name is a ValidationError listing the known ones. */
export function loadStack(projectDir: string, stackName: string): Stack {
  const file = stackFilePath(projectDir, stackName);
  if (!fs.existsSync(file)) {
    throw new ValidationError([{ path: "stack", value: stackName, allowed: `name one of ${listStacks(projectDir).join(", ") || "(no stacks found)"}` }]);
  }
  return resolveStack(stackName, readStackFile(file));
}

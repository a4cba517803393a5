/**
 * Valid stacks of every topology and preset to break one field at a time, and what the whole check (schema,
 * contexts, resolvers) says of a broken one.
 */
import * as path from "path";
import { Problem, ValidationError } from "../../components/model/errors";
import { readStackFile, stackFilePath } from "../../components/model/stack";
import { checkStack, StackCheckOptions } from "../../components/stack-check";

// Cases mutate copies of these freely: a stack's keys are plain nested records and lists.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Keys = Record<string, any>;

const PROJECT_DIR = path.resolve(__dirname, "../..");

export const BASES: Record<"cluster" | "jobs" | "supercluster" | "hubLeaf" | "lightdash" | "dagnats", () => Keys> = {
  cluster: () => ({ cluster: { name: "nats", tier: "small" } }),
  jobs: () => readStackFile(stackFilePath(PROJECT_DIR, "small")) as Keys,
  // Gateways crossing Kubernetes clusters need TLS and load balancers that admit only the peers.
  supercluster: () => ({
    supercluster: {
      clusters: ["east", "west"].map((name) => ({
        name,
        tier: "small",
        region: `us-${name}-1`,
        kubernetes: { context: `${name}-ctx` },
        gatewayService: { loadBalancerSourceRanges: ["203.0.113.0/24"] },
      })),
      gatewayTls: { issuer: { name: "nats-links" } },
    },
  }),
  hubLeaf: () => readStackFile(stackFilePath(PROJECT_DIR, "hub-leaf")) as Keys,
  lightdash: () => readStackFile(stackFilePath(PROJECT_DIR, "lightdash")) as Keys,
  dagnats: () => readStackFile(stackFilePath(PROJECT_DIR, "dagnats")) as Keys,
};

/** One bad input: the stack it breaks, how, and the path the refusal must name (and, for an unknown key, the key it suggests). */
export type BadInput = [description: string, base: keyof typeof BASES, breakIt: (keys: Keys) => void, path: string, suggestion?: string];

/** Every problem the whole check finds in `keys`; fails when it finds none. */
export function refusal(keys: Keys, options?: StackCheckOptions): readonly Problem[] {
  try {
    checkStack("test", keys, options);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error("the stack was accepted");
}

/** Breaks a fresh copy of a base stack and returns what the check says of it. */
export function refuseBroken([, base, breakIt]: BadInput, options?: StackCheckOptions): readonly Problem[] {
  const keys = BASES[base]();
  breakIt(keys);
  return refusal(keys, options);
}

/** The refusal names `path`, as an unknown key suggesting `suggestion` when one is given. */
export function expectRefusedAt(problems: readonly Problem[], path: string, suggestion?: string): Problem {
  const found = problems.find((problem) => problem.path === path);
  if (found === undefined) throw new Error(`no problem at ${path}; found ${problems.map((problem) => problem.path).join(", ")}`);
  if (suggestion !== undefined && (found.unknownKey !== true || found.allowed !== `did you mean ${suggestion}?`)) {
    throw new Error(`${path}: expected the unknown key to suggest ${suggestion}, got ${JSON.stringify(found)}`);
  }
  return found;
}

/**
 * Applications described in a stack by a preset (`lightdash`, `dagnats`) bring streams, buckets, users and
 * backups of their own. Expanding them into the stack's plain description first means every back end (the
 * program, the offline render, the local processes) validates and runs the same streams and accounts.
 */
import { AccountSpec } from "../model/accounts";
import { ClusterSpec, resolveCluster } from "../model/cluster";
import { Problems, ValidationError } from "../model/errors";
import { resolveStack, Stack, StackSpec } from "../model/stack";
import { checkDagnats } from "../workloads/dagnats-objects";
import { checkLightdashSwitches } from "../workloads/lightdash-objects";
import { dagnatsAccount, dagnatsBackups, dagnatsBackupsEnabled, DagNatsSettings, dagnatsSpec, dagnatsJetStreamSpecs, dagnatsStoreBudget } from "./dagnats-settings";
import { lightdashAccount, LightdashSettings, lightdashSpec, lightdashStreamSpecs } from "./lightdash-settings";

/** Stack keys that describe applications rather than NATS itself. */
export interface PresetSpec {
  /** Lightdash with its NATS workers: its two job streams and, unless the stack declares it, its account. */
  lightdash?: LightdashSettings;
  /**
   * A DagNATS workflow engine with its task pools: its streams and buckets, the users of its account (added to
   * the account if the stack declares it, else with it), and backups of its history, task queues and buckets.
   */
  dagnats?: DagNatsSettings;
}

export const PRESET_KEYS = ["lightdash", "dagnats"] as const satisfies readonly (keyof PresetSpec)[];

/** The account, or the stack's own account of that name with the preset's users it does not declare itself. */
function withAccount(accounts: AccountSpec[] | undefined, account: AccountSpec | undefined, addUsers: boolean): AccountSpec[] | undefined {
  if (account === undefined) return accounts;
  const declared = (accounts ?? []).find((candidate) => candidate.name === account.name);
  if (declared === undefined) return [...(accounts ?? []), account];
  if (!addUsers) return accounts;
  const named = new Set((declared.users ?? []).map((user) => user.name));
  const users = [...(declared.users ?? []), ...(account.users ?? []).filter((user) => !named.has(user.name))];
  return accounts!.map((candidate) => (candidate === declared ? { ...declared, users } : candidate));
}

/** The single cluster a DagNATS engine runs beside; undefined for the other topologies, which the preset refuses. */
function dagnatsCluster(spec: StackSpec) {
  return spec.cluster === undefined ? undefined : resolveCluster(spec.cluster as ClusterSpec, "cluster", new Problems());
}

function withDagnats(spec: StackSpec, settings: DagNatsSettings): StackSpec {
  const cluster = dagnatsCluster(spec);
  if (cluster === undefined) return spec;
  const jetStream = dagnatsJetStreamSpecs(settings, cluster);
  const backups = dagnatsBackups(spec.backups, settings, jetStream, dagnatsStoreBudget(settings, cluster));
  return {
    ...spec,
    streams: [...(spec.streams ?? []), ...jetStream.streams],
    keyValues: [...(spec.keyValues ?? []), ...jetStream.keyValues],
    accounts: withAccount(spec.accounts, dagnatsAccount(settings, jetStream), true),
    ...(backups !== undefined ? { backups } : {}),
  };
}

/** The stack with every preset's streams, buckets, accounts and backups added. */
export function withPresets(spec: StackSpec, presets: PresetSpec): StackSpec {
  let expanded = spec;
  if (presets.lightdash !== undefined) {
    expanded = {
      ...expanded,
      streams: [...(expanded.streams ?? []), ...lightdashStreamSpecs(presets.lightdash)],
      accounts: withAccount(expanded.accounts, lightdashAccount(presets.lightdash), false),
    };
  }
  if (presets.dagnats !== undefined) expanded = withDagnats(expanded, presets.dagnats);
  return expanded;
}

/** Where the DagNATS preset's own rules are broken: the topology it needs, its backup settings beside the stack's, its pools. */
function checkDagnatsPreset(spec: StackSpec, settings: DagNatsSettings, problems: Problems): void {
  if (spec.cluster === undefined) {
    const topology = spec.supercluster !== undefined ? "supercluster" : spec.hubLeaf !== undefined ? "hubLeaf" : "no cluster";
    problems.add("dagnats", settings.name ?? "dagnats", `use the preset with a single cluster (the cluster key): this stack declares ${topology}`);
  }
  const backups = settings.backups ?? {};
  if (spec.backups !== undefined && backups.enabled !== false) {
    for (const key of ["schedule", "retentionDays", "destination"] as const) {
      if (backups[key] !== undefined) {
        problems.add(`dagnats.backups.${key}`, backups[key], "leave it out: the stack's own backups key sets it, and the preset adds its streams and buckets to that policy");
      }
    }
  }
  // The cluster's URL is the back end's to give; any valid one lets the engine's and the pools' own rules be checked.
  checkDagnats({ ...dagnatsSpec(settings), natsUrl: "nats://localhost:4222" }, "dagnats", problems);
}

/**
 * Validates the stack with its presets expanded. A preset's own rules (Lightdash's NATS needs its warehouse
 * worker; DagNATS runs beside one cluster) are checked first and alone: the stream and user errors that would
 * follow from a broken preset only hide the one thing to fix.
 */
export function resolveStackWithPresets(name: string, spec: StackSpec, presets: PresetSpec): Stack {
  const problems = new Problems();
  if (presets.lightdash !== undefined) checkLightdashSwitches(lightdashSpec(presets.lightdash), "lightdash", problems);
  if (presets.dagnats !== undefined) checkDagnatsPreset(spec, presets.dagnats, problems);
  problems.throwIfAny();
  const presetPolicy = spec.backups === undefined && presets.dagnats !== undefined && dagnatsBackupsEnabled(presets.dagnats);
  try {
    return resolveStack(name, withPresets(spec, presets));
  } catch (error) {
    // A policy the preset brought is reported where it was written: under dagnats.backups, not a backups key the file lacks.
    if (!presetPolicy || !(error instanceof ValidationError)) throw error;
    throw new ValidationError(error.problems.map((problem) => (/^backups(\.|\[|$)/.test(problem.path) ? { ...problem, path: `dagnats.${problem.path}` } : problem)));
  }
}

export * from "./lightdash-settings";
export * from "./dagnats-settings";

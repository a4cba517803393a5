/**
 * Applications described in a stack by a preset (today: `lightdash`) bring streams and users of their own.
 * Expanding them into the stack's plain description first means every back end (the program, the offline
 * render, the local processes) validates and runs the same streams and accounts.
 */
import { Problems } from "../model/errors";
import { resolveStack, Stack, StackSpec } from "../model/stack";
import { checkLightdashSwitches } from "../workloads/lightdash-objects";
import { lightdashAccount, LightdashSettings, lightdashSpec, lightdashStreamSpecs } from "./lightdash-settings";

/** Stack keys that describe applications rather than NATS itself. */
export interface PresetSpec {
  /** Lightdash with its NATS workers: its two job streams and, unless the stack declares it, its account. */
  lightdash?: LightdashSettings;
}

export const PRESET_KEYS = ["lightdash"] as const satisfies readonly (keyof PresetSpec)[];

/** The stack with every preset's streams added, and each preset's account unless the stack declares it itself. */
export function withPresets(spec: StackSpec, presets: PresetSpec): StackSpec {
  if (presets.lightdash === undefined) return spec;
  const account = lightdashAccount(presets.lightdash);
  const declared = (spec.accounts ?? []).some((candidate) => candidate.name === account?.name);
  return {
    ...spec,
    streams: [...(spec.streams ?? []), ...lightdashStreamSpecs(presets.lightdash)],
    accounts: account === undefined || declared ? spec.accounts : [...(spec.accounts ?? []), account],
  };
}

/**
 * Validates the stack with its presets expanded. A preset's own rules (Lightdash's NATS needs its warehouse
 * worker) are checked first and alone: the stream and user errors that would follow from a broken preset
 * only hide the one thing to fix.
 */
export function resolveStackWithPresets(name: string, spec: StackSpec, presets: PresetSpec): Stack {
  const problems = new Problems();
  if (presets.lightdash !== undefined) checkLightdashSwitches(lightdashSpec(presets.lightdash), "lightdash", problems);
  problems.throwIfAny();
  return resolveStack(name, withPresets(spec, presets));
}

export * from "./lightdash-settings";

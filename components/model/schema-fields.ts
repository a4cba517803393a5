/**
 * The kinds of field the stack schema is built from: whole numbers, quantities, durations, names, subjects,
 * image references. Each refuses with the sentence a problem message ends with ("use ..."), and each is
 * bounded, so that nothing nats-server or Kubernetes would refuse reaches a rendered config.
 */
import { z } from "zod";
import { DURATION_PATTERN, DURATION_RULE, parseDurationSeconds } from "./duration";
import { IMAGE_REFERENCE_PATTERN, IMAGE_REFERENCE_RULE, isImageReference } from "./image-reference";
import { DNS_LABEL, dnsLabelRule, NATS_NAME, NATS_NAME_RULE } from "./names";
import { BYTES_PATTERN, CPU_PATTERN, formatBytes, parseBytes, parseMillicores } from "./quantity";
import { isSubject, SUBJECT_RULE } from "./subjects";

const TEBIBYTE = 2 ** 40;

/**
 * Most memory one Kubernetes node can have: AWS EC2's u7in-32tb.224xlarge, the largest machine any of the big
 * clouds rents, has 32 TiB. A pod asking for more is never scheduled, and a nats-server heap or memory store
 * larger than its pod's memory is killed.
 */
export const MAX_NODE_MEMORY = 32 * TEBIBYTE;
/** CPUs of that same largest machine: 896 vCPUs. */
export const MAX_NODE_MILLICORES = 896_000;
/** Largest single block volume: an EBS io2 Block Express volume and a GCE persistent disk both stop at 64 TiB. */
export const MAX_VOLUME_BYTES = 64 * TEBIBYTE;
/** Kubernetes keeps replica counts, ports and periods in 32-bit integers. */
export const MAX_INT32 = 2_147_483_647;
/** nats-server reads a duration into Go's time.Duration, 64-bit nanoseconds: at most about 292 years. */
export const MAX_DURATION_SECONDS = Math.floor((2 ** 63 - 1) / 1e9);
/** Counts nats-server keeps in 64-bit integers and the model in a double: the range exact in both, which also never prints with an exponent. */
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;
/** nats-server refuses a stream or consumer description longer than 4 KiB. */
export const MAX_DESCRIPTION_LENGTH = 4096;
/** Longest free text (rotation markers, context names): longer is a paste mistake, never a name. */
export const MAX_TEXT_LENGTH = 253;

/** `allowed` for every way a whole number can be wrong: not a number, a fraction, out of range. */
export function wholeNumber(min: number, max: number, allowed = `use a whole number from ${min} to ${max}`) {
  return z.int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
}

/** A count limit: -1 for no limit, else a whole number of at least `least`. */
export function countLimit(least: 0 | 1) {
  const allowed = `use a whole number of at least ${least}, or -1 for no limit`;
  return wholeNumber(-1, MAX_COUNT, allowed).refine((value) => value === -1 || value >= least, { error: allowed });
}

/** A boolean written as true or false: YAML text such as "no" is refused, never read as false. */
export function flag() {
  return z.boolean({ error: "use true or false" });
}

/** One of a fixed list of values. */
export function oneOf<T extends string>(values: readonly T[], allowed = `use one of ${values.join(", ")}`) {
  // The model's lists of allowed values are never empty; zod's enum wants that in the type.
  return z.enum(values as unknown as [T, ...T[]], { error: allowed });
}

/** Non-empty text of at most `maxLength` characters. */
export function text(allowed: string, maxLength = MAX_TEXT_LENGTH) {
  return z.string({ error: allowed }).min(1, { error: allowed }).max(maxLength, { error: allowed }).refine((value) => value.trim() !== "", { error: allowed });
}

/** A stream's or consumer's description, within nats-server's limit. */
export function description() {
  return z.string({ error: `use text of at most ${MAX_DESCRIPTION_LENGTH} characters` }).max(MAX_DESCRIPTION_LENGTH, { error: `use text of at most ${MAX_DESCRIPTION_LENGTH} characters` });
}

/** A DNS label of at most `maxLength` characters: what Kubernetes object names and the model's names are. */
export function dnsLabel(maxLength = 63, allowed = dnsLabelRule(maxLength)) {
  return z.string({ error: allowed }).max(maxLength, { error: allowed }).regex(DNS_LABEL, { error: allowed });
}

/** A NATS name: stream, consumer, domain or server name prefix. */
export function natsName() {
  return z.string({ error: NATS_NAME_RULE }).min(1, { error: NATS_NAME_RULE }).max(255, { error: NATS_NAME_RULE }).regex(NATS_NAME, { error: NATS_NAME_RULE });
}

/** A NATS subject or subject pattern. */
export function subject() {
  return z.string({ error: SUBJECT_RULE }).refine(isSubject, { error: SUBJECT_RULE });
}

export const QUANTITY_RULE = 'use a Kubernetes quantity such as "512Mi", "20Gi" or "1Ti"';

/** A memory or storage quantity of at most `max` bytes; `why` ends the message of one that is larger. */
export function byteQuantity(max: number, why: string) {
  return z
    .string({ error: QUANTITY_RULE })
    .regex(BYTES_PATTERN, { error: QUANTITY_RULE })
    .refine((value) => (parseBytes(value) ?? 0) <= max, { error: `use at most ${formatBytes(max)}: ${why}` });
}

export const CPU_RULE = 'use a CPU quantity such as "500m", "1" or "2.5"';

/** A CPU quantity of at most the largest node's CPUs. */
export function cpuQuantity() {
  return z
    .string({ error: CPU_RULE })
    .regex(CPU_PATTERN, { error: CPU_RULE })
    .refine((value) => (parseMillicores(value) ?? 0) <= MAX_NODE_MILLICORES, {
      error: `use at most ${MAX_NODE_MILLICORES / 1000} CPUs, the most any node has (AWS EC2 u7in-32tb.224xlarge)`,
    });
}

/** A Go-style duration nats-server can hold. */
export function duration() {
  return z
    .string({ error: DURATION_RULE })
    .regex(DURATION_PATTERN, { error: DURATION_RULE })
    .refine((value) => (parseDurationSeconds(value) ?? 0) <= MAX_DURATION_SECONDS, {
      error: `use at most ${Math.floor(MAX_DURATION_SECONDS / 3600)}h, the longest duration nats-server can hold`,
    });
}

/** A container image reference the distribution grammar accepts (see image-reference.ts). */
export function imageReference() {
  return z.string({ error: IMAGE_REFERENCE_RULE }).regex(IMAGE_REFERENCE_PATTERN, { error: IMAGE_REFERENCE_RULE }).refine(isImageReference, { error: IMAGE_REFERENCE_RULE });
}

/** A TCP port. */
export function port() {
  return wholeNumber(1, 65535);
}

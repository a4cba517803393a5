/**
 * The rules a backup policy's fields follow, shared by the stack schema and the resolver: a schedule a
 * Kubernetes CronJob runs, and an S3 bucket name S3 accepts.
 */
import { CronExpressionParser } from "cron-parser";

export const CRON_RULE =
  'use a five-field cron schedule (minute hour day-of-month month day-of-week, e.g. "0 3 * * *") or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly';

/** The macros Kubernetes' CronJob controller accepts in place of five fields. */
const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
/** One item of a cron field: a number, '*', '?', or a three-letter month or day name, optionally a range and a step. */
const CRON_ITEM = /^(\*|\?|[0-9]{1,2}|[A-Za-z]{3})(-([0-9]{1,2}|[A-Za-z]{3}))?(\/[0-9]{1,2})?$/;

/**
 * Whether Kubernetes would run `schedule`. cron-parser checks each field's values and ranges; it also reads
 * extensions Kubernetes' parser refuses (a seconds field, 'L', '#', 'W', a TZ= prefix), which the shape check
 * here keeps out first.
 */
export function isCronSchedule(schedule: unknown): schedule is string {
  if (typeof schedule !== "string") return false;
  const trimmed = schedule.trim();
  if (CRON_MACROS.includes(trimmed)) return true;
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5 || !fields.every((field) => field.split(",").every((item) => CRON_ITEM.test(item)))) return false;
  try {
    CronExpressionParser.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

export const S3_BUCKET_RULE =
  "use 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, without '..', not shaped like an IP address, and without the prefixes (xn--, sthree-, amzn-s3-demo-) and suffixes (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3) S3 reserves";

const S3_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const S3_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** S3's naming rules for general purpose buckets. */
export function isS3BucketName(name: unknown): name is string {
  if (typeof name !== "string") return false;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) return false;
  if (name.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(name)) return false;
  return !S3_RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix)) && !S3_RESERVED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

export const S3_PREFIX_RULE = "use a key prefix of letters, digits and '!-_.*'()/', without a leading '/' or '//', at most 512 characters";

/** An object key prefix with only S3's safe characters. */
export function isS3Prefix(prefix: unknown): prefix is string {
  return typeof prefix === "string" && prefix.length <= 512 && /^[A-Za-z0-9!_.*'()\-][A-Za-z0-9!_.*'()/\-]*$/.test(prefix) && !prefix.includes("//");
}

/**
 * Account limits: every one set explicitly, since nats-server reads a limit missing from an account JWT as 0,
 * and JetStream storage sized from what the cluster holds.
 */
import { AccountLimits, AccountLimitsSpec, AccountSpec, UNLIMITED } from "./accounts";
import { Cluster } from "./cluster";
import { Problems } from "./errors";
import { formatBytes, MEBIBYTE, parseBytes } from "./quantity";

const COUNT_RULE = "use a whole number of at least 0, or -1 for no limit";
const QUANTITY_RULE = 'use a Kubernetes quantity such as "512Mi" or "10Gi"';

function checkCount(problems: Problems, path: string, value: unknown): number {
  if (value === undefined) return UNLIMITED;
  if (!Number.isInteger(value) || (value as number) < UNLIMITED) {
    problems.add(path, value, COUNT_RULE);
    return UNLIMITED;
  }
  return value as number;
}

function checkSize(problems: Problems, path: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const bytes = typeof value === "string" ? parseBytes(value) : undefined;
  if (bytes === undefined) problems.add(path, value, QUANTITY_RULE);
  return bytes;
}

/** What the cluster's JetStream can hold in total: every server's store, since account storage counts every replica. */
export function jetStreamCapacity(cluster: Cluster): { memStorage: number; diskStorage: number } {
  return {
    memStorage: cluster.jetstream.maxMemoryStore * cluster.servers,
    diskStorage: cluster.jetstream.maxFileStore * cluster.servers,
  };
}

export type StorageKey = "memStorage" | "diskStorage";
const STORAGE_KEYS: readonly StorageKey[] = ["memStorage", "diskStorage"];
const STORE_OF: Readonly<Record<StorageKey, { option: "maxMemoryStore" | "maxFileStore"; kind: string }>> = {
  memStorage: { option: "maxMemoryStore", kind: "memory" },
  diskStorage: { option: "maxFileStore", kind: "file" },
};

/**
 * Storage limits of every account. nats-server reserves each account's limits out of the server's store and
 * gives an account whose limits do not fit no JetStream at all, so the limits together may not exceed what
 * the cluster holds. Accounts that name no limit share what the others leave, equally.
 */
export function resolveStorage(
  specs: readonly AccountSpec[],
  cluster: Cluster,
  path: string,
  problems: Problems,
): Record<StorageKey, number>[] {
  const capacity = jetStreamCapacity(cluster);
  const resolved = specs.map(() => ({ memStorage: 0, diskStorage: 0 }));
  for (const key of STORAGE_KEYS) {
    const { option, kind } = STORE_OF[key];
    const field = (index: number) => `${path}[${index}].limits.jetstream.${key}`;
    const servers = cluster.servers === 1 ? "1 server" : `${cluster.servers} servers`;
    const holds = `the cluster's ${kind} store (${servers} x jetstream.${option} ${formatBytes(cluster.jetstream[option])})`;
    const given = specs.map((spec, index) => checkSize(problems, field(index), spec?.limits?.jetstream?.[key]));
    let claimed = 0;
    let oneTooLarge = false;
    given.forEach((bytes, index) => {
      if (bytes === undefined) return;
      if (bytes > capacity[key]) {
        problems.add(field(index), specs[index].limits?.jetstream?.[key], `use at most ${formatBytes(capacity[key])}, ${holds}`);
        oneTooLarge = true;
      }
      claimed += bytes;
      resolved[index][key] = bytes;
    });
    if (claimed > capacity[key]) {
      if (!oneTooLarge) {
        problems.add(
          `${path}[*].limits.jetstream.${key}`,
          formatBytes(claimed),
          `keep the accounts' limits together within ${formatBytes(capacity[key])}, ${holds}; nats-server gives an account that does not fit no JetStream`,
        );
      }
      continue;
    }
    const defaulted = given.flatMap((bytes, index) => (bytes === undefined ? [index] : []));
    const share = Math.floor((capacity[key] - claimed) / Math.max(1, defaulted.length) / MEBIBYTE) * MEBIBYTE;
    for (const index of defaulted) {
      if (share === 0) {
        problems.add(field(index), undefined, `set it explicitly: the other accounts' limits leave less than 1Mi each of ${formatBytes(capacity[key])}, ${holds}`);
      }
      resolved[index][key] = share;
    }
  }
  return resolved;
}

export function resolveLimits(spec: AccountLimitsSpec, storage: Record<StorageKey, number>, cluster: Cluster, path: string, problems: Problems): AccountLimits {
  const payload = checkSize(problems, `${path}.payload`, spec.payload) ?? cluster.limits.maxPayload;
  if (payload > cluster.limits.maxPayload) {
    problems.add(`${path}.payload`, spec.payload, `use at most the cluster's limits.maxPayload (${formatBytes(cluster.limits.maxPayload)}); servers refuse larger messages anyway`);
  }
  if (spec.wildcards !== undefined && typeof spec.wildcards !== "boolean") {
    problems.add(`${path}.wildcards`, spec.wildcards, "use true or false");
  }
  const js = spec.jetstream ?? {};
  return {
    conn: checkCount(problems, `${path}.conn`, spec.conn),
    subs: checkCount(problems, `${path}.subs`, spec.subs),
    payload,
    data: checkSize(problems, `${path}.data`, spec.data) ?? UNLIMITED,
    imports: checkCount(problems, `${path}.imports`, spec.imports),
    exports: checkCount(problems, `${path}.exports`, spec.exports),
    wildcards: spec.wildcards !== false,
    leaf: checkCount(problems, `${path}.leaf`, spec.leaf),
    jetstream: {
      ...storage,
      streams: checkCount(problems, `${path}.jetstream.streams`, js.streams),
      consumer: checkCount(problems, `${path}.jetstream.consumer`, js.consumer),
    },
  };
}

/** A count limit must admit what the account itself declares (`what` is singular: "import", "export"). */
export function checkCountCovers(problems: Problems, path: string, limit: number, declared: number, what: string): void {
  if (limit !== UNLIMITED && limit < declared) {
    problems.add(path, limit, `use at least ${declared} (the account declares ${declared} ${what}${declared === 1 ? "" : "s"}) or -1`);
  }
}

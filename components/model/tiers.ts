/**
 * Sizing tiers, from the recommended minimums of the workflow engine's production checklist and the sizing
 * guidance of the NATS operations guide. Every figure here is a default a stack may override.
 */

export type TierName = "dev" | "small" | "medium" | "large";

/** What kind of disk a tier's JetStream volume asks for. */
export type StorageKind = "default" | "ssd" | "nvme";

export interface Tier {
  name: TierName;
  /** Server count used when a stack does not name one. */
  servers: number;
  /** Every server count this tier accepts. */
  allowedServers: readonly number[];
  /** CPU request per server (Kubernetes quantity). */
  cpu: string;
  /** Memory request and limit per server. */
  memory: string;
  /** JetStream volume per server. */
  volumeSize: string;
  storage: StorageKind;
  /** Sync to disk before acknowledging a write (`sync_interval: always`) where the server supports it. */
  syncAlways: boolean;
}

export const TIERS: Readonly<Record<TierName, Tier>> = {
  dev: {
    name: "dev",
    servers: 1,
    allowedServers: [1, 3],
    cpu: "1",
    memory: "512Mi",
    volumeSize: "1Gi",
    storage: "default",
    syncAlways: false,
  },
  small: {
    name: "small",
    servers: 3,
    allowedServers: [3],
    cpu: "2",
    memory: "2Gi",
    volumeSize: "20Gi",
    storage: "ssd",
    syncAlways: true,
  },
  medium: {
    name: "medium",
    servers: 3,
    allowedServers: [3, 5],
    cpu: "4",
    memory: "8Gi",
    volumeSize: "100Gi",
    storage: "ssd",
    syncAlways: true,
  },
  large: {
    name: "large",
    servers: 5,
    allowedServers: [3, 5],
    cpu: "8",
    memory: "16Gi",
    volumeSize: "500Gi",
    storage: "nvme",
    syncAlways: true,
  },
};

export const TIER_NAMES = Object.keys(TIERS) as TierName[];

export function isTierName(value: unknown): value is TierName {
  return typeof value === "string" && (TIER_NAMES as string[]).includes(value);
}

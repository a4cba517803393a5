/**
 * Sizing tiers, from the recommended minimums of the workflow engine's production checklist and the sizing
 * guidance of the NATS operations guide. Every figure here is a default a stack may override.
 */

/** A sizing tier: the figures a cluster starts from (see TIERS). */
export const TierName = {
  /** One server (three allowed), 1 CPU, 512Mi, 1Gi on the default class; acknowledges before fsync. */
  dev: "dev",
  /** Three servers, 2 CPUs, 2Gi, 20Gi on nats-ssd; fsync before ack. */
  small: "small",
  /** Three servers (five allowed), 4 CPUs, 8Gi, 100Gi on nats-ssd; fsync before ack. */
  medium: "medium",
  /** Five servers (three allowed), 8 CPUs, 16Gi, 500Gi on nats-nvme; fsync before ack. */
  large: "large",
} as const;
/** A sizing tier: dev, small, medium or large. */
export type TierName = (typeof TierName)[keyof typeof TierName];

/** What kind of disk a tier's JetStream volume asks for. */
export const StorageKind = {
  /** The Kubernetes cluster's default StorageClass. */
  default: "default",
  /** Network SSD volumes (the nats-ssd class). */
  ssd: "ssd",
  /** Local NVMe volumes (the nats-nvme class). */
  nvme: "nvme",
} as const;
/** What kind of disk a tier's JetStream volume asks for. */
export type StorageKind = (typeof StorageKind)[keyof typeof StorageKind];

export interface Tier {
  name: TierName;
  /** Server count used when a stack does not name one. */
  servers: number;
  /** Every server count this tier accepts. */
  allowedServers: number[];
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

/**
 * The cost estimate of every shipped stack, pinned against figures worked out by hand from the price table:
 * each line and the total, to the cent.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { estimateCost } from "../../components/model/cost/estimate";
import { runsPerDay } from "../../components/model/cost/backup-storage";
import { BackupsSpec } from "../../components/model/backups";
import { checkStack } from "../../components/stack-check";
import { costDrivers, costMarkdown } from "../../components/model/cost/format";
import { PRICES } from "../../components/model/cost/prices";
import { listStacks } from "../../components/model/stack";
import { loadCheckedStack } from "../../components/stack-check";

const ROOT = path.resolve(__dirname, "../..");
const HOURS = 730;
const MONTH_SECONDS = HOURS * 3600;
const round = (value: number) => Math.round(value * 100) / 100;

// Prices as the table holds them, restated so that a changed table fails here until the figures are redone.
const FARGATE = { vcpu: 0.04048, gb: 0.004445 };
const GP3_GB = 0.08;
/** Servers priced by what they request: count × (CPUs × vCPU-hour + GiB × GB-hour) × 730 h. */
const requested = (count: number, cpus: number, gib: number) => round(count * (cpus * FARGATE.vcpu + gib * FARGATE.gb) * HOURS);
/** GB written in a month at a rate in bytes per second. */
const gbWritten = (bytesPerSecond: number) => (bytesPerSecond * MONTH_SECONDS) / 1e9;

const SMALL_SERVERS = requested(3, 2, 2); // 196.77
const SMALL_STORAGE = round(3 * 20 * GP3_GB); // 4.80
const DEV_SERVERS = requested(1, 1, 0.5); // 31.17
/** A backup claim of `gib` GiB, priced as gp3 at its size. */
const backupClaim = (gib: number) => round(gib * GP3_GB);
const S3_STANDARD_GB = 0.023;

/** Each shipped stack's lines (per month, in order) and total. */
const EXPECTED: Record<string, { lines: number[]; total: number }> = {
  dev: { lines: [DEV_SERVERS, 0.08, 0], total: 31.25 },
  small: { lines: [SMALL_SERVERS, SMALL_STORAGE, backupClaim(50), 0], total: 205.57 },
  // gp3 at the medium tier's 6000 IOPS and 250 MiB/s: 3000 and 125 above the included baseline.
  medium: { lines: [requested(3, 4, 8), round(3 * (100 * GP3_GB + 3000 * 0.005 + 125 * 0.04)), backupClaim(200), 0], total: 532.48 },
  // Without a pool, nats-nvme servers are priced as the large tier's AWS type, i4i.4xlarge.
  large: { lines: [round(5 * 1.373 * HOURS), 0, backupClaim(1024), 0], total: 5093.37 },
  "large-aws": { lines: [round(5 * 1.373 * HOURS), 0, round(gbWritten(2 * 2 ** 20) * 3 * 0.02)], total: 5342.13 },
  lightdash: { lines: [SMALL_SERVERS, SMALL_STORAGE, 0], total: 201.57 },
  dagnats: { lines: [SMALL_SERVERS, SMALL_STORAGE, backupClaim(20), 0], total: 203.17 },
  supercluster: {
    lines: [SMALL_SERVERS, SMALL_SERVERS, SMALL_SERVERS, SMALL_STORAGE, SMALL_STORAGE, SMALL_STORAGE, round(gbWritten(2 ** 20) * 3 * 0.02), round(gbWritten(2 ** 20) * 2 * 0.02), round(3 * 0.0225 * HOURS)],
    total: 929.56,
  },
  "hub-leaf": {
    lines: [SMALL_SERVERS, DEV_SERVERS, DEV_SERVERS, SMALL_STORAGE, 0.08, 0.08, round(gbWritten(256 * 1024) * 3 * 0.02), round(gbWritten(256 * 1024) * 2 * 0.09), round(0.0225 * HOURS)],
    total: 445.83,
  },
};

describe("the cost estimate", () => {
  it("covers every shipped stack", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(listStacks(ROOT));
  });

  it.each(Object.entries(EXPECTED))("of %s matches the figures worked out by hand", (name, expected) => {
    const estimate = estimateCost(loadCheckedStack(ROOT, name));
    expect(estimate.lines.map((line) => line.monthly)).toEqual(expected.lines);
    expect(estimate.total).toBe(expected.total);
    expect(round(expected.lines.reduce((sum, value) => sum + value, 0))).toBe(expected.total);
  });

  it("prices from the one dated table, and names its date and source", () => {
    const estimate = estimateCost(loadCheckedStack(ROOT, "large-aws"));
    expect(estimate.priceDate).toBe(PRICES.date);
    expect(PRICES.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const markdown = costMarkdown(estimate).join("\n");
    expect(markdown).toContain(`as of ${PRICES.date}`);
    expect(markdown).toContain("aws.amazon.com/ec2/pricing/on-demand");
    expect(markdown).toContain("| **total** | | | **$5,342.13** |");
  });

  it("shows what drives the cost: gateways and leaf links as egress of their own, storage by class", () => {
    const supercluster = estimateCost(loadCheckedStack(ROOT, "supercluster"));
    expect(supercluster.lines.map((line) => line.item)).toContain("gateway egress: every write to 2 other region(s)");
    expect(costDrivers(supercluster)).toBe("servers 64%, transfer 30%, load balancers 5%, storage 2%");
    const hubLeaf = estimateCost(loadCheckedStack(ROOT, "hub-leaf"));
    expect(hubLeaf.lines.map((line) => line.item)).toContain("leaf egress: every write to 2 site(s) over the internet");
    const medium = estimateCost(loadCheckedStack(ROOT, "medium"));
    expect(medium.lines[1]).toMatchObject({ category: "storage", item: "nats: 3 × 100Gi on nats-ssd (gp3)" });
  });

  it("prices backups on a claim as gp3 at the claim's size, per cluster that holds backed-up streams", () => {
    const small = estimateCost(loadCheckedStack(ROOT, "small"));
    expect(small.lines.find((line) => line.category === "backups")).toMatchObject({ item: "nats: backup claim of 50Gi on the default class, priced as gp3", basis: "50 GB × $0.08", monthly: 4 });
    expect(small.byCategory.backups).toBe(4);
  });

  it("prices backups in an S3 bucket at S3 Standard for the most the kept runs can hold, and leaves a store outside AWS unpriced", () => {
    const stackWith = (backups: BackupsSpec) =>
      checkStack("shop", {
        cluster: { name: "nats", tier: "small" },
        accounts: [{ name: "shop", users: [{ name: "api", publisher: { stream: "ORDERS" } }] }],
        streams: [{ name: "ORDERS", account: "shop", subjects: ["orders.>"], maxBytes: "1Gi" }],
        backups,
      });
    // Four runs a day kept for 7 days: 28 backups of at most ORDERS's 1 GiB (1.073741824 GB).
    const created = estimateCost(stackWith({ schedule: "0 */6 * * *", retentionDays: 7, destination: { s3: { bucket: "nats-backups", create: { eksCluster: "prod" } } } }));
    const line = created.lines.find((candidate) => candidate.category === "backups");
    expect(line).toMatchObject({ item: "nats: backups in s3://nats-backups/shop, at most 28 kept (0 */6 * * * for 7 days)", monthly: round(28 * 1.073741824 * S3_STANDARD_GB) });
    const elsewhere = estimateCost(stackWith({ schedule: "@daily", retentionDays: 7, destination: { s3: { bucket: "nats-backups", existing: { endpoint: "https://minio.example:9000", credentialsSecret: "minio" } } } }));
    expect(elsewhere.lines.find((candidate) => candidate.category === "backups")).toMatchObject({ basis: "an S3-compatible store outside AWS, not priced", monthly: 0 });
    expect(estimateCost(loadCheckedStack(ROOT, "supercluster")).lines.some((candidate) => candidate.category === "backups")).toBe(false);
  });

  it.each([
    ["0 3 * * *", 1],
    ["@hourly", 24],
    ["*/5 * * * *", 288],
    ["0 3 1 * *", 12 / 365],
    ["30 2 * * 1", 52 / 365],
  ])("counts schedule %s as %d runs a day", (schedule, perDay) => {
    expect(runsPerDay(schedule)).toBeCloseTo(perDay, 6);
  });
});

/**
 * A stack's monthly cost on AWS, from the one price table (prices.ts): what its servers run on, what its
 * volumes hold, where its backups are kept, what its writes send across zones, regions and leaf links, and
 * its load balancers. Storage and egress are what grow with the data, so they are itemised: servers by
 * instance type and count (or, for a cluster without a node pool, by the CPU and memory its servers
 * request), storage by class and size, transfer from the write rate the stack declares.
 */
import { AWS_DEFAULT_INSTANCE_TYPES, GP3_PERFORMANCE, NodePoolPlan } from "../aws-substrate";
import { Cluster, STORAGE_CLASS_FOR } from "../cluster";
import { GIBIBYTE, parseMillicores } from "../quantity";
import type { Stack } from "../stack";
import { backupLines } from "./backup-storage";
import { PRICES } from "./prices";

/** What a line of the estimate counts. */
export type CostCategory = "servers" | "storage" | "backups" | "transfer" | "load balancers";

/** One line of the estimate. */
export interface CostLine {
  category: CostCategory;
  /** What is priced, e.g. "nats: 5 × i4i.4xlarge". */
  item: string;
  /** How the figure comes from the table, e.g. "5 × $1.373/h × 730 h". */
  basis: string;
  /** US dollars a month, to the cent. */
  monthly: number;
}

/** A stack's estimate, with the table it was priced from. */
export interface CostEstimate {
  stack: string;
  priceDate: string;
  priceRegion: string;
  source: string;
  lines: CostLine[];
  /** Sum of the lines, to the cent. */
  total: number;
  /** Dollars a month by category, for the share each driver takes. */
  byCategory: Record<CostCategory, number>;
}

const cents = (value: number) => Math.round(value * 100) / 100;
const dollars = (value: number) => `$${value}`;
/** Seconds in AWS's 730-hour month. */
const SECONDS_PER_MONTH = PRICES.hoursPerMonth * 3600;

function instanceLine(cluster: string, count: number, type: string, note: string): CostLine {
  const price = PRICES.instanceHour[type];
  return { category: "servers", item: `${cluster}: ${count} × ${type}${note}`, basis: `${count} × ${dollars(price)}/h × ${PRICES.hoursPerMonth} h`, monthly: cents(count * price * PRICES.hoursPerMonth) };
}

function serverLine(cluster: Cluster, pool: NodePoolPlan | undefined): CostLine {
  if (pool !== undefined) return instanceLine(cluster.name, pool.nodes, pool.instanceType.name, "");
  // Without a pool, nats-nvme still needs instance storage, which no price per CPU includes: the servers are priced as the tier's AWS type.
  if (cluster.storageClass === STORAGE_CLASS_FOR.nvme) return instanceLine(cluster.name, cluster.servers, AWS_DEFAULT_INSTANCE_TYPES[cluster.tier.name], " (the tier's type on AWS)");
  const cpus = (parseMillicores(cluster.cpu) ?? 0) / 1000;
  const memoryGB = cluster.memoryBytes / GIBIBYTE;
  const hourly = cpus * PRICES.vcpuHour + memoryGB * PRICES.memoryGBHour;
  return {
    category: "servers",
    item: `${cluster.name}: ${cluster.servers} × (${cluster.cpu} CPU, ${cluster.memory}) requested`,
    basis: `${cluster.servers} × (${cpus} × ${dollars(PRICES.vcpuHour)} + ${memoryGB} × ${dollars(PRICES.memoryGBHour)})/h × ${PRICES.hoursPerMonth} h`,
    monthly: cents(cluster.servers * hourly * PRICES.hoursPerMonth),
  };
}

function storageLine(cluster: Cluster): CostLine {
  const sizeGB = cluster.volumeBytes / GIBIBYTE;
  const className = cluster.storageClass ?? "the default class";
  const item = `${cluster.name}: ${cluster.servers} × ${cluster.volumeSize} on ${className}`;
  if (cluster.storageClass === STORAGE_CLASS_FOR.nvme) {
    return { category: "storage", item, basis: "the instances' own NVMe disks, in the servers' price", monthly: 0 };
  }
  const { gp3 } = PRICES;
  // nats-ssd is priced as the class the AWS substrate creates; any other class as gp3 at its included baseline.
  const performance = cluster.storageClass === STORAGE_CLASS_FOR.ssd ? GP3_PERFORMANCE[cluster.tier.name] ?? GP3_PERFORMANCE.medium! : { iops: gp3.includedIops, throughput: gp3.includedThroughput };
  const extraIops = Math.max(0, performance.iops - gp3.includedIops);
  const extraThroughput = Math.max(0, performance.throughput - gp3.includedThroughput);
  const perVolume = sizeGB * gp3.gbMonth + extraIops * gp3.iopsMonth + extraThroughput * gp3.throughputMonth;
  const extras = [extraIops > 0 ? ` + ${extraIops} IOPS × ${dollars(gp3.iopsMonth)}` : "", extraThroughput > 0 ? ` + ${extraThroughput} MiB/s × ${dollars(gp3.throughputMonth)}` : ""].join("");
  return { category: "storage", item: `${item} (gp3)`, basis: `${cluster.servers} × (${sizeGB} GB × ${dollars(gp3.gbMonth)}${extras})`, monthly: cents(cluster.servers * perVolume) };
}

/** The most copies any file stream or bucket keeps: each write is sent that many times across zones at most. */
function replicationFactor(stack: Stack): number {
  const replicas = [...stack.jetstream.streams, ...stack.jetstream.keyValues].filter((item) => item.storage === "file").map((item) => item.replicas);
  return replicas.length > 0 ? Math.max(...replicas) : stack.jetStreamHome.jetstream.streamReplicas;
}

function transferLines(stack: Stack): CostLine[] {
  const rate = stack.cost.writeBytesPerSecond;
  if (rate === 0) return [{ category: "transfer", item: "no write rate declared (cost.writeRate)", basis: "—", monthly: 0 }];
  const gbWritten = (rate * SECONDS_PER_MONTH) / 1e9;
  const written = `${gbWritten.toFixed(1)} GB written`;
  const replicas = replicationFactor(stack);
  const lines: CostLine[] = [
    {
      category: "transfer",
      item: `cross-zone replication: R${replicas}`,
      // The leader sends each write to R-1 followers in other zones, and the publish reaches the leader from another zone.
      basis: `${written} × ${replicas} × ${dollars(PRICES.crossZoneGB)}/GB`,
      monthly: cents(gbWritten * replicas * PRICES.crossZoneGB),
    },
  ];
  if (stack.topology.kind === "supercluster") {
    const others = stack.topology.superCluster.members.length - 1;
    lines.push({ category: "transfer", item: `gateway egress: every write to ${others} other region(s)`, basis: `${written} × ${others} × ${dollars(PRICES.interRegionGB)}/GB`, monthly: cents(gbWritten * others * PRICES.interRegionGB) });
  }
  if (stack.topology.kind === "hub-leaf") {
    const sites = stack.topology.hubAndLeaf.sites.length;
    lines.push({ category: "transfer", item: `leaf egress: every write to ${sites} site(s) over the internet`, basis: `${written} × ${sites} × ${dollars(PRICES.internetGB)}/GB`, monthly: cents(gbWritten * sites * PRICES.internetGB) });
  }
  return lines;
}

function loadBalancerLines(stack: Stack): CostLine[] {
  const services =
    stack.topology.kind === "supercluster"
      ? stack.topology.superCluster.members.filter((member) => member.gatewayService.type === "LoadBalancer").map((member) => `${member.cluster.name} gateway`)
      : stack.topology.kind === "hub-leaf" && stack.topology.hubAndLeaf.hub.leafnodesService.type === "LoadBalancer"
        ? [`${stack.topology.hubAndLeaf.hub.cluster.name} leafnodes`]
        : [];
  return services.length === 0
    ? []
    : [{ category: "load balancers", item: `${services.length} NLB (${services.join(", ")})`, basis: `${services.length} × ${dollars(PRICES.nlbHour)}/h × ${PRICES.hoursPerMonth} h, before capacity units`, monthly: cents(services.length * PRICES.nlbHour * PRICES.hoursPerMonth) }];
}

/** The stack's monthly estimate from the price table. */
export function estimateCost(stack: Stack): CostEstimate {
  const pools = new Map((stack.aws?.pools ?? []).map((pool) => [pool.cluster, pool]));
  const lines = [
    ...stack.clusters.map((cluster) => serverLine(cluster, pools.get(cluster.name))),
    ...stack.clusters.map(storageLine),
    ...backupLines(stack),
    ...transferLines(stack),
    ...loadBalancerLines(stack),
  ];
  const byCategory: Record<CostCategory, number> = { servers: 0, storage: 0, backups: 0, transfer: 0, "load balancers": 0 };
  for (const line of lines) byCategory[line.category] = cents(byCategory[line.category] + line.monthly);
  return {
    stack: stack.name,
    priceDate: PRICES.date,
    priceRegion: PRICES.region,
    source: PRICES.source,
    lines,
    total: cents(lines.reduce((sum, line) => sum + line.monthly, 0)),
    byCategory,
  };
}

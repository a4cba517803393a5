/**
 * What `npm run local` reports once a stack is up and checked, as one record: the CLI prints it as tables and
 * sentences, or as JSON, both from this record, so the two never disagree.
 */
import { DEFAULT_INBOX_PREFIX } from "../model/permissions";
import { inOperatorMode } from "../model/jetstream-targets";
import { Stack } from "../model/stack";
import { formatServerVersion } from "../model/version";
import { LocalCredentials } from "./local-credentials";
import { LocalTopology } from "./local-topology-launch";
import { CreatedObject } from "./provision";
import { ServerBinary } from "./server-binary";
import { SmokeCheckResult } from "./smoke-result";
import { connectExamples, formatTopologyLinks, readTopologyLinks, TopologyLinks } from "./stack-status";
import { AccountManager, ClusterStatus, ConnectExample, CredsFile, formatCredsHelp, formatEndpoints, formatStatus, readStatus } from "./status";
import { Monitoring, resolveMonitoring } from "../model/monitoring/monitoring";
import { WatchedFigure } from "../model/monitoring/watch";
import { formatWatchedFigures, readWatchedFigures } from "./watch-readings";

/** A local run of a stack, up and checked. */
export interface RunSummary {
  stack: string;
  /** "cluster", "supercluster" or "hub-leaf". */
  topology: Stack["topology"]["kind"];
  /** The nats-server the run started. */
  serverBinary: { path: string; version: string };
  /** The directory holding every server's files, the creds and the keys, absolute. */
  runDir: string;
  /** The cluster that holds the stack's streams unless one names another. */
  jetStreamHome: string;
  /** Every stream, consumer and bucket the run created, in order. */
  provisioned: CreatedObject[];
  /** Every smoke check's result, in order. */
  checks: SmokeCheckResult[];
  clusters: ClusterStatus[];
  /** Each cluster's key figures from its servers' /varz and /jsz, against the thresholds of the stack's alert rules. */
  watch: { cluster: string; figures: WatchedFigure[] }[];
  links: TopologyLinks;
  /** Every user's creds file, the run's JetStream admins included. */
  creds: CredsFile[];
  /** `nats` CLI commands to try, each with the client URLs it runs against. */
  examples: (ConnectExample & { urls: readonly string[] })[];
}

/** What a run started and did, for readRunSummary to add the servers' state to. */
export interface RunRecord {
  stack: Stack;
  topology: LocalTopology;
  credentials: LocalCredentials;
  binary: ServerBinary;
  runDir: string;
  provisioned: CreatedObject[];
  checks: SmokeCheckResult[];
  /** The JetStream managers of the accounts whose streams a cluster's table lists. */
  managers: (cluster: string) => Promise<AccountManager[]>;
  /** The stack's `monitoring`, resolved; default the production checklist's thresholds. */
  monitoring?: Monitoring;
}

/** Reads the state of every cluster and the links between them, and gathers the run's creds and examples. */
export async function readRunSummary(run: RunRecord): Promise<RunSummary> {
  const { stack, topology, credentials } = run;
  const clusters: ClusterStatus[] = [];
  for (const local of topology.clusters) {
    clusters.push(await readStatus(local, await run.managers(local.name), run.binary.version, inOperatorMode(stack.topology, local.name)));
  }
  const localOnly = new Set(Object.values(credentials.admins));
  const home = topology.cluster(stack.jetStreamHome.name);
  return {
    stack: stack.name,
    topology: stack.topology.kind,
    serverBinary: { path: run.binary.path, version: formatServerVersion(run.binary.version) },
    runDir: run.runDir,
    jetStreamHome: home.name,
    provisioned: run.provisioned,
    checks: run.checks,
    clusters,
    watch: await Promise.all(topology.clusters.map(async (local) => ({ cluster: local.name, figures: await readWatchedFigures(local, run.monitoring ?? resolveMonitoring(undefined, stack.jetstream.streams)) }))),
    links: await readTopologyLinks(stack, topology, credentials),
    creds: credentials.generated.users.map((user) => ({
      user: user.name,
      account: user.account,
      file: credentials.credsFiles[user.name],
      localOnly: localOnly.has(user.name),
      ...(user.inboxPrefix === DEFAULT_INBOX_PREFIX ? {} : { inboxPrefix: user.inboxPrefix }),
    })),
    examples: connectExamples(stack, topology, credentials).map((example) => ({ ...example, urls: example.urls ?? home.clientUrls })),
  };
}

/** The summary as the CLI prints it: each cluster's tables and endpoints, the links, the creds and commands to try. */
export function formatRunSummary(summary: RunSummary, cwd = process.cwd()): string {
  const links = formatTopologyLinks(summary.links, summary.clusters.map((cluster) => cluster.cluster));
  const home = summary.clusters.find((cluster) => cluster.cluster === summary.jetStreamHome)!;
  return [
    ...summary.clusters.flatMap((cluster) => {
      const watched = summary.watch.find((entry) => entry.cluster === cluster.cluster);
      return ["", formatStatus(cluster), ...(watched === undefined ? [] : ["", formatWatchedFigures(cluster.cluster, watched.figures)]), "", formatEndpoints(cluster)];
    }),
    ...(links.length > 0 ? ["", links.join("\n")] : []),
    "",
    formatCredsHelp(summary.creds, summary.examples, home.clientUrls, cwd),
  ].join("\n");
}

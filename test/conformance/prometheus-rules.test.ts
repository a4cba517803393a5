/**
 * The alert rules, checked by the real promtool: `promtool check rules` accepts every rendered rule file of
 * every stack, and `promtool test rules` replays synthetic series through each alert, which must stay quiet
 * just below its threshold, fire at it (after its `for`), and clear once the series falls back. The
 * expected annotations are the rule's own templates filled with the alert's labels, so promtool also proves
 * that every label a description names exists on the alert.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { AlertRule, AlertRuleGroup, CLUSTER_LABEL, poolLagAlertThreshold, ScaledWorkerPool } from "../../components/model/monitoring/alert-rules";
import { dagnatsMonitoredStack, everyMonitoredStack, MonitoredStack, monitoredStack, stackKeys } from "../support/monitored-stacks";

const PROMTOOL = "/usr/bin/promtool";
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-rules-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

function promtool(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { encoding: "utf8", timeout: 30_000, cwd: workDir });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function writeRules(name: string, groups: AlertRuleGroup[]): string {
  const file = path.join(workDir, `${name}.rules.yaml`);
  fs.writeFileSync(file, stringify({ groups }));
  return file;
}

type Labels = Record<string, string>;

/** One input series: its metric and labels, and its samples in promtool's expanding notation. */
interface Series {
  metric: string;
  labels: Labels;
  values: string;
}

/** A gauge just below the threshold, then at it, then below again: 40 one-minute samples each. */
const LEVEL = { phase: 40, quiet: 39, firing: 79, cleared: 119 };
function level(below: number, at: number): string {
  return `${below}+0x39 ${at}+0x39 ${below}+0x39`;
}
function steady(value: number, phases = 3): string {
  return Array.from({ length: phases }, () => `${value}+0x39`).join(" ");
}
// `_xN` is N missing samples, where `a+bxN` is N + 1 samples.
/** Present, absent, present again. */
function gap(): string {
  return "1+0x39 _x40 1+0x39";
}
/** Absent, present, absent again. */
function blip(): string {
  return "_x40 1+0x39 _x40";
}

/** A counter that first grows by `below` at once, later by `at`, then stays: a windowed increase just under, then at the threshold. */
const COUNTER = { quiet: 42, firing: 82, cleared: 122 };
function counter(below: number, at: number): string {
  return `0+0x39 ${below}+0x39 ${below + at}+0x39 ${below + at}+0x39`;
}

interface Scenario {
  /** What the alert pages on, as the test's name says it. */
  title: string;
  stack: MonitoredStack;
  cluster: string;
  alert: string;
  /** Picks the rule among several of the alert's name (one per consumer or remote); default the only one. */
  which?: (rule: AlertRule) => boolean;
  series: Series[];
  times: { quiet: number; firing: number; cleared: number };
  /** The firing alert's labels besides the rule's own (severity and the like). */
  labels: Labels;
}

function seriesText({ metric, labels }: Pick<Series, "metric" | "labels">): string {
  return `${metric}{${Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(", ")}}`;
}

/** A rule's annotation with each `{{ $labels.x }}` filled in; a label the alert lacks is an error. */
function filled(template: string, labels: Labels): string {
  return template.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, name: string) => {
    if (labels[name] === undefined) throw new Error(`the template names $labels.${name}, which the alert does not carry`);
    return labels[name];
  });
}

function ruleOf(scenario: Scenario): AlertRule {
  const groups = scenario.stack.rules.find((entry) => entry.cluster.name === scenario.cluster)!.groups;
  const candidates = groups.flatMap((group) => group.rules).filter((rule) => rule.alert === scenario.alert && (scenario.which?.(rule) ?? true));
  if (candidates.length !== 1) throw new Error(`expected one ${scenario.alert} rule on ${scenario.cluster}, found ${candidates.length}`);
  return candidates[0];
}

function promtoolTest(scenario: Scenario, rulesFile: string): object {
  const rule = ruleOf(scenario);
  // Prometheus drops labels whose value is empty: the alert carries none of them.
  const labels = { ...Object.fromEntries(Object.entries(scenario.labels).filter(([, value]) => value !== "")), ...rule.labels };
  const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([key, text]) => [key, filled(text, { ...labels })]));
  const check = (minutes: number, fires: boolean) => ({
    eval_time: `${minutes}m`,
    alertname: scenario.alert,
    exp_alerts: fires ? [{ exp_labels: labels, exp_annotations: annotations }] : [],
  });
  return {
    rule_files: [rulesFile],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: scenario.series.map((series) => ({ series: seriesText(series), values: series.values })),
        alert_rule_test: [check(scenario.times.quiet, false), check(scenario.times.firing, true), check(scenario.times.cleared, false)],
      },
    ],
  };
}

const jobsKeys = stackKeys("small");
const jobs = monitoredStack(
  "small",
  {
    ...jobsKeys,
    streams: [...(jobsKeys.streams as object[]), { name: "DEAD_LETTERS", account: "app", subjects: ["dead.>"], maxAge: "720h" }],
  },
  { prometheus: true, namespaces: ["monitoring"], deadLetterStreams: ["DEAD_LETTERS"], consumerLag: [{ stream: "JOBS", consumer: "workers" }] },
);
const supercluster = monitoredStack("supercluster", stackKeys("supercluster"));
const hubLeaf = monitoredStack("hub-leaf", stackKeys("hub-leaf"));
const lightdash = monitoredStack("lightdash", stackKeys("lightdash"));
const dagnats = dagnatsMonitoredStack();

const nats = { [CLUSTER_LABEL]: "nats", namespace: "nats" };
const pod = (name: string) => ({ ...nats, pod: name, server_id: `ID-${name}` });
const jsz = (server: string) => ({ ...nats, pod: server, server_id: `ID-${server}`, server_name: server, cluster: "nats", domain: "", meta_leader: "nats-1", is_meta_leader: "false" });
const stream = (name: string) => ({ ...jsz("nats-0"), account: "A-APP", account_name: "app", account_id: "A-APP", stream_name: name, stream_leader: "nats-0", is_stream_leader: "true", stream_raft_group: "S-1" });
const consumer = (streamName: string, durable: string) => ({ ...stream(streamName), consumer_name: durable, consumer_leader: "nats-0", is_consumer_leader: "true", consumer_desc: "" });
const jobsConsumer = consumer("JOBS", "workers");

/** One gauge just below the threshold, then at it, then below again; on the small stack's cluster unless `where` says. */
function onGauge(title: string, alert: string, metric: string, labels: Labels, below: number, at: number, where: Partial<Pick<Scenario, "stack" | "cluster" | "which">> = {}): Scenario {
  return { title, stack: jobs, cluster: "nats", alert, series: [{ metric, labels, values: level(below, at) }], times: LEVEL, labels, ...where };
}

/** Picks the rule of one consumer among those of an alert name. */
const ofConsumer = (durable: string) => (rule: AlertRule) => rule.labels.consumer_name === durable;

/** A figure at `percent` of its limit, then one above it, then back: an alert on the share of a limit. */
function overLimit(title: string, alert: string, labels: Labels, used: string, max: string, limit: number, percent: number): Scenario {
  const at = (limit * percent) / 100;
  return { title, stack: jobs, cluster: "nats", alert, series: [{ metric: used, labels, values: level(at, at + 1) }, { metric: max, labels, values: steady(limit) }], times: LEVEL, labels };
}

const account = { ...jsz("nats-0"), account: "A-APP", account_name: "app", account_id: "A-APP" };

const SCENARIOS: Scenario[] = [
  onGauge("a server Prometheus cannot scrape", "NatsServerDown", "up", pod("nats-0"), 1, 0),
  {
    title: "a cluster with fewer servers up than declared",
    stack: jobs,
    cluster: "nats",
    alert: "NatsClusterBelowSize",
    series: [
      { metric: "up", labels: pod("nats-0"), values: steady(1) },
      { metric: "up", labels: pod("nats-1"), values: steady(1) },
      { metric: "up", labels: pod("nats-2"), values: level(1, 0) },
    ],
    times: LEVEL,
    labels: {},
  },
  {
    title: "a server that sees no meta leader",
    stack: jobs,
    cluster: "nats",
    alert: "NatsNoMetaLeader",
    series: [
      { metric: "nats_server_total_streams", labels: jsz("nats-0"), values: gap() },
      { metric: "nats_server_total_streams", labels: { ...jsz("nats-0"), meta_leader: "" }, values: blip() },
    ],
    times: LEVEL,
    labels: { ...jsz("nats-0"), meta_leader: "" },
  },
  onGauge("a server failing its full /healthz", "NatsServerUnhealthy", "nats_healthz_status", pod("nats-0"), 0, 1),
  overLimit("a server's file storage above 80% of max_file_store", "NatsServerStorageHigh", pod("nats-0"), "nats_varz_jetstream_stats_storage", "nats_varz_jetstream_config_max_storage", 1_000_000, 80),
  overLimit("a server's memory storage above 80% of max_memory_store", "NatsServerMemoryStoreHigh", pod("nats-1"), "nats_varz_jetstream_stats_memory", "nats_varz_jetstream_config_max_memory", 10_000, 80),
  overLimit("memory above 90% of GOMEMLIMIT", "NatsMemoryNearLimit", pod("nats-2"), "nats_varz_mem", "nats_varz_gomemlimit", 1_000_000, 90),
  { title: "a slow consumer disconnected", stack: jobs, cluster: "nats", alert: "NatsSlowConsumers", series: [{ metric: "nats_varz_slow_consumers", labels: pod("nats-0"), values: counter(0, 1) }], times: COUNTER, labels: pod("nats-0") },
  {
    title: "more than 5 JetStream API errors in 5 minutes",
    stack: jobs,
    cluster: "nats",
    alert: "NatsJetStreamApiErrors",
    series: [{ metric: "nats_varz_jetstream_stats_api_errors", labels: pod("nats-0"), values: counter(5, 6) }],
    times: COUNTER,
    labels: pod("nats-0"),
  },
  onGauge("a server with fewer routes than its pool to each peer", "NatsRouteDown", "nats_routez_num_routes", pod("nats-1"), 6, 5),
  overLimit("an account above 80% of its storage limit", "NatsAccountStorageHigh", account, "nats_account_storage_used", "nats_account_max_storage", 100, 80),
  overLimit("a stream above 80% of its max_bytes", "NatsStreamStorageHigh", stream("JOBS"), "nats_stream_total_bytes", "nats_stream_limit_bytes", 5_000, 80),
  onGauge("a consumer with more than 1000 pending", "NatsConsumerPending", "nats_consumer_num_pending", jobsConsumer, 1000, 1001),
  {
    title: "a consumer with pending work and no delivery for over 60s",
    stack: jobs,
    cluster: "nats",
    alert: "NatsConsumerInactive",
    series: [
      { metric: "nats_consumer_last_delivery_seconds", labels: jobsConsumer, values: level(60, 61) },
      { metric: "nats_consumer_num_pending", labels: jobsConsumer, values: steady(5) },
    ],
    times: LEVEL,
    labels: jobsConsumer,
  },
  onGauge("unacknowledged messages at the consumer's maxAckPending", "NatsConsumerAckPendingAtMax", "nats_consumer_num_ack_pending", jobsConsumer, 999, 1000, { which: ofConsumer("workers") }),
  onGauge("redeliveries of a consumer with a bounded maxDeliver", "NatsConsumerRedeliveries", "nats_consumer_num_redelivered", jobsConsumer, 0, 1, { which: ofConsumer("workers") }),
  onGauge("a named consumer lagging more than 500", "NatsConsumerLag", "nats_consumer_num_pending", jobsConsumer, 500, 501),
  {
    title: "a dead-letter stream gaining a message within 30 minutes",
    stack: jobs,
    cluster: "nats",
    alert: "NatsDeadLettersGrowing",
    series: [{ metric: "nats_stream_total_messages", labels: stream("DEAD_LETTERS"), values: counter(0, 1) }],
    times: COUNTER,
    labels: stream("DEAD_LETTERS"),
  },
  {
    title: "a supercluster server without a gateway to another cluster",
    stack: supercluster,
    cluster: "us-east",
    alert: "NatsGatewayDown",
    which: (rule) => rule.expr.includes('remote_gateway_name="eu-west"'),
    series: [
      { metric: "up", labels: { [CLUSTER_LABEL]: "us-east", namespace: "nats", pod: "us-east-0" }, values: steady(1) },
      {
        metric: "nats_gatewayz_outbound_gateway_configured",
        labels: { [CLUSTER_LABEL]: "us-east", namespace: "nats", pod: "us-east-0", server_id: "ID", gateway_name: "us-east", cid: "7", remote_gateway_name: "eu-west" },
        values: gap(),
      },
      {
        metric: "nats_gatewayz_outbound_gateway_configured",
        labels: { [CLUSTER_LABEL]: "us-east", namespace: "nats", pod: "us-east-0", server_id: "ID", gateway_name: "us-east", cid: "8", remote_gateway_name: "ap-south" },
        values: steady(1),
      },
    ],
    times: LEVEL,
    labels: { [CLUSTER_LABEL]: "us-east", namespace: "nats", pod: "us-east-0" },
  },
  onGauge("a leaf site server without a link to its hub", "NatsLeafDown", "nats_leafz_conn_nodes_total", { [CLUSTER_LABEL]: "factory", namespace: "factory", pod: "factory-0", server_id: "ID" }, 1, 0, { stack: hubLeaf, cluster: "factory" }),
];

/** A scaled pool's consumer lagging (pending plus unacknowledged) at its alert threshold, then one above, then back. */
function poolLag(monitored: MonitoredStack, pool: ScaledWorkerPool, labels: Labels): Scenario {
  const threshold = poolLagAlertThreshold(pool);
  return {
    title: `${monitored.name}'s pool ${pool.name} lagging more than ${threshold} on ${labels.consumer_name}, before KEDA runs out of pods`,
    stack: monitored,
    cluster: "nats",
    alert: "NatsWorkerPoolLag",
    which: ofConsumer(labels.consumer_name),
    series: [
      { metric: "nats_consumer_num_pending", labels, values: level(threshold - 3, threshold - 2) },
      { metric: "nats_consumer_num_ack_pending", labels, values: steady(3) },
    ],
    times: LEVEL,
    labels,
  };
}

const [warehousePool] = lightdash.pools;
const [llmPool] = dagnats.pools;
const workflows = (streamName: string, durable: string) => ({ ...consumer(streamName, durable), account_name: "workflows" });
const historyConsumer = workflows("WORKFLOW_HISTORY", "orchestrator");
SCENARIOS.push(
  poolLag(lightdash, warehousePool, { ...consumer("WAREHOUSE_QUERY_JOBS", "worker-warehouse"), account_name: "lightdash" }),
  ...llmPool.consumers.map((task) => poolLag(dagnats, llmPool, workflows(task.stream, task.durable))),
  onGauge("the DagNATS engine's history consumer, which the engine creates itself, lagging more than 500", "NatsConsumerLag", "nats_consumer_num_pending", historyConsumer, 500, 501, { stack: dagnats }),
);

/** The stacks whose rules the scenarios replay. */
const REPLAYED = [jobs, supercluster, hubLeaf, lightdash, dagnats];

describe("promtool check rules", () => {
  it("accepts the rendered rules of every cluster of every stack", () => {
    const files = everyMonitoredStack().flatMap((monitored) => monitored.rules.map(({ cluster, groups }) => writeRules(`${monitored.name}-${cluster.name}`, groups)));
    const result = promtool(["check", "rules", ...files]);
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.status, result.output).toBe(0);
    expect(result.output.match(/SUCCESS: \d+ rules found/g)).toHaveLength(files.length);
  });
});

describe("promtool test rules", () => {
  it("covers every alert name the stacks' rules use", () => {
    const used = new Set(REPLAYED.flatMap((monitored) => monitored.rules.flatMap(({ groups }) => groups.flatMap((group) => group.rules.map((rule) => rule.alert)))));
    expect(new Set(SCENARIOS.map((scenario) => scenario.alert))).toEqual(used);
  });

  it("fires each pool's alert below the lag at which KEDA asks for its most pods, from the lag per pod its ScaledObject aims for", () => {
    expect(warehousePool).toMatchObject({ name: "lightdash-warehouse-worker", maxReplicas: 10, lagThreshold: 100 });
    expect(llmPool).toMatchObject({ name: "dagnats-llm", maxReplicas: 6, lagThreshold: 4 });
    for (const pool of [warehousePool, llmPool]) {
      const threshold = poolLagAlertThreshold(pool);
      expect(threshold, pool.name).toBeLessThan(pool.maxReplicas * pool.lagThreshold);
      expect(threshold, pool.name).toBeGreaterThan((pool.maxReplicas - 1) * pool.lagThreshold * 0.5);
    }
  });

  it("fires each alert at its threshold, not below it, and clears it after", () => {
    const rulesFiles = new Map(REPLAYED.flatMap((monitored) => monitored.rules.map(({ cluster, groups }) => [`${monitored.name}/${cluster.name}`, writeRules(`test-${monitored.name}-${cluster.name}`, groups)] as const)));
    const testFiles = SCENARIOS.map((scenario, index) => {
      const file = path.join(workDir, `scenario-${index}-${scenario.alert}.test.yaml`);
      fs.writeFileSync(file, stringify(promtoolTest(scenario, path.basename(rulesFiles.get(`${scenario.stack.name}/${scenario.cluster}`)!))));
      return file;
    });
    const result = promtool(["test", "rules", ...testFiles]);
    const failed = SCENARIOS.filter((_, index) => new RegExp(`scenario-${index}-[A-Za-z]+\\.test\\.yaml\\n\\s+FAILED`).test(result.output)).map((scenario) => scenario.title);
    expect(failed, result.output).toEqual([]);
    expect(result.status, result.output).toBe(0);
  });
});

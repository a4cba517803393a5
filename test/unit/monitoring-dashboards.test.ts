/**
 * The Grafana dashboards: Grafana's dashboard JSON with unique panel ids and uids, every query PromQL that
 * reads only metrics the pinned exporter emits, and every stream and consumer of the stack shown by name on
 * the cluster it lands on.
 */
import { describe, expect, it } from "vitest";
import { clusterDashboards, GrafanaDashboard } from "../../components/model/monitoring/dashboards";
import { DAGNATS_STACK, everyMonitoredStack, MonitoredStack } from "../support/monitored-stacks";
import { exporterMetrics, metricNames } from "../support/promql-metrics";

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string }[];
}

function panels(entry: GrafanaDashboard): Panel[] {
  return (entry.json.panels ?? []) as unknown as Panel[];
}

function dashboardsOf(monitored: MonitoredStack): { cluster: string; dashboards: GrafanaDashboard[] }[] {
  return monitored.stack.clusters.map((cluster) => ({ cluster: cluster.name, dashboards: clusterDashboards(monitored.stack, cluster, monitored.monitoring, monitored.pools) }));
}

const stacks = everyMonitoredStack();
const exporter = exporterMetrics();

describe("Grafana dashboards", () => {
  it("every query of every dashboard is PromQL reading only metrics the exporter emits", () => {
    const unknown: string[] = [];
    let queries = 0;
    for (const monitored of stacks) {
      for (const { dashboards } of dashboardsOf(monitored)) {
        for (const entry of dashboards) {
          for (const target of panels(entry).flatMap((panel) => panel.targets ?? [])) {
            queries += 1;
            unknown.push(...metricNames(target.expr).filter((name) => !exporter.names.has(name)).map((name) => `${entry.uid}: ${name}`));
          }
        }
      }
    }
    expect(queries).toBeGreaterThan(100);
    expect(unknown).toEqual([]);
  });

  it("gives every panel an id of its own, a place on the grid and a query, and every dashboard a uid Grafana accepts", () => {
    for (const monitored of stacks) {
      for (const { dashboards } of dashboardsOf(monitored)) {
        expect(new Set(dashboards.map((entry) => entry.uid)).size).toBe(dashboards.length);
        for (const entry of dashboards) {
          expect(entry.uid.length).toBeLessThanOrEqual(40);
          expect(entry.json.uid).toBe(entry.uid);
          const all = panels(entry);
          expect(new Set(all.map((panel) => panel.id)).size).toBe(all.length);
          for (const panel of all) {
            expect(panel.gridPos.w, `${entry.uid} ${panel.title}`).toBeGreaterThan(0);
            if (panel.type !== "row") expect(panel.targets?.length, `${entry.uid} ${panel.title}`).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it("shows every stream and consumer of the stack by name on the cluster it lands on", () => {
    for (const monitored of stacks) {
      const byCluster = new Map(dashboardsOf(monitored).map(({ cluster, dashboards }) => [cluster, dashboards]));
      for (const stream of monitored.stack.jetstream.streams) {
        const streamsBoard = byCluster.get(stream.cluster)!.find((entry) => entry.uid.endsWith("-streams"));
        const exprs = panels(streamsBoard!).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
        expect(exprs.some((expr) => expr.includes(`stream_name="${stream.name}"`)), `${monitored.name} ${stream.name}`).toBe(true);
        for (const consumer of stream.consumers) {
          expect(exprs.some((expr) => expr.includes(`stream_name="${stream.name}", consumer_name="${consumer.durable}"`)), `${monitored.name} ${stream.name}/${consumer.durable}`).toBe(true);
        }
      }
    }
  });

  it("shows the consumers an application creates itself by name, against their lag alert", () => {
    const [{ dashboards }] = dashboardsOf(stacks.find((monitored) => monitored.name === DAGNATS_STACK)!);
    const history = panels(dashboards.find((entry) => entry.uid.endsWith("-streams"))!).find((panel) => panel.title === "WORKFLOW_HISTORY / orchestrator");
    expect(history?.targets?.map((target) => target.expr)).toEqual(['nats_consumer_num_pending{nats_cluster="nats", is_consumer_leader="true", stream_name="WORKFLOW_HISTORY", consumer_name="orchestrator"}']);
    expect((history as unknown as { targets: { legendFormat: string }[] }).targets[0].legendFormat).toBe("lag (alert above 500)");
  });

  it("draws the Lightdash and DagNATS pools against their alert and KEDA's maximum, and links only where the topology has them", () => {
    const dagnats = dashboardsOf(stacks.find((monitored) => monitored.name === DAGNATS_STACK)!)[0].dashboards;
    const pools = panels(dagnats.find((entry) => entry.uid.endsWith("-pools"))!).filter((panel) => panel.type !== "row");
    // One panel per consumer of the scaled pool; the pool of a fixed size has no scaler to draw against.
    expect(pools.map((panel) => panel.title)).toEqual(["dagnats-llm: lag against its scaler", "dagnats-llm: lag against its scaler"]);
    expect(pools.map((panel) => panel.targets![0].expr).join()).toMatch(/consumer_name="workers-summarize".*consumer_name="workers-classify"/);
    const lightdash = dashboardsOf(stacks.find((monitored) => monitored.name === "lightdash")!)[0].dashboards;
    expect(lightdash.map((entry) => entry.uid)).toContain("nats-nats-pools");
    const supercluster = dashboardsOf(stacks.find((monitored) => monitored.name === "supercluster")!)[0].dashboards;
    const links = panels(supercluster.find((entry) => entry.uid.endsWith("-links"))!).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    expect(links.some((expr) => expr.includes("nats_gatewayz_outbound_gateway_configured"))).toBe(true);
    expect(links.some((expr) => expr.includes("nats_leafz"))).toBe(false);
  });
});

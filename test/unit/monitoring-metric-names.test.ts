/**
 * The alert rules read only metrics the pinned exporter emits (the list in test/fixtures, read from the
 * exporter's source at the version the pods run), and each alert has its runbook in the README.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { PINNED_IMAGES } from "../../components/model/images";
import { everyMonitoredStack } from "../support/monitored-stacks";
import { exporterMetrics, metricNames } from "../support/promql-metrics";

const exporter = exporterMetrics();

describe("metric names", () => {
  it("the pinned list is of the exporter version the pods run", () => {
    expect(`${exporter.image}:${exporter.version}`).toBe(`${PINNED_IMAGES.exporter.repository}:${PINNED_IMAGES.exporter.tag}`);
  });

  it("finds the metric names of an expression and only those", () => {
    expect(metricNames('sum by (stream_name) (nats_consumer_num_pending{stream_name="up"}) / on() up offset 5m > 3').sort()).toEqual(["nats_consumer_num_pending", "up"]);
    expect(() => metricNames("nats_varz_mem >")).toThrow(/not PromQL/);
  });

  it("every rule of every stack reads only metrics the exporter emits", () => {
    const stacks = everyMonitoredStack();
    const read = new Set(stacks.flatMap((monitored) => monitored.rules.flatMap(({ groups }) => groups.flatMap((group) => group.rules.flatMap((rule) => metricNames(rule.expr))))));
    expect([...read]).toEqual(expect.arrayContaining(["up", "nats_consumer_num_pending", "nats_varz_gomemlimit", "nats_routez_num_routes", "nats_gatewayz_outbound_gateway_configured", "nats_leafz_conn_nodes_total"]));
    const unknown = stacks.flatMap((monitored) =>
      monitored.rules.flatMap(({ cluster, groups }) =>
        groups.flatMap((group) => group.rules.flatMap((rule) => metricNames(rule.expr).filter((name) => !exporter.names.has(name)).map((name) => `${monitored.name}/${cluster.name} ${rule.alert}: ${name}`))),
      ),
    );
    expect(unknown).toEqual([]);
  });
});

describe("the README's Alerts section", () => {
  it("has a table row and a runbook heading for every alert any stack's rules raise", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Alerts\n"), readme.indexOf("\n## Using the components\n"));
    const alerts = new Set(everyMonitoredStack().flatMap((monitored) => monitored.rules.flatMap(({ groups }) => groups.flatMap((group) => group.rules.map((rule) => rule.alert)))));
    for (const alert of alerts) {
      expect(section, alert).toContain(`| [${alert}](#${alert.toLowerCase()}) |`);
      expect(section, alert).toContain(`\n#### ${alert}\n`);
    }
  });
});

/**
 * The metric names a PromQL expression reads, found by Prometheus's own PromQL grammar (the lezer parser the
 * Prometheus UI uses), so a name inside a label matcher, a string or a function name is never taken for one.
 */
import { parser } from "@prometheus-io/lezer-promql";
import * as fs from "fs";
import * as path from "path";

/** Every metric name of `expr`'s vector selectors; throws on an expression the grammar cannot parse. */
export function metricNames(expr: string): string[] {
  const tree = parser.parse(expr);
  const names = new Set<string>();
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new Error(`not PromQL at ${cursor.from}: ${expr}`);
    if (cursor.name === "VectorSelector") {
      const selector = cursor.node.getChild("Identifier");
      if (selector !== null) names.add(expr.slice(selector.from, selector.to));
    }
  } while (cursor.next());
  return [...names];
}

interface ExporterFixture {
  exporter: { image: string; version: string };
  families: Record<string, { metrics: string[] }>;
}

/** The pinned list of what the exporter emits (test/fixtures), with the version it was read from. */
export function exporterMetrics(): { image: string; version: string; names: Set<string> } {
  const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/prometheus-nats-exporter-0.20.1-metrics.json"), "utf8")) as ExporterFixture;
  return { ...fixture.exporter, names: new Set(Object.values(fixture.families).flatMap((family) => family.metrics)) };
}

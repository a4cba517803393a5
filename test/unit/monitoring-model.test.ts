/**
 * The `monitoring` key: seed thresholds by default, each one overridable, and bad thresholds, dead-letter
 * streams and lag rules refused by path with what is allowed.
 */
import { describe, expect, it } from "vitest";
import { resolveMonitoring } from "../../components/model/monitoring/monitoring";
import { checkStack } from "../../components/stack-check";
import { BadInput, BASES, expectRefusedAt, refuseBroken } from "../support/stack-cases";

describe("monitoring defaults", () => {
  it("pages at the production checklist's figures and declares nothing for Prometheus unless it is there", () => {
    const monitoring = resolveMonitoring(undefined, []);
    expect(monitoring.prometheus).toBe(false);
    expect(monitoring.podMonitor.enabled).toBe(false);
    expect(monitoring.dashboards).toBe(false);
    expect(monitoring.thresholds).toMatchObject({ consumerPending: 1000, storagePercent: 80, heartbeatGapSeconds: 60, consumerLag: 500, deadLetterGrowth: 1 });
  });

  it("turns the PodMonitor and dashboards on with prometheus, and a lag rule takes the default lag", () => {
    const keys = BASES.jobs();
    keys.monitoring = { prometheus: true, namespaces: ["monitoring", "keda"], consumerLag: [{ stream: "JOBS", consumer: "workers" }], thresholds: { heartbeatGap: "2m" } };
    const stack = checkStack("test", keys);
    const monitoring = resolveMonitoring(keys.monitoring, stack.jetstream.streams);
    expect(monitoring.podMonitor.enabled).toBe(true);
    expect(monitoring.dashboards).toBe(true);
    expect(monitoring.namespaces).toEqual(["monitoring", "keda"]);
    expect(monitoring.consumerLag).toEqual([{ stream: "JOBS", consumer: "workers", pending: 500 }]);
    expect(monitoring.thresholds.heartbeatGapSeconds).toBe(120);
  });
});

const CASES: BadInput[] = [
  ["a negative consumer pending threshold", "jobs", (s) => (s.monitoring = { thresholds: { consumerPending: -1 } }), "monitoring.thresholds.consumerPending"],
  ["a threshold written as text", "jobs", (s) => (s.monitoring = { thresholds: { apiErrors: "five" } }), "monitoring.thresholds.apiErrors"],
  ["a storage percentage above 100", "jobs", (s) => (s.monitoring = { thresholds: { storagePercent: 120 } }), "monitoring.thresholds.storagePercent"],
  ["a memory percentage of 0", "jobs", (s) => (s.monitoring = { thresholds: { memoryPercent: 0 } }), "monitoring.thresholds.memoryPercent"],
  ["a heartbeat gap without a unit", "jobs", (s) => (s.monitoring = { thresholds: { heartbeatGap: "60" } }), "monitoring.thresholds.heartbeatGap"],
  ["a misspelt threshold", "jobs", (s) => (s.monitoring = { thresholds: { consumerPendng: 10 } }), "monitoring.thresholds.consumerPendng", "consumerPending"],
  ["a lag rule on an undeclared consumer", "jobs", (s) => (s.monitoring = { consumerLag: [{ stream: "JOBS", consumer: "history" }] }), "monitoring.consumerLag[0].consumer"],
  ["a lag rule on an undeclared stream", "jobs", (s) => (s.monitoring = { consumerLag: [{ stream: "HISTORY", consumer: "workers" }] }), "monitoring.consumerLag[0].stream"],
  ["a negative lag", "jobs", (s) => (s.monitoring = { consumerLag: [{ stream: "JOBS", consumer: "workers", pending: -5 }] }), "monitoring.consumerLag[0].pending"],
  ["an undeclared dead-letter stream", "jobs", (s) => (s.monitoring = { deadLetterStreams: ["DEAD_LETTERS"] }), "monitoring.deadLetterStreams[0]"],
  ["a monitoring namespace that is no DNS label", "jobs", (s) => (s.monitoring = { namespaces: ["Monitoring"] }), "monitoring.namespaces[0]"],
  ["Prometheus with no namespace let in to scrape", "jobs", (s) => (s.monitoring = { prometheus: true }), "monitoring.namespaces"],
  ["a PodMonitor label value with a space", "jobs", (s) => (s.monitoring = { podMonitor: { labels: { release: "kube prometheus" } } }), "monitoring.podMonitor.labels.release"],
];

describe("bad monitoring input", () => {
  it.each(CASES)("refuses %s by its path", (...input) => {
    const problem = expectRefusedAt(refuseBroken(input), input[3], input[4]);
    if (input[4] === undefined) expect(problem.allowed).toMatch(/^(use|name|list|give)/);
  });

  it("says which consumers the stream declares when a lag rule names another", () => {
    const problem = expectRefusedAt(refuseBroken(CASES[6]), "monitoring.consumerLag[0].consumer");
    expect(problem).toMatchObject({ value: "history", allowed: "name a consumer declared under the stream JOBS: workers" });
  });

  it("says what a percentage may be", () => {
    const problem = expectRefusedAt(refuseBroken(CASES[2]), "monitoring.thresholds.storagePercent");
    expect(problem).toMatchObject({ value: 120, allowed: "use a percentage above 0 and at most 100" });
  });
});

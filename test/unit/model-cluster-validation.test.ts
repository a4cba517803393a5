import { describe, expect, it } from "vitest";
import { ClusterSpec, validateCluster } from "../../components/model/cluster";
import { ValidationError } from "../../components/model/errors";

function problemsOf(spec: Partial<ClusterSpec>): string[] {
  try {
    validateCluster({ name: "nats", tier: "small", ...spec } as ClusterSpec);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((p) => `${p.path}: ${JSON.stringify(p.value)} -> ${p.allowed}`);
  }
  return [];
}

function messageOf(spec: Partial<ClusterSpec>): string {
  try {
    validateCluster({ name: "nats", tier: "small", ...spec } as ClusterSpec);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a validation error");
}

describe("cluster validation names the field, the value and what is allowed", () => {
  it("accepts every tier with its defaults", () => {
    for (const tier of ["dev", "small", "medium", "large"] as const) {
      expect(problemsOf({ tier })).toEqual([]);
    }
  });

  it("refuses an unknown tier and lists the tiers", () => {
    expect(messageOf({ tier: "huge" as never })).toBe('cluster.tier: "huge" is not allowed; use one of dev, small, medium, large');
  });

  it("refuses an even server count and says why", () => {
    expect(messageOf({ servers: 4 })).toBe(
      "cluster.servers: 4 is not allowed; a small cluster runs 3 servers (an even count gains no fault tolerance over one less)",
    );
  });

  it("refuses one server outside dev and five in small", () => {
    expect(messageOf({ tier: "medium", servers: 1 })).toBe("cluster.servers: 1 is not allowed; a medium cluster runs 3 or 5 servers");
    expect(messageOf({ servers: 5 })).toBe("cluster.servers: 5 is not allowed; a small cluster runs 3 servers");
    expect(problemsOf({ tier: "dev", servers: 3 })).toEqual([]);
    expect(problemsOf({ tier: "large", servers: 3 })).toEqual([]);
  });

  it("refuses names that are not DNS labels", () => {
    expect(messageOf({ name: "Nats_1" })).toBe(
      "cluster.name: \"Nats_1\" is not allowed; use 1 to 42 lowercase letters, digits and '-', starting and ending with a letter or digit",
    );
    expect(problemsOf({ name: "a".repeat(43) })).toHaveLength(1);
    expect(problemsOf({ namespace: "-bad" })[0]).toMatch(/^cluster\.namespace: "-bad"/);
  });

  it("refuses malformed quantities such as \"20 GB\"", () => {
    expect(messageOf({ volumeSize: "20 GB" })).toBe(
      'cluster.volumeSize: "20 GB" is not allowed; use a Kubernetes quantity such as "512Mi", "20Gi" or "1Ti"',
    );
    expect(problemsOf({ memory: "2gb" })[0]).toMatch(/^cluster\.memory: "2gb"/);
    expect(messageOf({ cpu: "two" })).toBe('cluster.cpu: "two" is not allowed; use a CPU quantity such as "500m", "1" or "2.5"');
  });

  it("refuses too little memory for a server", () => {
    expect(messageOf({ memory: "256Mi" })).toBe('cluster.memory: "256Mi" is not allowed; give each server at least 512Mi');
  });

  it("refuses a memory store the memory limit cannot hold", () => {
    expect(messageOf({ memory: "2Gi", jetstream: { maxMemoryStore: "2Gi" } })).toBe(
      'cluster.jetstream.maxMemoryStore: "2Gi" is not allowed; use at most 1792Mi: the memory limit (2Gi) less 256Mi for the server process',
    );
  });

  it("refuses a file store larger than the volume leaves room for", () => {
    expect(messageOf({ volumeSize: "20Gi", jetstream: { maxFileStore: "20Gi" } })).toBe(
      'cluster.jetstream.maxFileStore: "20Gi" is not allowed; use at most 18Gi: 90% of the volume (20Gi), leaving room for the filesystem',
    );
  });

  it("refuses R3 of a one-server cluster and more replicas than servers", () => {
    expect(messageOf({ tier: "dev", jetstream: { streamReplicas: 3 } })).toBe(
      "cluster.jetstream.streamReplicas: 3 is not allowed; use 1: a one-server cluster holds a single replica",
    );
    expect(messageOf({ jetstream: { streamReplicas: 5 } })).toBe(
      "cluster.jetstream.streamReplicas: 5 is not allowed; use a replica count from 1 to 3 (the cluster has 3 servers)",
    );
  });

  it("refuses port clashes and ports out of range", () => {
    expect(messageOf({ ports: { monitor: 4222 } })).toBe(
      "cluster.ports.monitor: 4222 is not allowed; use a port no other listener uses (client has it)",
    );
    expect(messageOf({ ports: { cluster: 70000 } })).toBe("cluster.ports.cluster: 70000 is not allowed; use a whole number from 1 to 65535");
  });

  it("refuses payloads over 64Mi and over the pending buffer", () => {
    expect(messageOf({ limits: { maxPayload: "128Mi" } })).toMatch(/^cluster\.limits\.maxPayload: "128Mi" is not allowed; use at most 64Mi/);
    expect(messageOf({ limits: { maxPayload: "8Mi", maxPending: "4Mi" } })).toMatch(/use at most limits\.maxPending \(4Mi\)/);
  });

  it("refuses durations nats-server cannot read and a grace period not shorter than lame duck", () => {
    expect(messageOf({ limits: { writeDeadline: "10 seconds" } })).toBe(
      'cluster.limits.writeDeadline: "10 seconds" is not allowed; use a duration such as "500ms", "30s", "2m" or "1m30s"',
    );
    expect(messageOf({ lameDuck: { duration: "30s", gracePeriod: "30s" } })).toBe(
      'cluster.lameDuck.gracePeriod: "30s" is not allowed; use less than lameDuck.duration (30s); nats-server refuses otherwise',
    );
    expect(messageOf({ lameDuck: { duration: "10s", gracePeriod: "5s" } })).toBe(
      'cluster.lameDuck.duration: "10s" is not allowed; use at least 30s; nats-server refuses a shorter lame duck',
    );
  });

  it("refuses write durability on a server version that does not have it", () => {
    expect(messageOf({ serverVersion: "2.9.10", jetstream: { syncAlways: true } })).toBe(
      "cluster.jetstream.syncAlways: true is not allowed; needs nats-server 2.10.0 or newer (serverVersion is 2.9.10); set it false or raise serverVersion",
    );
  });

  it("refuses unknown or too old server versions", () => {
    expect(messageOf({ serverVersion: "latest" })).toBe(
      'cluster.serverVersion: "latest" is not allowed; use a nats-server version 2.9.0 or newer, such as "2.14.6"',
    );
    expect(problemsOf({ serverVersion: "2.8.4" })).toHaveLength(1);
  });

  it("refuses a JetStream domain with dots or wildcards", () => {
    expect(messageOf({ jetstream: { domain: "hub.eu" } })).toBe(
      "cluster.jetstream.domain: \"hub.eu\" is not allowed; use a non-empty name without whitespace, '.', '*', '>', '/' or '\\'",
    );
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({ servers: 4, volumeSize: "20 GB", ports: { monitor: 4222 } });
    expect(problems).toHaveLength(3);
    expect(messageOf({ servers: 4, volumeSize: "20 GB" })).toMatch(/^2 problems:\n  - cluster\.servers: 4/);
  });
});

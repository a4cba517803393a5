import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { GIBIBYTE, MEBIBYTE } from "../../components/model/quantity";

describe("tier sizing", () => {
  it.each([
    ["dev", 1, "1", "512Mi", "1Gi", undefined, false, 1],
    ["small", 3, "2", "2Gi", "20Gi", "nats-ssd", true, 3],
    ["medium", 3, "4", "8Gi", "100Gi", "nats-ssd", true, 3],
    ["large", 5, "8", "16Gi", "500Gi", "nats-nvme", true, 3],
  ] as const)("%s: %i servers, %s cpu, %s memory, %s volume", (tier, servers, cpu, memory, volume, storageClass, sync, replicas) => {
    const cluster = validateCluster({ name: "nats", tier });
    expect(cluster.servers).toBe(servers);
    expect(cluster.cpu).toBe(cpu);
    expect(cluster.memory).toBe(memory);
    expect(cluster.volumeSize).toBe(volume);
    expect(cluster.storageClass).toBe(storageClass);
    expect(cluster.jetstream.syncAlways).toBe(sync);
    expect(cluster.jetstream.streamReplicas).toBe(replicas);
  });

  it("sets GOMEMLIMIT to 85% of the memory limit", () => {
    const cluster = validateCluster({ name: "nats", tier: "small" });
    expect(cluster.goMemLimitBytes / cluster.memoryBytes).toBeGreaterThanOrEqual(0.8);
    expect(cluster.goMemLimitBytes / cluster.memoryBytes).toBeLessThanOrEqual(0.9);
  });

  it("keeps the memory store within the memory limit with room for the process", () => {
    for (const tier of ["dev", "small", "medium", "large"] as const) {
      const cluster = validateCluster({ name: "nats", tier });
      expect(cluster.jetstream.maxMemoryStore).toBeLessThanOrEqual(cluster.memoryBytes - 256 * MEBIBYTE);
      expect(cluster.jetstream.maxMemoryStore).toBeGreaterThan(0);
    }
  });

  it("keeps the file store below the volume size, not equal to it", () => {
    const cluster = validateCluster({ name: "nats", tier: "small" });
    expect(cluster.jetstream.maxFileStore).toBe(18 * GIBIBYTE);
    expect(cluster.jetstream.maxFileStore).toBeLessThan(cluster.volumeBytes);
  });

  it("lets a stack override every figure", () => {
    const cluster = validateCluster({
      name: "nats",
      tier: "medium",
      servers: 5,
      cpu: "3",
      memory: "12Gi",
      volumeSize: "200Gi",
      storageClass: "io2",
      jetstream: { maxFileStore: "150Gi", maxMemoryStore: "4Gi", syncAlways: false, streamReplicas: 5 },
    });
    expect(cluster).toMatchObject({ servers: 5, cpu: "3", memory: "12Gi", volumeSize: "200Gi", storageClass: "io2" });
    expect(cluster.jetstream).toMatchObject({ maxFileStore: 150 * GIBIBYTE, maxMemoryStore: 4 * GIBIBYTE, syncAlways: false, streamReplicas: 5 });
  });

  it("gives the pod enough time for the whole lame-duck sequence", () => {
    expect(validateCluster({ name: "nats", tier: "dev" }).terminationGracePeriodSeconds).toBe(60);
    expect(validateCluster({ name: "nats", tier: "dev", lameDuck: { duration: "2m", gracePeriod: "15s" } }).terminationGracePeriodSeconds).toBe(155);
  });
});

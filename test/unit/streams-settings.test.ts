import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { consumerSettings, keyValueSettings, nanoseconds, streamSettings } from "../../components/model/jetstream-config";
import { validateJetStreamResourceSet } from "../../components/model/jetstream-resource-set";

const cluster = validateCluster({ name: "nats", tier: "small" });
const accounts = [{ name: "APP", users: [{ name: "worker" }] }];

describe("settings as the JetStream API takes them", () => {
  const resources = validateJetStreamResourceSet(
    {
      streams: [
        {
          name: "ORDERS",
          account: "APP",
          description: "orders to fulfil",
          subjects: ["orders.>"],
          maxAge: "720h",
          maxBytes: "1Gi",
          dominantLimit: "maxAge",
          duplicateWindow: "1m30s",
          consumers: [{ durable: "fulfil", filterSubject: "orders.new", ackWait: "250ms", maxDeliver: 3, maxAckPending: 50, workerUser: "worker" }],
        },
      ],
      keyValues: [{ bucket: "sessions", account: "APP", history: 3, ttl: "25h", maxValueSize: "64Ki" }],
    },
    { cluster, accounts },
  );

  it("counts stream durations in nanoseconds and writes -1 for limits left out", () => {
    expect(streamSettings(resources.streams[0])).toEqual({
      name: "ORDERS",
      description: "orders to fulfil",
      subjects: ["orders.>"],
      retention: "limits",
      storage: "file",
      num_replicas: 3,
      max_age: 720 * 3600 * 1e9,
      max_bytes: 2 ** 30,
      max_msgs: -1,
      discard: "old",
      duplicate_window: 90 * 1e9,
    });
  });

  it("makes a durable pull consumer with every delivery setting explicit", () => {
    expect(consumerSettings(resources.streams[0].consumers[0])).toEqual({
      durable_name: "fulfil",
      filter_subject: "orders.new",
      ack_policy: "explicit",
      ack_wait: 250_000_000,
      max_deliver: 3,
      max_ack_pending: 50,
      deliver_policy: "all",
      replay_policy: "instant",
    });
  });

  it("gives the client a bucket's ttl in milliseconds, as it expects", () => {
    expect(keyValueSettings(resources.keyValues[0])).toEqual({
      history: 3,
      ttl: 25 * 3600 * 1000,
      replicas: 3,
      storage: "file",
      max_bytes: -1,
      maxValueSize: 64 * 1024,
    });
  });

  it("rounds to whole nanoseconds", () => {
    expect(nanoseconds(0.001)).toBe(1_000_000);
    expect(nanoseconds(30)).toBe(30_000_000_000);
  });
});

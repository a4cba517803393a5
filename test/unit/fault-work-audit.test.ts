import { describe, expect, it } from "vitest";
import { auditDeliveries, Delivery } from "../support/nats-workers";

const delivery = (msgId: string, consumerSeq: number, redelivered = false): Delivery => ({ msgId, seq: 0, consumerSeq, worker: 0, redelivered, at: 0 });

describe("the fault tests' audit of a worker pool's deliveries", () => {
  it("counts each message once and finds nothing to explain when every message came once", () => {
    expect(auditDeliveries([delivery("a", 1), delivery("b", 2), delivery("c", 3)])).toEqual({
      processed: 3,
      redelivered: 0,
      replayedAfterLeaderChange: [],
      unexplainedDuplicates: [],
    });
  });

  it("accepts a repeat the server marked as a redelivery", () => {
    const audit = auditDeliveries([delivery("a", 1), delivery("b", 2), delivery("a", 3, true)]);
    expect(audit).toMatchObject({ processed: 2, redelivered: 1, replayedAfterLeaderChange: [], unexplainedDuplicates: [] });
  });

  it("explains an unmarked repeat whose consumer sequence went back as a new leader's replay", () => {
    // The old leader issued 1 to 3; its successor knew only of 1 and issued 2 and 3 again.
    const audit = auditDeliveries([delivery("a", 1), delivery("b", 2), delivery("c", 3), delivery("b", 2), delivery("c", 3), delivery("d", 4)]);
    expect(audit).toMatchObject({ processed: 4, redelivered: 0, replayedAfterLeaderChange: ["b", "c"], unexplainedDuplicates: [] });
  });

  it("explains an unmarked repeat that got a consumer sequence already issued to another message", () => {
    // The successor resumed at 2 and, with other work first, reached the repeated message at a higher number.
    const audit = auditDeliveries([delivery("a", 1), delivery("b", 2), delivery("c", 3), delivery("x", 2), delivery("b", 3)]);
    expect(audit.replayedAfterLeaderChange).toEqual(["b"]);
    expect(audit.unexplainedDuplicates).toEqual([]);
  });

  it("flags an unmarked repeat under fresh, increasing consumer sequences: one leader handed it out twice", () => {
    const audit = auditDeliveries([delivery("a", 1), delivery("b", 2), delivery("a", 3)]);
    expect(audit).toMatchObject({ replayedAfterLeaderChange: [], unexplainedDuplicates: ["a"] });
  });

  it("flags a message if any of its unmarked repeats is unexplained, even beside a replay", () => {
    const audit = auditDeliveries([delivery("a", 1), delivery("a", 1), delivery("b", 2), delivery("a", 3)]);
    expect(audit).toMatchObject({ replayedAfterLeaderChange: [], unexplainedDuplicates: ["a"] });
  });
});

import { describe, expect, it } from "vitest";
import { auditDeliveries, Delivery, explainUnreceived } from "../support/nats-workers";

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

describe("what the fault tests say of an acknowledged message no worker received", () => {
  const at = (msgId: string, seq: number, consumerSeq: number): Delivery => ({ msgId, seq, consumerSeq, worker: 1, redelivered: false, at: 0 });

  it("names the deliveries around it and a consumer sequence issued but never received", () => {
    const explanation = explainUnreceived([at("m1", 1, 1), at("m3", 3, 3)], [{ msgId: "m2", seq: 2 }]);
    expect(explanation).toContain("m2 (stream seq 2): before it stream seq 1 as consumer seq 1");
    expect(explanation).toContain("after it stream seq 3 as consumer seq 3");
    expect(explanation).toContain("consumer sequences never received: 2");
  });

  it("says no consumer sequence is missing when the consumer never issued the message", () => {
    const explanation = explainUnreceived([at("m1", 1, 1), at("m3", 3, 2)], [{ msgId: "m2", seq: 2 }]);
    expect(explanation).toContain("no consumer sequence up to the highest received is missing");
  });
});

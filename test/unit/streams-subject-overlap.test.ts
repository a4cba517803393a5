import { describe, expect, it } from "vitest";
import { firstOverlap, subjectsOverlap } from "../../components/model/subject-overlap";

describe("subject overlap", () => {
  const cases: [string, string, boolean][] = [
    ["orders.created", "orders.created", true],
    ["orders.created", "orders.deleted", false],
    ["orders.*", "orders.created", true],
    ["orders.*", "orders.created.eu", false],
    ["orders.>", "orders.created.eu", true],
    ["orders.>", "orders", false],
    ["orders.*", "orders.>", true],
    ["*.created", "orders.*", true],
    ["*.created", "orders.deleted", false],
    ["task.a.>", "task.b.>", false],
    ["task.a.>", "task.*.run", true],
    ["task.*.>", "task.b.run", true],
    [">", "anything.at.all", true],
    [">", "$KV.bucket.>", true],
    ["a.*.c", "a.b.*", true],
    ["a.*.c", "a.b.d", false],
    ["a.b", "a.b.c", false],
    ["*", "a.b", false],
  ];

  it.each(cases)("%s and %s overlap: %s", (left, right, expected) => {
    expect(subjectsOverlap(left, right)).toBe(expected);
    expect(subjectsOverlap(right, left)).toBe(expected);
  });

  it("finds the first overlapping pair of two lists", () => {
    expect(firstOverlap(["a.b", "c.*"], ["x", "c.d"])).toEqual(["c.*", "c.d"]);
    expect(firstOverlap(["a.b"], ["a.c"])).toBeUndefined();
  });
});

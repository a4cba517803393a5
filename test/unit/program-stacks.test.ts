/** Every stack file the program can be run with loads and validates, with its tier's shape. */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { listStacks, readStackFile, resolveStack, stackFilePath } from "../../components/model/stack";

const PROJECT_DIR = path.resolve(__dirname, "../..");

const TIER_STACKS = { dev: 1, small: 3, medium: 3, large: 5 } as const;

describe("the stack files", () => {
  it("include one per tier", () => {
    expect(listStacks(PROJECT_DIR)).toEqual(expect.arrayContaining(Object.keys(TIER_STACKS)));
  });

  it.each(Object.entries(TIER_STACKS))("Pulumi.%s.yaml describes a valid cluster of its tier", (tier, servers) => {
    const stack = resolveStack(tier, readStackFile(stackFilePath(PROJECT_DIR, tier)));
    expect(stack.clusters).toHaveLength(1);
    expect(stack.clusters[0].tier.name).toBe(tier);
    expect(stack.clusters[0].servers).toBe(servers);
  });
});

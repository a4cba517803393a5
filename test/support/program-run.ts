/**
 * Runs the Pulumi program (index.ts) under the mocks of the calling test file: sets the stack's config, loads
 * the program afresh, and waits until every resource it registered has been answered.
 */
import type * as PulumiModule from "@pulumi/pulumi";
import { vi } from "vitest";
import { MockRecorder } from "../../components/testing";

export type Program = typeof import("../../index");

/** Stack config keys without the project's namespace; objects are passed as the CLI would, as JSON. */
export type StackConfig = Record<string, unknown>;

export function programRunner(mocks: MockRecorder, pulumi: typeof PulumiModule): (config: StackConfig) => Promise<Program> {
  return async (config) => {
    mocks.reset();
    pulumi.runtime.setAllConfig({});
    for (const [key, value] of Object.entries(config)) {
      pulumi.runtime.setConfig(`nats-jetstream:${key}`, typeof value === "string" ? value : JSON.stringify(value));
    }
    vi.resetModules();
    const program = await import("../../index");
    await mocks.settle();
    return program;
  };
}

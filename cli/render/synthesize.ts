/**
 * Runs the Pulumi program (index.ts) offline, with Pulumi's mock runtime standing in for the engine,
 * and records every resource it registers with the inputs it would send. Random resources get real random
 * values from the render's keystore. Stacks run one after another: @pulumi/pulumi keeps one set of mocks and
 * one config per process, so each run sets both anew and loads the program afresh.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME } from "../../components/model/stack";
import { randomProviderState } from "../../components/testing/random-provider";
import { RenderKeystore } from "./keystore";
import { COMPUTED } from "./redact";

export interface ResourceRecord {
  /** Pulumi type token, e.g. `kubernetes:apps/v1:StatefulSet`. */
  type: string;
  /** Pulumi resource name. */
  name: string;
  /** Inputs as the engine would receive them; secrets and unknowns still carry their RPC markers. */
  inputs: Record<string, unknown>;
  /** False for component resources, which send nothing to a provider. */
  custom: boolean;
  /** Name of the explicit provider the resource goes through; undefined for the default provider. */
  provider?: string;
}

/** A provider reference is `<provider URN>::<id>`; the URN's last part is the provider's name. */
function providerName(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  const urn = reference.slice(0, reference.lastIndexOf("::"));
  return urn.slice(urn.lastIndexOf("::") + 2) || undefined;
}

/**
 * Outputs a provider would compute, where the program reads them: random values from the keystore (drawn
 * once, never derived from anything a reader of the program knows), a load balancer's address as COMPUTED.
 */
function computedState(type: string, name: string, inputs: Record<string, any>, keystore: RenderKeystore): Record<string, unknown> {
  const random = randomProviderState(type, name, inputs, keystore);
  if (random) return random;
  if (type === "kubernetes:core/v1:Service" && inputs.spec?.type === "LoadBalancer") {
    // The load balancer's address is assigned at deploy time; configs that advertise it show where it goes.
    return { status: { loadBalancer: { ingress: [{ hostname: COMPUTED }] } } };
  }
  return {};
}

/**
 * The program the render runs: the project's index.ts beside this tool (index.js when the tool runs compiled),
 * so a compiled render runs the compiled program.
 */
const PROGRAM = require.resolve("../../index");

/** Sets the stack's config as the Pulumi CLI would, keyed `<namespace>:<key>`, objects as JSON, in place of any earlier stack's. */
export function applyStackConfig(config: Record<string, unknown>): void {
  pulumi.runtime.setAllConfig({});
  for (const [key, value] of Object.entries(config)) {
    const fullKey = key.includes(":") ? key : `${PROJECT_NAME}:${key}`;
    pulumi.runtime.setConfig(fullKey, typeof value === "string" ? value : JSON.stringify(value));
  }
}

/**
 * Every resource the program registers for the stack with this config, random values taken from (and drawn
 * into) `keystore`; the caller saves the keystore. One synthesis at a time: the SDK's mocks and config are
 * the process's.
 */
export async function synthesize(stackName: string, config: Record<string, unknown>, keystore: RenderKeystore): Promise<ResourceRecord[]> {
  const records: ResourceRecord[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        records.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? true, provider: providerName(args.provider) });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs, keystore) } };
      },
      call() {
        return {};
      },
    },
    PROJECT_NAME,
    stackName,
    true,
  );
  applyStackConfig(config);
  // The program registers its resources as a side effect of being loaded, so it is loaded anew for each
  // stack. The components it imports stay loaded: they keep no state between stacks beyond WeakMaps of
  // their own instances.
  delete require.cache[PROGRAM];
  // The SDK formats a stack trace for every promise and resource it makes, for its leak reports and source
  // positions, neither of which a render writes or prints; formatting them was an eighth of a render's time.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    require(PROGRAM);
    await pulumi.runtime.disconnect();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return records;
}

/**
 * A change of tier or volume size must not replace the StatefulSet (Pulumi deletes a named StatefulSet
 * before recreating it: every server down). Renders the same cluster as small, as medium and as small with
 * a bigger volume, and pins what differs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../components/testing";
import { componentStack } from "../support/component-stack";

type ClusterSpec = import("../../components/model").ClusterSpec;

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";

const { mocks, components, deploy } = await componentStack({ preview: false });

/** Every object of one deployment of the cluster `nats`, by resource name. */
async function render(cluster: ClusterSpec): Promise<Map<string, RecordedResource>> {
  await deploy(() => new components.JetStreamCluster("nats", { cluster }));
  return new Map(mocks.kubernetesObjects().map((resource) => [resource.name, resource]));
}

/** Paths at which two values differ, e.g. `spec.template.spec.containers[0].env[1].value`. */
function differingPaths(a: unknown, b: unknown, path = ""): string[] {
  if (a === b) return [];
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => {
    const inner = Array.isArray(a) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    return differingPaths((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], inner);
  });
}

/** What differs between two renderings, per object that differs at all. */
function changes(before: Map<string, RecordedResource>, after: Map<string, RecordedResource>): Record<string, string[]> {
  expect([...after.keys()]).toEqual([...before.keys()]);
  const changed: Record<string, string[]> = {};
  for (const [name, resource] of before) {
    const paths = differingPaths(resource.inputs, after.get(name)!.inputs);
    if (paths.length > 0) changed[name] = paths.sort();
  }
  return changed;
}

/** The fields whose change makes Pulumi replace a StatefulSet instead of updating it. */
const REPLACING_FIELDS = ["metadata.name", "metadata.namespace", "spec.selector", "spec.serviceName", "spec.podManagementPolicy", "spec.revisionHistoryLimit"];

const CLAIM_SIZE = "spec.resources.requests.storage";
const NATS_CONTAINER = "spec.template.spec.containers[0]";

let small: Map<string, RecordedResource>;
let medium: Map<string, RecordedResource>;
let biggerVolume: Map<string, RecordedResource>;

beforeAll(async () => {
  small = await render({ name: "nats", tier: "small" });
  medium = await render({ name: "nats", tier: "medium" });
  biggerVolume = await render({ name: "nats", tier: "small", volumeSize: "50Gi" });
});

describe("moving a cluster from small to medium", () => {
  it("changes only the server container's resources and heap limit, the claim sizes and the config", () => {
    expect(changes(small, medium)).toEqual({
      "nats-statefulset": [
        `${NATS_CONTAINER}.env[1].value`,
        `${NATS_CONTAINER}.resources.limits.memory`,
        `${NATS_CONTAINER}.resources.requests.cpu`,
        `${NATS_CONTAINER}.resources.requests.memory`,
        `spec.volumeClaimTemplates[0].${CLAIM_SIZE}`,
      ],
      "nats-jetstream-0": [CLAIM_SIZE],
      "nats-jetstream-1": [CLAIM_SIZE],
      "nats-jetstream-2": [CLAIM_SIZE],
      // Memory and file store limits: applied by the config reloader without a restart.
      "nats-config": ["data.nats.conf"],
    });
  });
});

describe("growing the volumes", () => {
  it("changes only the claim sizes and the StatefulSet's claim template", () => {
    expect(changes(small, biggerVolume)).toEqual({
      "nats-statefulset": [`spec.volumeClaimTemplates[0].${CLAIM_SIZE}`],
      "nats-jetstream-0": [CLAIM_SIZE],
      "nats-jetstream-1": [CLAIM_SIZE],
      "nats-jetstream-2": [CLAIM_SIZE],
      "nats-config": ["data.nats.conf"],
    });
    expect(biggerVolume.get("nats-jetstream-0")!.inputs.spec.resources.requests.storage).toBe("50Gi");
  });
});

describe("the StatefulSet", () => {
  it("keeps every replacing field the same whatever the tier or size", () => {
    for (const rendering of [medium, biggerVolume]) {
      const paths = differingPaths(small.get("nats-statefulset")!.inputs, rendering.get("nats-statefulset")!.inputs);
      expect(paths.filter((path) => REPLACING_FIELDS.some((field) => path === field || path.startsWith(`${field}.`)))).toEqual([]);
    }
  });

  it("ignores changes to its claim templates, the one replacing field a size change touches", () => {
    for (const rendering of [small, medium, biggerVolume]) {
      const [statefulSet] = [...rendering.values()].filter((resource) => resource.type === STATEFUL_SET);
      expect(statefulSet.options.ignoreChanges).toEqual(["spec.volumeClaimTemplates"]);
    }
    const touched = differingPaths(small.get("nats-statefulset")!.inputs, medium.get("nats-statefulset")!.inputs);
    const outsidePodTemplate = touched.filter((path) => !path.startsWith("spec.template."));
    expect(outsidePodTemplate.every((path) => path.startsWith("spec.volumeClaimTemplates"))).toBe(true);
  });
});

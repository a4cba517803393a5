import * as path from "path";
import { describe, expect, it } from "vitest";
import { problemMessage, ValidationError } from "../../components/model/errors";
import { formatKubernetesVersion, KUBERNETES_FEATURES, KUBERNETES_VERSION_RULE, parseKubernetesVersion } from "../../components/model/kubernetes-version";
import { readStackFile, resolveStack, StackSpec, stackFilePath } from "../../components/model/stack";
import { SuperClusterSpec } from "../../components/model/supercluster";

const PROJECT_DIR = path.resolve(__dirname, "../..");
const shipped = readStackFile(stackFilePath(PROJECT_DIR, "supercluster"));

/** The problems of a stack, as [path, value, message]; empty when it resolves. */
function problemsOf(spec: StackSpec): [string, unknown, string][] {
  try {
    resolveStack("supercluster", spec);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.problems.map((problem) => [problem.path, problem.value, problemMessage(problem)]);
  }
}

function withVersion(kubernetesVersion: unknown, spec: StackSpec = shipped): StackSpec {
  const { kubernetesVersion: _stated, ...rest } = spec;
  return (kubernetesVersion === undefined ? rest : { ...rest, kubernetesVersion }) as StackSpec;
}

function withoutZones(spec: StackSpec): StackSpec {
  const supercluster = spec.supercluster as SuperClusterSpec;
  return { ...spec, supercluster: { ...supercluster, clusters: supercluster.clusters.map(({ zones: _zones, ...member }) => member) } };
}

describe("the target Kubernetes version", () => {
  it("reads a quoted MAJOR.MINOR and nothing else", () => {
    expect(["1.35", "1.9", "1.100", "2.0"].map((text) => formatKubernetesVersion(parseKubernetesVersion(text)!))).toEqual(["1.35", "1.9", "1.100", "2.0"]);
    for (const bad of [1.35, "1.35.0", "v1.35", "1", "01.35", "1.035", "", " 1.35", null, true]) expect(parseKubernetesVersion(bad), String(bad)).toBeUndefined();
  });

  it("is stated by the shipped supercluster stack, as one that gives pods their zone label", () => {
    expect(shipped.kubernetesVersion).toBe(KUBERNETES_FEATURES.podZoneLabel.since);
    expect(problemsOf(shipped)).toEqual([]);
  });

  it("lets a supercluster with zones target the version that labels pods with their zone, or a newer one", () => {
    for (const version of ["1.35", "1.36", "2.0"]) expect(problemsOf(withVersion(version)), version).toEqual([]);
  });

  it("refuses zones on a version older than 1.35, naming the version field, its value and what is allowed", () => {
    expect(problemsOf(withVersion("1.34"))).toEqual([
      [
        "kubernetesVersion",
        "1.34",
        'kubernetesVersion: "1.34" is not allowed; state "1.35" or newer: zone tags (supercluster.clusters[0].zones and 2 more) need ' +
          "each pod's topology.kubernetes.io/zone label, which Kubernetes provides from 1.35 on; or leave zones out",
      ],
    ]);
  });

  it("refuses zones when the stack states no version", () => {
    expect(problemsOf(withVersion(undefined)).map(([field, value]) => [field, value])).toEqual([["kubernetesVersion", undefined]]);
  });

  it("refuses a version that is not a quoted MAJOR.MINOR, in any topology, once and without a second refusal for the zones", () => {
    for (const bad of [1.35, "1.35.2", "latest"]) {
      expect(problemsOf(withVersion(bad))).toEqual([["kubernetesVersion", bad, `kubernetesVersion: ${JSON.stringify(bad)} is not allowed; ${KUBERNETES_VERSION_RULE}`]]);
    }
    expect(problemsOf({ cluster: { name: "nats", tier: "dev" }, kubernetesVersion: "1.30.1" }).map(([field]) => field)).toEqual(["kubernetesVersion"]);
  });

  it("is not needed by a supercluster without zones, nor by a single cluster", () => {
    expect(problemsOf(withVersion(undefined, withoutZones(shipped)))).toEqual([]);
    expect(problemsOf(withVersion("1.20", withoutZones(shipped)))).toEqual([]);
    expect(problemsOf({ cluster: { name: "nats", tier: "dev" } })).toEqual([]);
  });
});

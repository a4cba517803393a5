/**
 * The scheduling knobs every cluster takes (`cluster.pod`): node selector, tolerations, priority class, image
 * pull secrets, labels and annotations, on the StatefulSet's pods and checked against the Kubernetes schema;
 * the cluster's own labels and annotations kept; each bad value refused by its path.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Problems } from "../../components/model/errors";
import { resolvePodSettings } from "../../components/model/pod-settings";
import { onNodePool, withNodePoolScheduling } from "../../components/model/aws-scheduling";
import { ClusterSpec } from "../../components/model/cluster";
import { expectEachValid } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";

const { mocks, components, deploy } = await componentStack({ preview: false });
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";

describe("a cluster with pod settings", () => {
  beforeAll(async () => {
    await deploy(
      () =>
        new components.JetStreamCluster("nats", {
          cluster: {
            name: "nats",
            tier: "small",
            pod: {
              nodeSelector: { "node.kubernetes.io/instance-type": "m6i.xlarge" },
              tolerations: [{ key: "dedicated", operator: "Equal", value: "nats", effect: "NoSchedule" }, { operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 }],
              priorityClassName: "nats-critical",
              imagePullSecrets: ["registry-creds"],
              labels: { team: "messaging" },
              annotations: { "example.com/owner": "platform" },
            },
          },
        }),
    );
  });

  it("puts each on the server pods, beside the cluster's own, and the StatefulSet stays valid", () => {
    const [statefulSet] = mocks.ofType(STATEFUL_SET);
    const template = statefulSet.inputs.spec.template;
    expect(template.spec.nodeSelector).toEqual({ "node.kubernetes.io/instance-type": "m6i.xlarge" });
    expect(template.spec.tolerations).toEqual([
      { key: "dedicated", operator: "Equal", value: "nats", effect: "NoSchedule" },
      { operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
    ]);
    expect(template.spec.priorityClassName).toBe("nats-critical");
    expect(template.spec.imagePullSecrets).toEqual([{ name: "registry-creds" }]);
    expect(template.metadata.labels).toMatchObject({ team: "messaging", "app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "nats" });
    expect(template.metadata.annotations).toEqual({ "example.com/owner": "platform", "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" });
    // The selector stays the cluster's alone: extra pod labels never change what the StatefulSet selects.
    expect(statefulSet.inputs.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "nats" });
    expectEachValid(mocks.kubernetesObjects());
  });

  it("leaves the fields out of a cluster that sets none", async () => {
    await deploy(() => new components.JetStreamCluster("plain", { cluster: { name: "plain", tier: "small" } }));
    const spec = mocks.ofType(STATEFUL_SET)[0].inputs.spec.template.spec;
    for (const field of ["nodeSelector", "tolerations", "priorityClassName", "imagePullSecrets"]) expect(spec[field]).toBeUndefined();
  });
});

describe("pod settings that Kubernetes or the cluster would refuse", () => {
  it.each([
    [{ labels: { "app.kubernetes.io/instance": "other" } }, "pod.labels.app.kubernetes.io/instance", /leave app.kubernetes.io\/instance to the cluster/],
    [{ annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "true" } }, "pod.annotations.cluster-autoscaler.kubernetes.io/safe-to-evict", /leave/],
    [{ labels: { team: "not a value" } }, "pod.labels.team", /label value/],
    [{ nodeSelector: { "bad key!": "x" } }, "pod.nodeSelector.bad key!", /Kubernetes key/],
    [{ tolerations: [{ key: "dedicated", operator: "Exists", value: "nats" }] }, "pod.tolerations[0].value", /leave value out with operator Exists/],
    [{ tolerations: [{ value: "nats" }] }, "pod.tolerations[0].key", /name the taint key/],
    [{ tolerations: [{ key: "dedicated", value: "nats", effect: "NoSchedule", tolerationSeconds: 10 }] }, "pod.tolerations[0].tolerationSeconds", /only with effect NoExecute/],
    [{ imagePullSecrets: ["Registry Creds"] }, "pod.imagePullSecrets[0]", /name a Secret/],
  ] as const)("refuses %j at its path", (pod, path, allowed) => {
    const problems = new Problems();
    resolvePodSettings(pod as never, "pod", problems);
    expect(problems.all.map((problem) => problem.path)).toEqual([path]);
    expect(problems.all[0].allowed).toMatch(allowed);
  });

  it("refuses them through the component before anything is created", async () => {
    mocks.reset();
    expect(() => new components.JetStreamCluster("bad", { cluster: { name: "bad", tier: "small", pod: { priorityClassName: "Not_Valid" } } })).toThrow(/cluster\.pod\.priorityClassName/);
    await mocks.settle();
    expect(mocks.resources).toEqual([]);
  });
});

describe("a cluster on a NATS node pool", () => {
  it("selects the pool's label and tolerates its taint, keeping the stack's own settings", () => {
    expect(onNodePool({ nodeSelector: { disk: "nvme" }, priorityClassName: "nats-critical" }, "nats-events")).toEqual({
      nodeSelector: { disk: "nvme", "nats.io/pool": "nats-events" },
      priorityClassName: "nats-critical",
      tolerations: [{ key: "dedicated", operator: "Equal", value: "nats", effect: "NoSchedule" }],
    });
  });

  it("is pinned only when the stack gives it a pool", () => {
    const cluster: ClusterSpec = { name: "events", tier: "small" };
    expect(withNodePoolScheduling({ cluster }).cluster).toBe(cluster);
    expect(withNodePoolScheduling({ cluster, aws: { clusterName: "platform" } }).cluster?.pod?.nodeSelector).toEqual({ "nats.io/pool": "nats-events" });
  });
});

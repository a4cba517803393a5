import { describe, expect, it } from "vitest";
import { readConfText } from "../../cli/diff/conf-text";
import { fieldChanges } from "../../cli/diff/field-diff";
import { maskGenerated } from "../../cli/diff/generated-material";
import { formatMarkdown } from "../../cli/diff/markdown";
import { DiffReport } from "../../cli/diff/report";
import { KubernetesObject, RenderedStack } from "../../cli/diff/rendered-stack";
import { refusedReloads } from "../../cli/diff/reloadable-settings";
import { diffStack } from "../../cli/diff/stack-diff";
import { ConfVariable, renderConf } from "../../components/model/conf";

function object(kind: string, name: string, spec: Record<string, unknown> = {}, extra: Partial<KubernetesObject> = {}): KubernetesObject {
  return { apiVersion: "v1", kind, metadata: { name, namespace: "nats" }, spec, ...extra };
}

function stack(objects: KubernetesObject[], more: Partial<RenderedStack> = {}): RenderedStack {
  return { objects: objects.map((item) => ({ cluster: "", object: item })), serverConfigs: {}, plan: [], users: {}, ...more };
}

function statefulSet(spec: Record<string, unknown> = {}): KubernetesObject {
  return object("StatefulSet", "nats", {
    replicas: 3,
    selector: { matchLabels: { app: "nats" } },
    serviceName: "nats-headless",
    podManagementPolicy: "Parallel",
    template: { spec: { containers: [{ name: "nats", image: "nats:2.14.6" }], volumes: [{ name: "config", configMap: { name: "nats-config" } }] } },
    volumeClaimTemplates: [{ metadata: { name: "jetstream" }, spec: { storageClassName: "nats-ssd", resources: { requests: { storage: "20Gi" } } } }],
    ...spec,
  });
}

function claim(ordinal: number, spec: Record<string, unknown> = {}, patched = true): KubernetesObject {
  const item = object("PersistentVolumeClaim", `jetstream-nats-${ordinal}`, { storageClassName: "nats-ssd", resources: { requests: { storage: "20Gi" } }, ...spec });
  if (patched) item.metadata.annotations = { "pulumi.com/patchForce": "true" };
  return item;
}

const claims = (spec: Record<string, unknown> = {}) => [0, 1, 2].map((ordinal) => claim(ordinal, spec));
const stream = (spec: Record<string, unknown>) => object("Stream", "app-jobs", { name: "JOBS", replicas: 3, retention: "workqueue", preventDelete: true, ...spec });

function risks(base: RenderedStack, head: RenderedStack): string[] {
  return diffStack("s", base, head).risks.map((risk) => `${risk.kind} ${risk.subject}`);
}

describe("the risks of a stack's diff", () => {
  it("puts a deleted claim and StatefulSet above everything else, and says a patched claim is kept", () => {
    const diff = diffStack("s", stack([statefulSet(), ...claims(), claim(3, {}, false), stream({})]), stack([stream({ replicas: 1 })]));
    expect(diff.risks.map((risk) => `${risk.kind} ${risk.subject}`)).toEqual([
      "pvc-removed PersistentVolumeClaim nats/jetstream-nats-0",
      "pvc-removed PersistentVolumeClaim nats/jetstream-nats-1",
      "pvc-removed PersistentVolumeClaim nats/jetstream-nats-2",
      "pvc-removed PersistentVolumeClaim nats/jetstream-nats-3",
      "statefulset-deleted StatefulSet nats/nats",
      "stream-changed JOBS",
    ]);
    expect(diff.risks[0].detail).toMatch(/kept in the cluster/);
    expect(diff.risks[3].detail).toMatch(/deleted, and its volume's data with it/);
  });

  it("calls a change to a field Kubernetes forbids a replace, and a patched claim template's change not one", () => {
    expect(risks(stack([statefulSet(), ...claims()]), stack([statefulSet({ selector: { matchLabels: { app: "other" } }, serviceName: "x" }), ...claims()]))).toEqual([
      "statefulset-replaced StatefulSet nats/nats",
    ]);
    const grown = [{ metadata: { name: "jetstream" }, spec: { storageClassName: "nats-ssd", resources: { requests: { storage: "50Gi" } } } }];
    expect(risks(stack([statefulSet(), ...claims()]), stack([statefulSet({ volumeClaimTemplates: grown }), ...claims({ resources: { requests: { storage: "50Gi" } } })]))).toEqual(
      [0, 1, 2].map((ordinal) => `volume-resized PersistentVolumeClaim nats/jetstream-nats-${ordinal}`),
    );
    expect(risks(stack([statefulSet()]), stack([statefulSet({ volumeClaimTemplates: grown })]))).toEqual(["statefulset-replaced StatefulSet nats/nats"]);
  });

  it("flags a claim's storage class change and a shrink as refused by Kubernetes", () => {
    const diff = diffStack("s", stack([claim(0)]), stack([claim(0, { storageClassName: "nats-nvme", resources: { requests: { storage: "10Gi" } } })]));
    expect(diff.risks.map((risk) => risk.kind)).toEqual(["storage-class-changed", "volume-resized"]);
    expect(diff.risks[0].detail).toMatch(/nats-ssd → nats-nvme/);
    expect(diff.risks[1].detail).toMatch(/20Gi → 10Gi: Kubernetes refuses to shrink/);
  });

  it("gives a server count change its quorums, and names the servers a shrink removes", () => {
    const grow = diffStack("s", stack([statefulSet(), stream({})]), stack([statefulSet({ replicas: 5 }), stream({})]));
    expect(grow.risks.map((risk) => risk.kind)).toEqual(["server-count-changed"]);
    expect(grow.risks[0].detail).toMatch(/^3 → 5 servers: meta-group quorum 2 → 3;.*R3 streams keep quorum \(2 of 3\)/);
    const shrink = diffStack("s", stack([statefulSet({ replicas: 5 }), stream({ replicas: 5 })]), stack([statefulSet(), stream({ replicas: 5 })]));
    expect(shrink.risks[0].detail).toMatch(/nats-3, nats-4 leave/);
    expect(shrink.risks[0].detail).toMatch(/more replicas than 3 servers cannot be placed/);
  });

  it("tells a pod restart from a config change the reloader applies live", () => {
    const config = (text: string) => object("ConfigMap", "nats-config", undefined, { spec: undefined, data: { "nats.conf": text } });
    const restarted = statefulSet({ template: { spec: { containers: [{ name: "nats", image: "nats:2.14.7" }], volumes: [{ name: "config", configMap: { name: "nats-config" } }] } } });
    const before = config('port: 4222\nmax_payload: 1048576\ncluster: {\n  name: "nats"\n  port: 6222\n}\n');
    const after = config('port: 4222\nmax_payload: 2097152\ncluster: {\n  name: "nats"\n  port: 6222\n}\n');
    expect(risks(stack([statefulSet(), before]), stack([statefulSet(), after]))).toEqual(["config-reloaded ConfigMap nats/nats-config"]);
    expect(risks(stack([statefulSet(), before]), stack([restarted, after]))).toEqual(["pods-restart StatefulSet nats/nats"]);
  });

  it("says a config change with a setting nats-server will not reload needs a restart, and ranks it above a live reload", () => {
    const config = (name: string, text: string) => object("ConfigMap", name, undefined, { spec: undefined, data: { "nats.conf": text } });
    const mounting = (name: string, configMap: string) => ({ ...statefulSet({ template: { spec: { volumes: [{ name: "config", configMap: { name: configMap } }] } } }), metadata: { name, namespace: "nats" } });
    const base = stack([mounting("a", "a-config"), mounting("b", "b-config"), config("a-config", "max_payload: 1\n"), config("b-config", 'max_payload: 1\ncluster: { port: 6222, name: "b" }\n')]);
    const head = stack([mounting("a", "a-config"), mounting("b", "b-config"), config("a-config", "max_payload: 2\n"), config("b-config", 'max_payload: 2\ncluster: { port: 7222, name: "b" }\n')]);
    const diff = diffStack("s", base, head);
    expect(diff.risks.map((risk) => `${risk.kind} ${risk.subject}`)).toEqual(["config-needs-restart ConfigMap nats/b-config", "config-reloaded ConfigMap nats/a-config"]);
    expect(diff.risks[0].detail).toMatch(/refused for cluster\.port[,;]/);
    expect(diff.risks[0].detail).toMatch(/won't apply until the next restart/);
  });

  it("names the users whose creds change: new, deleted, rotated or with new permissions", () => {
    const creds = (user: string) => object("Secret", `nats-${user}-creds`, undefined, { spec: undefined, stringData: { [`${user}.creds`]: "<redacted>" } });
    const key = (user: string, rotation: string) => ({ type: "random:index/randomBytes:RandomBytes", name: `nats-user-key-${user}`, inputs: { keepers: { rotation } } });
    const base = stack([creds("api"), creds("old")], { plan: [key("api", "initial"), key("worker", "initial")], users: { "app/worker": { worker: { stream: "JOBS" } } } });
    const head = stack([creds("api"), creds("new")], { plan: [key("api", "2026-01"), key("worker", "initial")], users: { "app/worker": { worker: { stream: "OTHER" } } } });
    const diff = diffStack("s", base, head);
    expect(diff.risks.map((risk) => `${risk.kind} ${risk.subject}`)).toEqual(["credentials-changed api", "credentials-changed new", "credentials-changed old", "credentials-changed worker"]);
    expect(diff.risks.map((risk) => risk.detail)).toEqual([expect.stringMatching(/key rotated/), expect.stringMatching(/new creds/), expect.stringMatching(/deleted/), expect.stringMatching(/permissions change/)]);
  });

  it("lists each new ingress peer and port of a NetworkPolicy, and a removed policy as an opening", () => {
    const policy = (ingress: unknown[]) => object("NetworkPolicy", "nats", { ingress });
    const client = { from: [{ namespaceSelector: { matchLabels: { team: "a" } } }], ports: [{ port: 4222, protocol: "TCP" }] };
    const wider = { from: [...client.from, { namespaceSelector: { matchLabels: { team: "b" } } }], ports: [...client.ports, { port: 8222, protocol: "TCP" }] };
    const opened = diffStack("s", stack([policy([client])]), stack([policy([wider])])).risks;
    expect(opened.map((risk) => risk.kind)).toEqual(["network-opened", "network-opened", "network-opened"]);
    expect(opened.map((risk) => risk.detail).join("\n")).toMatch(/team":"b".*TCP 4222/);
    expect(diffStack("s", stack([policy([wider])]), stack([policy([client])])).risks).toEqual([]);
    expect(risks(stack([policy([client])]), stack([]))).toEqual(["network-opened NetworkPolicy nats/nats"]);
  });
});

describe("the field changes of an object", () => {
  it("names a Secret's changed keys without their values", () => {
    const secret = (value: string) => ({ kind: "Secret", stringData: { "api.creds": value }, data: { token: value } });
    expect(fieldChanges("Secret", secret("old"), secret("new"))).toEqual([
      { path: "data.token", secret: true },
      { path: 'stringData["api.creds"]', secret: true },
    ]);
  });

  it("matches list items by name and shows a multi-line text as a line diff", () => {
    const pod = (image: string, text: string) => ({ containers: [{ name: "a", image: "x" }, { name: "b", image }], text });
    const changes = fieldChanges("ConfigMap", pod("nats:1", "one\ntwo\n"), pod("nats:2", "one\nthree\n"));
    expect(changes.map((change) => change.path)).toEqual(["containers[b].image", "text"]);
    expect(changes[1].lineDiff).toMatch(/^-two$/m);
    expect(changes[1].lineDiff).toMatch(/^\+three$/m);
  });
});

describe("generated material", () => {
  it("becomes a fingerprint: JWTs, nkey public keys and seeds", () => {
    const jwt = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJVIn0.c2lnbmF0dXJl";
    const account = `A${"B".repeat(55)}`;
    const seed = `SU${"A".repeat(56)}`;
    const masked = maskGenerated(`${account}: "${jwt}" ${seed}`);
    expect(masked).toMatch(/^<nkey A… #[0-9a-f]{8}>: "<JWT #[0-9a-f]{8}>" <nkey seed>$/);
    expect(maskGenerated(jwt)).not.toEqual(maskGenerated(jwt.replace("c2ln", "c2lm")));
  });
});

describe("the Markdown report", () => {
  const unchanged = diffStack("quiet", stack([statefulSet()]), stack([statefulSet()]));
  const changed = diffStack("busy", stack([statefulSet(), ...claims()]), stack([statefulSet({ serviceName: "x", replicas: 5 }), ...claims({ resources: { requests: { storage: "40Gi" } } })]));
  const report = (stacks = [changed, unchanged]): DiffReport => ({ base: { ref: "HEAD", commit: "0123456789abcdef" }, stacks });

  it("gives each stack one collapsible section, risks before objects, and 'no changes' for an unchanged one", () => {
    const text = formatMarkdown(report());
    expect(text.match(/<details>/g)).toHaveLength(2);
    expect(text).toMatch(/<summary><b>quiet<\/b>: no changes<\/summary>/);
    const busy = text.slice(text.indexOf("<b>busy</b>"), text.indexOf("<b>quiet</b>"));
    const titles = [...busy.matchAll(/^- \*\*([^*]+)\*\*/gm)].map((match) => match[1]);
    expect(titles).toEqual(["StatefulSet replaced", "Volume resized", "Volume resized", "Volume resized", "Server count changed"]);
    expect(busy.indexOf("Server count changed")).toBeLessThan(busy.indexOf("| change | object |"));
  });

  it("stays under the cap, cutting detail from the largest stacks first and saying so", () => {
    const many = Array.from({ length: 40 }, (_, index) => ({ ...changed, stack: `stack${String(index).padStart(2, "0")}` }));
    const full = formatMarkdown(report(many), Number.MAX_SAFE_INTEGER);
    const cap = Math.floor(full.length * 0.8);
    const cut = formatMarkdown(report(many), cap);
    expect(cut.length).toBeLessThanOrEqual(cap);
    expect(cut).toMatch(/Cut to fit a PR comment/);
    expect(cut.match(/<details>/g)).toHaveLength(40);
    const tiny = formatMarkdown(report(many), 4_000);
    expect(tiny.length).toBeLessThanOrEqual(4_000);
    expect(tiny.match(/<details>/g)!.length).toBe(tiny.match(/<\/details>/g)!.length);
    expect(tiny).toMatch(/Left out to fit a PR comment: .*stack39\./);
  });
});

describe("which nats.conf changes a reload signal applies", () => {
  it("reads back the settings the project's nats.conf writer wrote, a variable reference as its text", () => {
    const config = { server_name: new ConfVariable("SERVER_NAME"), port: 4222, cluster: { routes: ["nats://a:6222", "nats://b:6222"], no_advertise: true }, jetstream: {} };
    expect(readConfText(renderConf(config, "a header\nof two lines"))).toEqual({ ...config, server_name: "$SERVER_NAME" });
  });

  it("judges a block's nested keys: the cluster reloads but for its listener, JetStream reloads only its switch", () => {
    const base = { max_payload: 1, cluster: { name: "a", port: 6222, routes: ["x"] }, jetstream: { store_dir: "/data", max_file_store: 1 } };
    expect(refusedReloads(base, { ...base, max_payload: 2, cluster: { name: "b", port: 6222, routes: ["y"] } })).toEqual([]);
    expect(refusedReloads(base, { ...base, cluster: { ...base.cluster, port: 7222 }, jetstream: { store_dir: "/other", max_file_store: 2 } })).toEqual([
      "cluster.port",
      "jetstream.max_file_store",
      "jetstream.store_dir",
    ]);
    expect(refusedReloads(base, { ...base, server_name: "x", gateway: { name: "g" } })).toEqual(["gateway", "server_name"]);
  });
});

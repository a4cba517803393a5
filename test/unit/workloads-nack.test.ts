import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { ValidationError } from "../../components/model/errors";
import { validateJetStreamResourceSet } from "../../components/model/jetstream-resource-set";
import { goDuration } from "../../components/workloads/go-duration";
import { nackController, nackCredsPath } from "../../components/workloads/nack-controller";
import { nackObjects } from "../../components/workloads/nack-objects";
import { objectName } from "../../components/workloads/object-names";

const cluster = validateCluster({ name: "nats", tier: "small" });
const accounts = [{ name: "APP", users: [{ name: "worker" }] }, { name: "BILLING", users: [] }];
const placement = { namespace: "nats", credsPath: (account: string) => nackCredsPath(account) };

describe("Go durations for NACK", () => {
  it.each([
    [0, "0s"],
    [30e9, "30s"],
    [90e9, "1m30s"],
    [720 * 3600e9, "720h"],
    [5400e9 + 500e6, "1h30m500ms"],
    [1500, "1us500ns"],
  ])("%d ns is %s", (nanoseconds, text) => {
    expect(goDuration(nanoseconds)).toBe(text);
  });

  it("refuses a fraction or a negative count", () => {
    expect(() => goDuration(1.5)).toThrow(/not a whole, non-negative number of nanoseconds/);
    expect(() => goDuration(-1)).toThrow();
  });
});

describe("NACK objects", () => {
  const resources = validateJetStreamResourceSet(
    {
      streams: [
        {
          name: "ORDERS",
          account: "APP",
          subjects: ["orders.>"],
          retention: "workqueue",
          consumers: [{ durable: "fulfil", ackWait: "1m", maxDeliver: 1, maxAckPending: 10, workerUser: "worker" }],
        },
        { name: "INVOICES", account: "BILLING", subjects: ["invoices.>"], maxAge: "2160h" },
      ],
      keyValues: [{ bucket: "sessions", account: "APP", ttl: "1h", history: 2 }],
    },
    { cluster, accounts },
  );
  const objects = nackObjects(resources, placement);

  it("writes a Stream from the stream's API settings, with its account's creds", () => {
    expect(objects.streams[0]).toEqual({
      apiVersion: "jetstream.nats.io/v1beta2",
      kind: "Stream",
      metadata: {
        name: "app-orders",
        namespace: "nats",
        labels: {
          "app.kubernetes.io/name": "app-orders",
          "app.kubernetes.io/instance": "app-orders",
          "app.kubernetes.io/component": "stream",
          "app.kubernetes.io/part-of": "nats-jetstream",
          "app.kubernetes.io/managed-by": "pulumi",
        },
      },
      spec: {
        name: "ORDERS",
        subjects: ["orders.>"],
        retention: "workqueue",
        storage: "file",
        replicas: 3,
        maxBytes: -1,
        maxMsgs: -1,
        discard: "new",
        duplicateWindow: "2m",
        creds: "/etc/nack/creds/app/user.creds",
        preventDelete: true,
      },
    });
    expect(objects.streams[1].spec).toMatchObject({ maxAge: "2160h", creds: "/etc/nack/creds/billing/user.creds" });
  });

  it("writes a Consumer bound to its stream, deleted with its object", () => {
    expect(objects.consumers[0].metadata.name).toBe("app-orders-fulfil");
    expect(objects.consumers[0].spec).toEqual({
      streamName: "ORDERS",
      durableName: "fulfil",
      ackPolicy: "explicit",
      ackWait: "1m",
      maxDeliver: 1,
      maxAckPending: 10,
      deliverPolicy: "all",
      replayPolicy: "instant",
      creds: "/etc/nack/creds/app/user.creds",
      preventDelete: false,
    });
  });

  it("writes a KeyValue with its ttl as a Go duration", () => {
    expect(objects.keyValues[0].metadata.name).toBe("app-kv-sessions");
    expect(objects.keyValues[0].spec).toEqual({
      bucket: "sessions",
      history: 2,
      ttl: "1h",
      replicas: 3,
      storage: "file",
      maxBytes: -1,
      maxValueSize: -1,
      creds: "/etc/nack/creds/app/user.creds",
      preventDelete: true,
    });
  });

  it("lets a stack allow deleting streams with their objects", () => {
    expect(nackObjects(resources, { ...placement, preventDelete: false }).streams[0].spec.preventDelete).toBe(false);
  });

  it("refuses two NATS names that fold to one Kubernetes name", () => {
    const clash = validateJetStreamResourceSet(
      { streams: [{ name: "Orders_EU", account: "APP", subjects: ["a"], maxAge: "1h" }, { name: "orders-eu", account: "APP", subjects: ["b"], maxAge: "1h" }] },
      { cluster, accounts },
    );
    expect(() => nackObjects(clash, placement)).toThrow(ValidationError);
    expect(() => nackObjects(clash, placement)).toThrow(
      `streams: "stream orders-eu" is not allowed; rename it: its Kubernetes name app-orders-eu is also the name of stream Orders_EU`,
    );
  });

  it("folds NATS names into DNS names", () => {
    expect(objectName("lightdash", "WAREHOUSE_QUERY_JOBS")).toBe("lightdash-warehouse-query-jobs");
    expect(objectName("$G", "__x__")).toBe("g-x");
  });
});

describe("the NACK controller", () => {
  const controller = nackController({
    namespace: "nats",
    natsUrl: "nats://nats.nats.svc:4222",
    accounts: [{ account: "APP", secretName: "nack-app-creds" }, { account: "BILLING", secretName: "nack-billing-creds", key: "billing.creds" }],
  });
  const pod = controller.deployment.spec as { replicas: number; template: { spec: Record<string, any> } };
  const container = pod.template.spec.containers[0];

  it("runs one controller in control-loop mode, watching its own namespace", () => {
    expect(pod.replicas).toBe(1);
    expect(container.command).toEqual([
      "/jetstream-controller",
      "--control-loop=true",
      "--namespace=nats",
      "-s=nats://nats.nats.svc:4222",
      "--creds=/etc/nack/creds/app/user.creds",
    ]);
    expect(container.image).toBe("natsio/jetstream-controller:0.24.0");
  });

  it("mounts each account's creds where the NACK objects of that account look for them", () => {
    expect(pod.template.spec.volumes.filter((volume: any) => volume.secret).map((volume: any) => [volume.secret.secretName, volume.secret.items[0].key])).toEqual([
      ["nack-app-creds", "user.creds"],
      ["nack-billing-creds", "billing.creds"],
    ]);
    expect(container.volumeMounts.map((mount: any) => mount.mountPath)).toEqual(["/nack", "/etc/nack/creds/app", "/etc/nack/creds/billing"]);
    expect(nackCredsPath("BILLING", "billing.creds")).toBe("/etc/nack/creds/billing/billing.creds");
  });

  it("may manage NACK objects and record events, in its namespace only", () => {
    expect(controller.role.kind).toBe("Role");
    expect(controller.role.rules).toContainEqual(expect.objectContaining({ apiGroups: ["jetstream.nats.io"], resources: expect.arrayContaining(["streams", "consumers", "keyvalues", "keyvalues/status"]) }));
    expect(controller.roleBinding.subjects).toEqual([{ kind: "ServiceAccount", name: "nack", namespace: "nats" }]);
    expect(JSON.stringify(controller.role.rules)).not.toContain("secrets");
  });

  it("connects without creds and mounts none for servers without auth", () => {
    const anonymous = nackController({ namespace: "site", natsUrl: "nats://site.site.svc.cluster.local:4222", accounts: [] });
    const container = (anonymous.deployment.spec as typeof pod).template.spec.containers[0];
    expect(container.command.filter((flag: string) => flag.startsWith("--creds"))).toEqual([]);
    expect(container.volumeMounts.map((mount: any) => mount.mountPath)).toEqual(["/nack"]);
  });
});

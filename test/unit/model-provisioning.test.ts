/**
 * The model's provisioning: which cluster each stream and bucket lands in (`cluster:`, default the JetStream
 * home), how it gets there (placement in a supercluster, a site's own domain), which accounts need a
 * provisioner, and the refusals of a cluster name the topology lacks, of an account a site without auth
 * cannot hold, and of two clusters that would share one NACK controller's namespace.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../components/model/errors";
import { streamSettings } from "../../components/model/jetstream-config";
import { provisionedObjects, stackProvisioning } from "../../components/model/provisioning";
import { resolveStack, StackSpec } from "../../components/model/stack";

/** Gateways crossing Kubernetes clusters need TLS and load balancers that admit only the peers. */
const member = (name: string, servers = 3) => ({
  name,
  tier: "small" as const,
  servers,
  region: `${name}-1`,
  kubernetes: { context: name },
  gatewayService: { loadBalancerSourceRanges: ["203.0.113.0/24"] },
});
const orders = { name: "orders", subjects: ["orders.>"], users: [{ name: "api", permissions: { publish: ["orders.>"] } }] };

function supercluster(streams: StackSpec["streams"], keyValues: StackSpec["keyValues"] = []): StackSpec {
  return { supercluster: { clusters: [member("east"), member("west")], gatewayTls: { issuer: { name: "nats-links" } } }, accounts: [orders], streams, keyValues };
}

/** JetStream storage that fits the dev-tier site, which enforces its local account's limits itself. */
const SITE_SIZED = { memStorage: "64Mi", diskStorage: "256Mi" };

function hubLeaf(site: Record<string, unknown>, streams: StackSpec["streams"]): StackSpec {
  return {
    hubLeaf: {
      // The site runs in the hub's Kubernetes cluster, so its link stays inside it, in plain text.
      hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" } },
      sites: [{ name: "shop", tier: "dev", jetstream: { domain: "shop" }, account: "edge", user: "shop-leaf", ...site }],
    },
    accounts: [
      { name: "edge", subjects: ["shop.>", "hub.>"], limits: { leaf: 2, jetstream: SITE_SIZED }, users: [{ name: "shop-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["shop.>"], subscribe: ["_INBOX.>"] } }] },
      { name: "plant", subjects: ["local.>"], limits: { jetstream: SITE_SIZED }, users: [] },
    ],
    streams,
  } as StackSpec;
}

function problemsOf(spec: StackSpec): string[] {
  try {
    resolveStack("test", spec);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.problems.map((problem) => problem.path);
  }
}

describe("where streams and buckets land", () => {
  it("places a supercluster's stream in the member it names, and a bucket without one in the JetStream home", () => {
    const stack = resolveStack("test", supercluster([{ name: "ORDERS", account: "orders", cluster: "west", subjects: ["orders.>"], maxAge: "24h" }], [{ bucket: "status", account: "orders" }]));
    const provisioning = stackProvisioning(stack);
    expect(provisioning.targets.map((target) => [target.cluster.name, target.placed])).toEqual([
      ["east", true],
      ["west", true],
    ]);
    expect(provisionedObjects(provisioning)).toEqual([
      { cluster: "east", account: "orders", kind: "bucket", name: "status" },
      { cluster: "west", account: "orders", kind: "stream", name: "ORDERS" },
    ]);
    expect(provisioning.provisionerAccounts).toEqual(["orders"]);
    expect(streamSettings(stack.jetstream.streams[0]).placement).toEqual({ cluster: "west", tags: [] });
  });

  it("resolves a stream's defaults against the cluster it lands in", () => {
    const stack = resolveStack("test", hubLeaf({ localAccount: "plant" }, [{ name: "LOCAL", account: "plant", cluster: "shop", subjects: ["local.>"], maxAge: "1h" }]));
    expect(stack.jetstream.streams[0]).toMatchObject({ cluster: "shop", replicas: 1, placementCluster: undefined });
    expect(streamSettings(stack.jetstream.streams[0]).placement).toBeUndefined();
  });

  it("creates an open site's stream without a provisioner, in the account its link binds", () => {
    const provisioning = stackProvisioning(resolveStack("test", hubLeaf({ anonymousClients: true }, [{ name: "LOCAL", account: "edge", cluster: "shop", subjects: ["shop.local.>"], maxAge: "1h" }])));
    expect(provisioning.targets.map((target) => [target.cluster.name, target.domain, target.defaultAccount])).toEqual([["shop", "shop", "edge"]]);
    expect(provisioning.provisionerAccounts).toEqual([]);
  });
});

describe("refusals", () => {
  it("refuses a cluster the topology lacks, naming the ones it has", () => {
    const failure = (() => {
      try {
        resolveStack("test", supercluster([{ name: "ORDERS", account: "orders", cluster: "north", subjects: ["orders.>"], maxAge: "24h" }]));
      } catch (error) {
        return error as ValidationError;
      }
    })();
    expect(failure?.message).toContain('streams[0].cluster: "north" is not allowed; name one of the topology\'s clusters: east, west');
  });

  it("refuses another cluster in a one-cluster stack", () => {
    expect(problemsOf({ cluster: { name: "nats", tier: "dev" }, accounts: [orders], keyValues: [{ bucket: "b", account: "orders", cluster: "other" }] })).toEqual(["keyValues[0].cluster"]);
  });

  it("refuses an account other than its link's on an open site", () => {
    expect(problemsOf(hubLeaf({ anonymousClients: true }, [{ name: "LOCAL", account: "plant", cluster: "shop", subjects: ["local.>"], maxAge: "1h" }]))).toEqual(["streams[0].account"]);
  });

  it("refuses two clusters holding objects in one namespace of one Kubernetes cluster", () => {
    const spec = hubLeaf({ localAccount: "plant" }, [
      { name: "HUB", account: "edge", subjects: ["hub.>"], maxAge: "1h" },
      { name: "LOCAL", account: "plant", cluster: "shop", subjects: ["local.>"], maxAge: "1h" },
    ]);
    expect(problemsOf(spec)).toEqual(["streams[1].cluster"]);
    const apart = hubLeaf({ localAccount: "plant", namespace: "shop" }, spec.streams);
    expect(problemsOf(apart)).toEqual([]);
  });
});

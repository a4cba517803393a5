/** Which users and subjects the smoke check of a supercluster or a hub with leaf sites works through. */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { localAdminName } from "../../components/local/local-credentials";
import { planCrossClusterCheck, planLeafChecks, planPlacementCheck } from "../../components/local/topology-smoke-plan";
import { HubAndLeafTopology } from "../../components/model/leaf";
import { readStackFile, resolveStack, stackFilePath, StackSpec } from "../../components/model/stack";
import { SuperClusterTopology } from "../../components/model/supercluster";

const PROJECT_DIR = path.resolve(__dirname, "../..");

function stackNamed(name: string) {
  return resolveStack(name, readStackFile(stackFilePath(PROJECT_DIR, name)));
}

/** The local admins a run adds: one per account with JetStream. */
function adminsOf(stack: ReturnType<typeof resolveStack>): Record<string, string> {
  return Object.fromEntries(stack.accounts.filter((account) => account.limits.jetstream !== undefined).map((account) => [account.name, localAdminName(account.name)]));
}

function leafPlan(spec: StackSpec) {
  const stack = resolveStack("test", spec);
  return planLeafChecks((stack.topology as { hubAndLeaf: HubAndLeafTopology }).hubAndLeaf, stack.accounts, adminsOf(stack)).map((check) =>
    "reason" in check
      ? { site: check.site.cluster.name, reason: check.reason }
      : {
          site: check.site.cluster.name,
          siteUser: check.siteUser?.name,
          up: check.up,
          hubReceiver: check.hubReceiver.name,
          down: check.down,
          hubSender: check.hubSender.name,
          blocked: check.blocked,
          hubJetStream: check.hubJetStream,
        },
  );
}

describe("the supercluster smoke check", () => {
  it("sends orders.smoke from orders-api to orders-audit and places a stream from the first cluster in the last by its tag", () => {
    const stack = stackNamed("supercluster");
    const crossing = planCrossClusterCheck(stack.accounts);
    expect(crossing && { account: crossing.account, publisher: crossing.publisher.name, subscriber: crossing.subscriber.name, subject: crossing.subject }).toEqual({
      account: "orders",
      publisher: "orders-api",
      subscriber: "orders-audit",
      subject: "orders.smoke",
    });
    const placement = planPlacementCheck((stack.topology as { superCluster: SuperClusterTopology }).superCluster, adminsOf(stack));
    expect(placement && { admin: placement.admin, from: placement.from.name, to: placement.to.name, tag: placement.tag, replicas: placement.replicas }).toEqual({
      admin: "orders.admin",
      from: "us-east",
      to: "ap-south",
      tag: "cluster:ap-south",
      replicas: 3,
    });
  });

  it("sends nothing across when no user may publish what another may subscribe to", () => {
    const stack = resolveStack("test", {
      supercluster: { clusters: ["east", "west"].map((name) => ({ name, tier: "small", region: name, gatewayService: { type: "ClusterIP" as const } })) },
      accounts: [{ name: "app", subjects: ["a.>", "b.>"], users: [{ name: "writer", permissions: { publish: ["a.>"] } }, { name: "reader", permissions: { subscribe: ["b.>"] } }] }],
    });
    expect(planCrossClusterCheck(stack.accounts)).toBeUndefined();
  });
});

describe("the hub-leaf smoke check", () => {
  it("uses each site's leaf user's subjects, the hub's client user, the site's own client user and the hub stream the site publishes into", () => {
    const hubLeaf = readStackFile(stackFilePath(PROJECT_DIR, "hub-leaf"));
    // The site clients may publish nothing the leaf user refuses, so no subject is left to check as refused.
    expect(leafPlan(hubLeaf)).toEqual([
      {
        site: "factory",
        siteUser: "factory-app",
        up: "factory.smoke",
        hubReceiver: "hub-app",
        down: "hub.factory.smoke",
        hubSender: "hub-app",
        blocked: undefined,
        hubJetStream: { domain: "hub", stream: "FACTORY_EVENTS", subject: "factory.events.smoke", admin: "edge.admin" },
      },
      {
        site: "branch",
        siteUser: "branch-app",
        up: "branch.smoke",
        hubReceiver: "hub-app",
        down: "hub.branch.smoke",
        hubSender: "hub-app",
        blocked: undefined,
        hubJetStream: { domain: "hub", stream: "BRANCH_EVENTS", subject: "branch.events.smoke", admin: "edge.admin" },
      },
    ]);
  });

  it("tries hub JetStream from a site only through a hub stream it names that its client may use", () => {
    const hubLeaf = readStackFile(stackFilePath(PROJECT_DIR, "hub-leaf"));
    const [factory, branch] = hubLeaf.hubLeaf!.sites;
    const [none] = leafPlan({ ...hubLeaf, hubLeaf: { ...hubLeaf.hubLeaf!, sites: [{ ...factory, hubStreams: undefined }, branch] } });
    expect(none).toMatchObject({ site: "factory", siteUser: "factory-app", hubJetStream: undefined });
    const [edge] = hubLeaf.accounts!;
    const withoutInfo = edge.users!.map((user) => (user.name === "factory-app" ? { ...user, permissions: { publish: ["factory.>"], subscribe: ["hub.factory.>"] } } : user));
    const [noInfo] = leafPlan({ ...hubLeaf, accounts: [{ ...edge, users: withoutInfo }] });
    expect(noInfo).toMatchObject({ site: "factory", siteUser: "factory-app", hubJetStream: undefined });
  });

  it("connects to a site in operator mode as a user of its local account, and says why a site has no such user", () => {
    const hubLeaf = readStackFile(stackFilePath(PROJECT_DIR, "hub-leaf"));
    const [factory, branch] = hubLeaf.hubLeaf!.sites;
    const plant = (users: { name: string; admin?: boolean; permissions: { publish?: string[]; subscribe?: string[] } }[]) => ({
      ...hubLeaf,
      hubLeaf: { ...hubLeaf.hubLeaf!, sites: [{ ...factory, localAccount: "plant", clients: undefined }, branch] },
      accounts: [{ name: "plant", subjects: ["factory.>", "hub.factory.>"], limits: { jetstream: { memStorage: "64Mi", diskStorage: "256Mi" } }, users }, ...hubLeaf.accounts!],
    });
    const [withUser] = leafPlan(plant([{ name: "plant-app", admin: true, permissions: { publish: ["factory.>", "$JS.hub.API.>"], subscribe: ["hub.factory.>"] } }]));
    expect(withUser).toMatchObject({ site: "factory", siteUser: "plant-app", blocked: undefined, hubJetStream: { domain: "hub", stream: "FACTORY_EVENTS", admin: "edge.admin" } });
    const [without] = leafPlan(plant([{ name: "plant-reader", permissions: { subscribe: ["hub.factory.>"] } }]));
    expect(without).toEqual({ site: "factory", reason: "no client user of account plant may publish to factory.smoke and subscribe to hub.factory.smoke on the site" });
  });
});

/**
 * Every way the HubAndLeaf component refuses its args: one InputPropertiesError naming each bad field
 * (paths relative to the args), thrown before anything is registered, not even the component.
 */
import { describe, expect, it } from "vitest";
import { expectRefusal } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";

type Args = import("../../components/kubernetes").HubAndLeafArgs;
type Site = import("../../components/model/leaf").LeafSiteSpec;
type AccountSpec = import("../../components/model").AccountSpec;

const { mocks, components } = await componentStack({ preview: false });

const refusal = (args: Args) => expectRefusal(mocks, () => new components.HubAndLeaf("edge", args));

const ACCOUNTS: AccountSpec[] = [
  {
    name: "edge",
    subjects: ["hub.>", "factory.>"],
    users: [
      { name: "factory-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["factory.>"], subscribe: ["hub.factory.>"] } },
      { name: "hub-app", permissions: { publish: ["hub.>"], subscribe: ["factory.>"] } },
    ],
  },
];
/** Sites beside the hub, reaching it inside the Kubernetes cluster: no TLS or source ranges needed. */
const hub = { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" } } as const;
const factory: Site = { name: "factory", tier: "dev", jetstream: { domain: "factory" }, account: "edge", user: "factory-leaf" };
const valid: Args = { accounts: ACCOUNTS, hub, sites: [factory] };

describe("the hub and its sites", () => {
  const cases: [string, Args, string, RegExp][] = [
    ["no site", { ...valid, sites: [] }, "sites", /list at least one leaf site/],
    ["a site named like the hub", { ...valid, sites: [{ ...factory, name: "hub" }] }, "sites[0].name", /use a name no other site or the hub has \(hub has it\)/],
    ["two sites of one name", { ...valid, sites: [factory, { ...factory, jetstream: { domain: "factory-2" } }] }, "sites[1].name", /\(sites\[0\] has it\)/],
    ["a hub without a domain", { ...valid, hub: { name: "hub", tier: "small" } }, "hub.jetstream.domain", /give the hub its own JetStream domain/],
    ["a domain with a dot", { ...valid, sites: [{ ...factory, jetstream: { domain: "factory.eu" } }] }, "sites[0].jetstream.domain", /"factory.eu" is not allowed/],
    ["a site in the hub's domain", { ...valid, sites: [{ ...factory, jetstream: { domain: "hub" } }] }, "sites[0].jetstream.domain", /use a domain no other cluster has \(hub has it\)/],
    ["a site bound to an account never declared", { ...valid, sites: [{ ...factory, account: "stores" }] }, "sites[0].account", /name one of the declared accounts: edge/],
    ["a site whose user may open client connections", { ...valid, sites: [{ ...factory, user: "hub-app" }] }, "sites[0].user", /name a user limited to leaf connections .*: factory-leaf/],
    ["a site with no user", { ...valid, sites: [{ ...factory, user: undefined }] }, "sites[0].user", /name the leaf-only user of account edge/],
    ["sites but no accounts at all", { hub, sites: [factory] }, "sites[0].account", /describe the account under accounts/],
    [
      "an account that refuses the sites' leaf connections",
      { ...valid, accounts: [{ ...ACCOUNTS[0], limits: { leaf: 0 } }] },
      "accounts[0].limits.leaf",
      /use -1 or at least 2: sites factory open 1 leaf connection to account edge/,
    ],
    ["a local account never declared", { ...valid, sites: [{ ...factory, localAccount: "plant" }] }, "sites[0].localAccount", /name one of the declared accounts/],
  ];
  it.each(cases)("refuses %s", async (_, args, path, message) => {
    const { paths, message: text } = await refusal(args);
    expect(paths).toContain(path);
    expect(text).toMatch(message);
  });
});

describe("the leafnodes Service and what every cluster shares", () => {
  it("refuses an unknown Service type and an unknown cloud", async () => {
    const { paths } = await refusal({ ...valid, cloud: "gcp" as "aws", hub: { ...hub, leafnodesService: { type: "Ingress" as "ClusterIP" } } });
    expect(paths).toEqual(["cloud", "hub.leafnodesService.type"]);
  });

  it("refuses an account the model refuses", async () => {
    const { paths } = await refusal({ ...valid, accounts: [...ACCOUNTS, { name: "Shop" }] });
    expect(paths).toEqual(["accounts[1].name"]);
  });

  it("refuses a setting JetStreamCluster would refuse, before any cluster exists", async () => {
    const { paths } = await refusal({ ...valid, monitoringNamespace: "Monitoring", reloaderImage: "" });
    expect(paths).toEqual(["monitoringNamespace", "reloaderImage"]);
  });
});

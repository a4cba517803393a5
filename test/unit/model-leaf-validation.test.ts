import { describe, expect, it } from "vitest";
import { AccountSpec } from "../../components/model/accounts";
import { problemMessage, ValidationError } from "../../components/model/errors";
import { HubAndLeafSpec, LeafSiteSpec, validateHubAndLeaf } from "../../components/model/leaf";

const factory: LeafSiteSpec = { name: "factory", tier: "dev", jetstream: { domain: "factory" }, account: "edge", user: "factory-leaf" };
const branch: LeafSiteSpec = { name: "branch", tier: "dev", jetstream: { domain: "branch" }, account: "edge", user: "branch-leaf" };

function spec(hub: Partial<HubAndLeafSpec["hub"]> = {}, ...sites: Partial<LeafSiteSpec>[]): HubAndLeafSpec {
  return {
    hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { loadBalancerSourceRanges: ["203.0.113.0/24"] }, ...hub },
    sites: [factory, branch].map((site, index) => ({ ...site, ...(sites[index] ?? {}) }) as LeafSiteSpec),
    leafnodesTls: { secretName: "leaf-tls" },
  };
}

const ACCOUNTS: AccountSpec[] = [
  {
    name: "edge",
    subjects: ["factory.>", "branch.>", "hub.>"],
    users: [
      { name: "factory-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["factory.>"], subscribe: ["hub.factory.>"] } },
      { name: "branch-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["branch.>"], subscribe: ["hub.branch.>"] } },
      { name: "hub-app", permissions: { publish: ["hub.>"], subscribe: ["factory.>", "branch.>"] } },
    ],
  },
  { name: "billing", subjects: ["billing.>"] },
];

function messagesOf(given: HubAndLeafSpec, accounts?: AccountSpec[]): string[] {
  try {
    validateHubAndLeaf(given, "hubLeaf", accounts);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map(problemMessage);
  }
  return [];
}

function withAccount(change: Partial<AccountSpec>): AccountSpec[] {
  return [{ ...ACCOUNTS[0], ...change }, ACCOUNTS[1]];
}

describe("hub-and-leaf validation names the field, the value and what is allowed", () => {
  it("accepts a hub and two dev sites, the sites on the hub's Kubernetes unless they name their own", () => {
    const resolved = validateHubAndLeaf(spec({ kubernetes: { context: "core" } }, {}, { kubernetes: { context: "branch" } }), "hubLeaf", ACCOUNTS);
    expect(resolved.hub.cluster.jetstream.domain).toBe("hub");
    expect(resolved.sites.map((site) => [site.cluster.name, site.cluster.servers, site.cluster.jetstream.domain, site.account, site.user])).toEqual([
      ["factory", 1, "factory", "edge", "factory-leaf"],
      ["branch", 1, "branch", "edge", "branch-leaf"],
    ]);
    expect(resolved.sites.map((site) => site.kubernetes.provider)).toEqual(["core", "branch"]);
  });

  it("needs a JetStream domain on the hub, for leaf clients to reach hub JetStream", () => {
    expect(messagesOf(spec({ jetstream: {} }))).toEqual([
      "hubLeaf.hub.jetstream.domain: nothing is not allowed; give the hub its own JetStream domain (no '.', '*' or '>'), e.g. \"hub\": leaf clients reach hub JetStream through it",
    ]);
  });

  it("needs a JetStream domain on every site", () => {
    expect(messagesOf(spec({}, { jetstream: undefined }))).toEqual([
      "hubLeaf.sites[0].jetstream.domain: nothing is not allowed; give the site its own JetStream domain (no '.', '*' or '>'), e.g. \"factory\": it keeps the site's streams apart from the hub's",
    ]);
  });

  it("refuses domains with '.', '*' or '>'", () => {
    for (const domain of ["edge.1", "edge*", "edge>"]) {
      expect(messagesOf(spec({}, { jetstream: { domain } }))).toEqual([
        `hubLeaf.sites[0].jetstream.domain: ${JSON.stringify(domain)} is not allowed; use a non-empty name without whitespace, '.', '*', '>', '/' or '\\'`,
      ]);
    }
  });

  it("refuses a domain another site or the hub has", () => {
    expect(messagesOf(spec({}, { jetstream: { domain: "hub" } }, { jetstream: { domain: "hub" } }))).toEqual([0, 1].map((index) =>
      `hubLeaf.sites[${index}].jetstream.domain: "hub" is not allowed; use a domain no other cluster has (hubLeaf.hub has it): each JetStream domain is answered by one cluster`,
    ));
    expect(messagesOf(spec({}, {}, { jetstream: { domain: "factory" } }))).toEqual([
      'hubLeaf.sites[1].jetstream.domain: "factory" is not allowed; use a domain no other cluster has (hubLeaf.sites[0] has it): each JetStream domain is answered by one cluster',
    ]);
  });

  it("needs at least one site", () => {
    expect(messagesOf({ ...spec(), sites: [] })).toEqual(["hubLeaf.sites: [] is not allowed; list at least one leaf site"]);
  });

  it("refuses a site name another site or the hub has", () => {
    expect(messagesOf(spec({}, { name: "hub" }, { name: "hub", jetstream: { domain: "other" } }))).toEqual([0, 1].map((index) =>
      `hubLeaf.sites[${index}].name: "hub" is not allowed; use a name no other site or the hub has (hubLeaf.hub has it)`,
    ));
  });

  it("reports a site's own cluster problems under its path", () => {
    expect(messagesOf(spec({}, { tier: "tiny" as never }))).toEqual(['hubLeaf.sites[0].tier: "tiny" is not allowed; use one of dev, small, medium, large']);
  });

  it("needs the hub account each site binds to", () => {
    expect(messagesOf(spec({}, { account: undefined }))).toEqual([
      "hubLeaf.sites[0].account: nothing is not allowed; name the hub account the site's leaf connection binds to",
    ]);
  });

  it("checks each site's account and leaf-only user against the described accounts", () => {
    expect(messagesOf(spec(), ACCOUNTS)).toEqual([]);
    expect(messagesOf(spec({}, { account: "stores" }), ACCOUNTS)).toEqual([
      'hubLeaf.sites[0].account: "stores" is not allowed; name one of the declared accounts: edge, billing',
    ]);
    expect(messagesOf(spec({}, { account: "SYS" }), ACCOUNTS)[0]).toMatch(/^hubLeaf\.sites\[0\]\.account: "SYS" is not allowed; name one of the declared accounts/);
    expect(messagesOf(spec({}, { user: undefined }), ACCOUNTS)).toEqual([
      "hubLeaf.sites[0].user: nothing is not allowed; name the leaf-only user of account edge whose credentials the site connects with: factory-leaf, branch-leaf",
    ]);
    expect(messagesOf(spec({}, { account: "billing", user: "factory-leaf" }), ACCOUNTS)).toEqual([
      'hubLeaf.sites[0].user: "factory-leaf" is not allowed; name the leaf-only user of account billing whose credentials the site connects with: (it has none: add a user with connectionTypes: [LEAFNODE])',
    ]);
    expect(messagesOf(spec({}, { user: "hub-app" }), ACCOUNTS)).toEqual([
      'hubLeaf.sites[0].user: "hub-app" is not allowed; name a user limited to leaf connections (connectionTypes: [LEAFNODE]), so its credentials open nothing but the site\'s link: factory-leaf, branch-leaf',
    ]);
    expect(messagesOf(spec({}, { localAccount: "stores" }), ACCOUNTS)).toEqual([
      'hubLeaf.sites[0].localAccount: "stores" is not allowed; name one of the declared accounts: edge, billing',
    ]);
  });

  it("refuses an account whose leaf limit leaves no room to relink every site server", () => {
    expect(messagesOf(spec(), withAccount({ limits: { leaf: 0 } }))).toEqual([
      "accounts[0].limits.leaf: 0 is not allowed; use -1 or at least 4: sites factory, branch open 2 leaf connections to account edge (one per server), and relinking after a hub server dies needs room for them again",
    ]);
    expect(messagesOf(spec({}, {}, { servers: 3 }), withAccount({ limits: { leaf: 4 } }))).toEqual([
      "accounts[0].limits.leaf: 4 is not allowed; use -1 or at least 8: sites factory, branch open 4 leaf connections to account edge (one per server), and relinking after a hub server dies needs room for them again",
    ]);
    expect(messagesOf({ ...spec(), sites: [factory] }, withAccount({ limits: { leaf: 1 } }))).toEqual([
      "accounts[0].limits.leaf: 1 is not allowed; use -1 or at least 2: sites factory open 1 leaf connection to account edge (one per server), and relinking after a hub server dies needs room for them again",
    ]);
    expect(messagesOf(spec(), withAccount({ limits: { leaf: 4 } }))).toEqual([]);
  });

  it("skips the account checks when the stack describes no accounts", () => {
    expect(messagesOf(spec({}, { account: "anything", user: undefined }))).toEqual([]);
  });

  it("keeps one context per Kubernetes provider across hub and sites", () => {
    expect(messagesOf(spec({ kubernetes: { provider: "edge", context: "core" } }, { kubernetes: { provider: "edge", context: "plant" } }))).toEqual([
      'hubLeaf.sites[0].kubernetes.context: "plant" is not allowed; use the context hubLeaf.hub.kubernetes gives provider edge (core), or name another provider',
    ]);
  });
});

/**
 * The links between the clusters of a running topology, read from the monitoring endpoints: the gateways of
 * a supercluster (/gatewayz) and the leaf connections of a hub's sites (/leafz on both ends).
 */
import { LocalCluster } from "./local-cluster";
import { subjectWithinAny } from "../model/subjects";
import { readGateways, readLeafConnections, readLeafInterest } from "./monitor";
import { pollUntil } from "./poll";

/** One server's outbound gateways. */
export interface GatewayLinks {
  server: string;
  cluster: string;
  /** The clusters it has an outbound gateway connection to. */
  linkedTo: string[];
}

/** Every running server's outbound gateways. */
export async function readGatewayLinks(clusters: readonly LocalCluster[]): Promise<GatewayLinks[]> {
  const servers = clusters.flatMap((cluster) => cluster.servers.filter((server) => server.running).map((server) => ({ cluster: cluster.name, server })));
  return Promise.all(
    servers.map(async ({ cluster, server }) => ({
      server: server.name,
      cluster,
      linkedTo: Object.keys((await readGateways(server.ports.monitor))?.outbound_gateways ?? {}).filter((name) => name !== cluster).sort(),
    })),
  );
}

/** Gateway names each cluster should link to that one of its servers has no outbound gateway to, as text; none when complete. */
export function missingGateways(links: readonly GatewayLinks[], clusterNames: readonly string[]): string[] {
  return links.flatMap((link) => {
    const missing = clusterNames.filter((name) => name !== link.cluster && !link.linkedTo.includes(name));
    return missing.length === 0 ? [] : [`${link.server} has no gateway to ${missing.join(", ")}`];
  });
}

/** One line per cluster: which clusters every one of its servers has a gateway to. */
export function formatGatewayLinks(links: readonly GatewayLinks[], clusterNames: readonly string[]): string[] {
  return clusterNames.map((cluster) => {
    const own = links.filter((link) => link.cluster === cluster);
    const others = clusterNames.filter((name) => name !== cluster);
    const counts = others.map((other) => `${other} (${own.filter((link) => link.linkedTo.includes(other)).length}/${own.length} servers)`);
    return `gateway ${cluster} -> ${counts.join(", ")}`;
  });
}

/** One site server's leaf connection to the hub. */
export interface LeafLink {
  site: string;
  server: string;
  /** The hub server at the other end. */
  hubServer: string;
  /**
   * The accounts the hub server binds its leaf connections to, as its /leafz names them (in operator mode
   * public keys): one when every site dialling that server binds the same account, as in most stacks.
   */
  hubAccounts: string[];
}

/**
 * The leaf connection of every site server that has one the hub also lists. nats-server 2.9 does not name the
 * other end in /leafz, so a site server's link is found by the hub leafnodes port it dialled, and it counts
 * only once that hub server lists as many leaf connections as there are site servers dialling it.
 */
export async function readLeafLinks(hub: LocalCluster, sites: readonly LocalCluster[]): Promise<LeafLink[]> {
  const hubServers = hub.servers.filter((server) => server.running);
  const onHub = new Map(await Promise.all(hubServers.map(async (server) => [server.name, await readLeafConnections(server.ports.monitor)] as const)));
  const dialled = await Promise.all(
    sites.flatMap((site) =>
      site.servers
        .filter((server) => server.running)
        .map(async (server) => {
          const ports = (await readLeafConnections(server.ports.monitor)).map((leaf) => leaf.port);
          const hubServer = hubServers.find((candidate) => ports.includes(candidate.ports.leafnodes));
          return { site: site.name, server: server.name, hubServer: hubServer?.name };
        }),
    ),
  );
  return dialled.flatMap(({ site, server, hubServer }): LeafLink[] => {
    if (hubServer === undefined) return [];
    const listed = onHub.get(hubServer) ?? [];
    const dialling = dialled.filter((other) => other.hubServer === hubServer).length;
    return listed.length >= dialling ? [{ site, server, hubServer, hubAccounts: [...new Set(listed.map((leaf) => leaf.account))].sort() }] : [];
  });
}

/** One line per leaf link. */
export function formatLeafLinks(links: readonly LeafLink[]): string[] {
  return links.map((link) => {
    const accounts = link.hubAccounts;
    const binding = accounts.length === 1 ? `bound on the hub to account ${accounts[0]}` : `whose leaf connections the hub binds to accounts ${accounts.join(", ")}`;
    return `leaf link ${link.server} (site ${link.site}) -> ${link.hubServer}, ${binding}`;
  });
}

/**
 * Waits until every running server of `site` has a leaf connection that carries interest in each of
 * `subjects`, so that a message a site client sends on one is forwarded to the hub. Interest crosses a link
 * asynchronously after the link is up and after each subscription on the hub (a new stream's, say), so a
 * request sent before it has arrived fails with "no responders".
 */
export async function waitForLeafInterest(site: LocalCluster, subjects: readonly string[], timeoutMs: number): Promise<void> {
  await pollUntil<true>(
    async () => {
      const servers = site.servers.filter((server) => server.running);
      const lacking = await Promise.all(
        servers.map(async (server) => {
          const links = await readLeafInterest(server.ports.monitor);
          const missing = subjects.filter((subject) => !links.some((interest) => subjectWithinAny(subject, interest)));
          return links.length === 0 ? `${server.name} has no leaf connection` : missing.length > 0 ? `${server.name}'s link carries no interest in ${missing.join(", ")}` : undefined;
        }),
      );
      const problems = lacking.filter((problem): problem is string => problem !== undefined);
      return problems.length === 0 ? { reached: true } : { missing: problems.join("; ") };
    },
    { what: `the hub's interest in ${subjects.join(", ")} to reach site ${site.name}`, timeoutMs },
  );
}

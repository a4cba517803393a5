/**
 * TLS on leaf links and on the client port, on real nats-server, with the tls blocks the pods get (rendered by
 * the same sections) and certificates from the local back end's throwaway CA:
 * - a hub whose leafnodes listener requires TLS links the site holding a certificate of its CA, and never
 *   links a site dialling in plain text, nor one whose certificate another CA signed;
 * - a client port with `verify: true` refuses a client without a certificate and takes one with it.
 */
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "nats";
import { validateCluster } from "../../components/model/cluster";
import { validateHubAndLeaf } from "../../components/model/leaf";
import { siteLeafSection } from "../../components/model/leaf-config";
import { clientTlsSection } from "../../components/model/link-tls";
import { localHubAndLeafPlacements, PlacedCluster } from "../../components/model/local-topology";
import { localPlacements } from "../../components/model/placement";
import { readLeafLinks } from "../../components/local/topology-links";
import { sleep, waitFor } from "../support/nats-client";
import { makeLoopbackCertificates } from "../support/test-certificates";
import { launchTopology, prepareTopology, RunningTopology } from "../support/topology-launch";

/** nats-server's default account, which a server without accounts puts every connection in. */
const GLOBAL_ACCOUNT = "$G";
const site = (name: string) => ({ name, tier: "dev" as const, jetstream: { domain: name }, account: "edge" });
const hubAndLeaf = validateHubAndLeaf({
  hub: { name: "hub", tier: "dev", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" } },
  sites: [site("trusted"), site("plain"), site("stranger")],
  leafnodesTls: { secretName: "leaf-tls" },
});

describe("leaf links that require TLS, on real nats-server", () => {
  let topology: RunningTopology;

  beforeAll(async () => {
    const { runDir, ports } = await prepareTopology([hubAndLeaf.hub.cluster, ...hubAndLeaf.sites.map((each) => each.cluster)], "leaf-tls");
    const tls = makeLoopbackCertificates(path.join(runDir, "certs"));
    const foreign = makeLoopbackCertificates(path.join(runDir, "foreign-certs"));
    // No auth anywhere: each link carries the servers' default account, which is all this test needs.
    const placed = localHubAndLeafPlacements(hubAndLeaf, ports, runDir, {}, { trusted: GLOBAL_ACCOUNT }, tls);
    const hubUrls = [`nats://127.0.0.1:${ports.hub[0].leafnodes}`];
    // The same remote as the trusted site's, once without TLS and once with a certificate of another CA.
    const remoteOf: Record<string, PlacedCluster["servers"][number]["sections"]> = {
      plain: [siteLeafSection(hubAndLeaf.sites[1], hubUrls, undefined, GLOBAL_ACCOUNT)],
      stranger: [siteLeafSection(hubAndLeaf.sites[2], hubUrls, undefined, GLOBAL_ACCOUNT, foreign)],
    };
    const adjusted = placed.map((cluster) =>
      remoteOf[cluster.cluster.name] === undefined ? cluster : { ...cluster, servers: cluster.servers.map((server) => ({ ...server, sections: remoteOf[cluster.cluster.name] })) },
    );
    topology = await launchTopology(adjusted, runDir);
  }, 60_000);

  afterAll(async () => {
    await topology?.stop();
  });

  it("links the site with a certificate of the hub's CA, and neither a plain-text site nor one of another CA", async () => {
    const hub = topology.cluster("hub");
    const sites = ["trusted", "plain", "stranger"].map((name) => topology.cluster(name));
    await waitFor("the trusted site's TLS leaf link", 15_000, async () => {
      const links = await readLeafLinks(hub, sites);
      return links.some((link) => link.server === "trusted-0") ? links : undefined;
    });
    // Both others redial about every second; give them several tries before reading the links again.
    await sleep(3_000);
    const links = await readLeafLinks(hub, sites);
    expect(links.map((link) => link.server)).toEqual(["trusted-0"]);
    const varz = (await (await fetch(`http://127.0.0.1:${hub.servers[0].ports.monitor}/varz`)).json()) as { leaf?: { tls_required?: boolean; tls_verify?: boolean } };
    expect(varz.leaf).toMatchObject({ tls_required: true, tls_verify: true });
  });
});

describe("a client port that requires client certificates, on real nats-server", () => {
  const cluster = validateCluster({ name: "secure", tier: "dev", tls: { client: { secretName: "client-tls", verify: true } } });
  let topology: RunningTopology;
  let files: ReturnType<typeof makeLoopbackCertificates>;
  let clientUrl: string;

  beforeAll(async () => {
    const { runDir, ports } = await prepareTopology([cluster], "client-tls");
    files = makeLoopbackCertificates(path.join(runDir, "certs"));
    const placements = localPlacements(cluster, ports[cluster.name], runDir);
    clientUrl = `nats://127.0.0.1:${placements[0].ports.client}`;
    const sections = [clientTlsSection(files, cluster.clientTls!.verify)];
    topology = await launchTopology([{ cluster, servers: placements.map((placement, ordinal) => ({ ordinal, placement, sections })) }], runDir);
  }, 60_000);

  afterAll(async () => {
    await topology?.stop();
  });

  it("refuses a client that presents no certificate", async () => {
    await expect(connect({ servers: clientUrl, tls: { caFile: files.caFile }, timeout: 3_000, reconnect: false })).rejects.toThrow();
  });

  it("takes a client whose certificate the CA signed, over TLS", async () => {
    const connection = await connect({ servers: clientUrl, tls: { caFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile }, timeout: 3_000 });
    expect(connection.info?.tls_required).toBe(true);
    await connection.close();
  });
});

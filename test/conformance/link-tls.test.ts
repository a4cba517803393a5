/**
 * TLS on leaf links and on the client port, on real nats-server, with the tls blocks the pods get (rendered by
 * the same sections) and certificates from the local back end's throwaway CA:
 * - a hub whose leafnodes listener requires TLS links the site holding a certificate of its CA, and never
 *   links a site dialling in plain text, nor one whose certificate another CA signed;
 * - a client port with `verify: true` refuses a client without a certificate and takes one with it;
 * - a certificate renewed in place is served after the reload signal, without a restart.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import * as tls from "tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "nats";
import { validateCluster } from "../../components/model/cluster";
import { validateHubAndLeaf } from "../../components/model/leaf";
import { siteLeafSection } from "../../components/model/leaf-config";
import { clientTlsSection } from "../../components/model/link-tls";
import { localHubAndLeafPlacements, PlacedCluster } from "../../components/local/local-topology";
import { localPlacements } from "../../components/local/local-placement";
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

/** A one-server cluster whose client port serves TLS with a fresh throwaway CA's certificate. */
interface ClientTlsServer {
  topology: RunningTopology;
  runDir: string;
  files: ReturnType<typeof makeLoopbackCertificates>;
  clientPort: number;
}

async function startClientTlsServer(cluster: ReturnType<typeof validateCluster>, prefix: string): Promise<ClientTlsServer> {
  const { runDir, ports } = await prepareTopology([cluster], prefix);
  const files = makeLoopbackCertificates(path.join(runDir, "certs"));
  const placements = localPlacements(cluster, ports[cluster.name], runDir);
  const sections = [clientTlsSection(files, cluster.clientTls!.verify)];
  const topology = await launchTopology([{ cluster, servers: placements.map((placement, ordinal) => ({ ordinal, placement, sections })) }], runDir);
  return { topology, runDir, files, clientPort: placements[0].ports.client };
}

describe("a client port that requires client certificates, on real nats-server", () => {
  const cluster = validateCluster({ name: "secure", tier: "dev", tls: { client: { secretName: "client-tls", verify: true } } });
  let topology: RunningTopology;
  let files: ReturnType<typeof makeLoopbackCertificates>;
  let clientUrl: string;

  beforeAll(async () => {
    const server = await startClientTlsServer(cluster, "client-tls");
    ({ topology, files } = server);
    clientUrl = `nats://127.0.0.1:${server.clientPort}`;
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

/**
 * The certificate a TLS listener presents: nats-server sends its INFO line in plain text and then upgrades the
 * connection, so the handshake starts after that line.
 */
async function presentedCertificate(port: number, caFile: string): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  try {
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      socket.on("error", reject);
      socket.on("data", function onData(chunk) {
        seen += chunk.toString("latin1");
        if (!seen.includes("\r\n")) return;
        socket.off("data", onData);
        resolve();
      });
    });
    const secured = tls.connect({ socket, ca: fs.readFileSync(caFile), servername: "localhost", rejectUnauthorized: false });
    try {
      await new Promise<void>((resolve, reject) => secured.once("secureConnect", resolve).once("error", reject));
      return secured.getPeerCertificate().fingerprint256;
    } finally {
      secured.destroy();
    }
  } finally {
    socket.destroy();
  }
}

describe("a certificate renewed in place, on real nats-server", () => {
  const cluster = validateCluster({ name: "renewed", tier: "dev", tls: { client: { secretName: "client-tls" } } });
  let topology: RunningTopology;
  let runDir: string;
  let files: ReturnType<typeof makeLoopbackCertificates>;
  let clientPort: number;

  beforeAll(async () => {
    ({ topology, runDir, files, clientPort } = await startClientTlsServer(cluster, "renewed-tls"));
  }, 60_000);

  afterAll(async () => {
    await topology?.stop();
  });

  it("is served after the reload signal the config reloader sends when the mounted files change", async () => {
    const before = await presentedCertificate(clientPort, files.caFile);
    // cert-manager writes the renewed pair into the Secret; the kubelet swaps the mounted files in place.
    const renewed = makeLoopbackCertificates(path.join(runDir, "renewed"));
    for (const [from, to] of [
      [renewed.certFile, files.certFile],
      [renewed.keyFile, files.keyFile],
      [renewed.caFile, files.caFile],
    ]) {
      fs.copyFileSync(from, to);
    }
    expect(await presentedCertificate(clientPort, files.caFile)).toBe(before);
    process.kill(topology.cluster("renewed").servers[0].pid!, "SIGHUP");
    const after = await waitFor("the renewed certificate on the client port", 10_000, async () => {
      const served = await presentedCertificate(clientPort, files.caFile);
      return served !== before ? served : undefined;
    });
    expect(after).toBe(new crypto.X509Certificate(fs.readFileSync(renewed.certFile)).fingerprint256);
  });
});

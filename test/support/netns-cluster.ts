/**
 * A cluster whose servers each run in a network namespace of their own, so a test can cut a server's
 * cluster network as a zone outage would, while the test itself still reaches every server.
 *
 * Each namespace has two links. Its cluster link (a veth on a bridge shared by the cluster's namespaces
 * only) carries the routes; the partition takes that link down. Its host link (a veth pair to the host,
 * which forwards nothing between namespaces) carries the test's clients and monitoring requests, through a
 * TCP relay on 127.0.0.1 per port, so the local back end's monitoring helpers, which speak to 127.0.0.1,
 * work unchanged. The configs are the model's (renderServer), with a placement that listens on every
 * address of the namespace and routes over the cluster bridge; the servers run as the local back end's
 * LocalServer processes, started through `ip netns exec`.
 *
 * Needs root (namespaces, links) and iproute2.
 */
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { allocatePorts, LocalCluster, LocalServer, ServerBinary } from "../../components/local";
import { Cluster } from "../../components/model";
import { serverName } from "../../components/model/names";
import { renderServer } from "../../components/model/server-config";
import { installedServer } from "./nats-cluster";
import { ClaimedRange, claimRange } from "./netns-subnets";

/** Runs iproute2's `ip` with `args`; a failure throws with what `ip` wrote to stderr. */
export function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** A relay from a port of 127.0.0.1 into a namespace, listening. */
export interface Relay {
  server: net.Server;
  /** The port it listens on, picked by the kernel. */
  port: number;
}

/**
 * Relays connections to 127.0.0.1 to `host`:`targetPort`, so a listener in a namespace looks local. It listens
 * on a port the kernel picks, never one chosen earlier and freed: other test files start servers at the same
 * time, and a port freed in between was taken by one of them, which then answered in the relay's place. The
 * target port is the relay's own when not given (the server in the namespace listens on the same number);
 * such a port is picked again while it is in `avoid`, the other ports of that server.
 */
export async function relayOnFreePort(host: string, options: { targetPort?: number; avoid?: ReadonlySet<number> } = {}): Promise<Relay> {
  for (let tries = 0; tries < 20; tries++) {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((inbound) => {
      const outbound = net.connect(options.targetPort ?? (server.address() as net.AddressInfo).port, host);
      for (const socket of [inbound, outbound]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
      inbound.on("close", () => outbound.destroy());
      outbound.on("close", () => inbound.destroy());
    });
    server.on("close", () => sockets.forEach((socket) => socket.destroy()));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as net.AddressInfo).port;
    if (options.targetPort !== undefined || !options.avoid?.has(port)) return { server, port };
    server.close();
  }
  throw new Error(`no port of 127.0.0.1 to relay to ${host} outside ${[...(options.avoid ?? [])].join(", ")} after 20 tries`);
}

/**
 * A server's client and monitor relays into its namespace at `host`, on ports outside `taken` (the ports its
 * namespace already listens on), which the two are added to. The server listens on the same two numbers.
 */
export async function relayClientAndMonitor(host: string, taken: Set<number>): Promise<{ client: Relay; monitor: Relay }> {
  const client = await relayOnFreePort(host, { avoid: taken });
  taken.add(client.port);
  const monitor = await relayOnFreePort(host, { avoid: taken });
  taken.add(monitor.port);
  return { client, monitor };
}

/** A cluster across network namespaces, and the cuts a test makes in it. */
export class NetnsCluster {
  private constructor(
    readonly local: LocalCluster,
    private readonly id: string,
    private readonly range: ClaimedRange,
    private readonly runDir: string,
    private readonly relays: net.Server[],
  ) {}

  /** The namespace and interface names of server `index`. */
  private names(index: number) {
    return { namespace: `nats-${this.id}-${index}`, clusterLink: `nc${this.id}${index}` };
  }

  /**
   * Starts the cluster's servers, each in its own namespace, and waits until they form a cluster: the installed
   * nats-server unless `binary` names another (configs are rendered for the one that runs).
   */
  static async start(cluster: Cluster, binary: ServerBinary = installedServer()): Promise<NetnsCluster> {
    const id = randomBytes(3).toString("hex");
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `nats-netns-${cluster.name}-`));
    const bridge = `nb${id}`;
    ip("link", "add", bridge, "type", "bridge");
    ip("link", "set", bridge, "up");
    const ports = await allocatePorts(cluster.servers);
    // One /24 for the cluster bridge and a /30 per host link, in a range claimed so that parallel runs differ.
    const range = claimRange(16, 200);
    const subnet = range.octet;
    const clusterAddress = (index: number) => `10.${subnet}.0.${index + 1}`;
    const hostAddress = (index: number) => `10.${subnet}.${index + 1}.2`;
    const relays: net.Server[] = [];
    // The client and monitor ports are the relays' on the host, and the same numbers in each namespace.
    for (const [index, serverPorts] of ports.entries()) {
      const { client, monitor } = await relayClientAndMonitor(hostAddress(index), new Set(Object.values(serverPorts)));
      relays.push(client.server, monitor.server);
      ports[index] = { ...serverPorts, client: client.port, monitor: monitor.port };
    }
    const wrapper = path.join(runDir, "nats-server-in-netns");
    // The server's directory names its namespace: LocalServer starts `<binary> -c <dir>/nats.conf`.
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec "$(cat "$(dirname "$2")/netns")" ${binary.path} "$@"\n`, { mode: 0o755 });
    const routes = ports.map((serverPorts, index) => `nats://${clusterAddress(index)}:${serverPorts.cluster}`);
    const servers = ports.map((serverPorts, index) => {
      const namespace = `nats-${id}-${index}`;
      ip("netns", "add", namespace);
      ip("-n", namespace, "link", "set", "lo", "up");
      ip("link", "add", `nc${id}${index}`, "type", "veth", "peer", "name", "eth0", "netns", namespace);
      ip("link", "set", `nc${id}${index}`, "master", bridge, "up");
      ip("-n", namespace, "addr", "add", `${clusterAddress(index)}/24`, "dev", "eth0");
      ip("-n", namespace, "link", "set", "eth0", "up");
      ip("link", "add", `nh${id}${index}`, "type", "veth", "peer", "name", "eth1", "netns", namespace);
      ip("addr", "add", `10.${subnet}.${index + 1}.1/30`, "dev", `nh${id}${index}`);
      ip("link", "set", `nh${id}${index}`, "up");
      ip("-n", namespace, "addr", "add", `${hostAddress(index)}/30`, "dev", "eth1");
      ip("-n", namespace, "link", "set", "eth1", "up");

      const name = serverName(cluster, index);
      const dir = path.join(runDir, name);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(dir, "netns"), namespace);
      const storeDir = path.join(dir, "jetstream");
      const placement = { serverName: name, listenHost: "0.0.0.0", ports: serverPorts, routes, storeDir, pidFile: path.join(dir, "nats.pid"), noAdvertise: false };
      const configFile = path.join(dir, "nats.conf");
      fs.writeFileSync(configFile, renderServer(cluster, placement, { targetVersion: binary.version }).text, { mode: 0o600 });
      return new LocalServer(index, name, serverPorts, { dir, configFile, logFile: path.join(dir, "nats.log"), storeDir }, { ...binary, path: wrapper });
    });
    const local = new LocalCluster(cluster, servers, []);
    const started = new NetnsCluster(local, id, range, runDir, relays);
    try {
      for (const server of servers) server.start();
      await local.waitUntilReady();
      return started;
    } catch (error) {
      await started.stop();
      throw error;
    }
  }

  /** Takes server `index`'s cluster link down: its routes are cut, its clients and monitor port are not. */
  cut(index: number): void {
    ip("link", "set", this.names(index).clusterLink, "down");
  }

  /** Brings server `index`'s cluster link back up. */
  heal(index: number): void {
    ip("link", "set", this.names(index).clusterLink, "up");
  }

  /** Kills every server and removes the relays, namespaces, links and run directory. */
  async stop(): Promise<void> {
    await Promise.all(this.local.servers.map((server) => server.kill()));
    await Promise.all(this.relays.map((server) => new Promise((resolve) => server.close(resolve))));
    for (let index = 0; index < this.local.servers.length; index++) {
      // Deleting a namespace removes the veth ends in it, and with them their peers on the host.
      execFileSync("ip", ["netns", "del", this.names(index).namespace], { stdio: "ignore" });
    }
    execFileSync("ip", ["link", "del", `nb${this.id}`], { stdio: "ignore" });
    this.range.release();
    fs.rmSync(this.runDir, { recursive: true, force: true });
  }
}

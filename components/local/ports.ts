/**
 * Free loopback ports for local servers. The kernel picks each one (bind to port 0); every socket is
 * held open until the whole set is chosen so no port is handed out twice, and ports handed out earlier
 * in this process are skipped so that several clusters (a supercluster) never share one.
 */
import * as net from "net";
import { Ports } from "../model/cluster";

export const LOOPBACK = "127.0.0.1";

const handedOut = new Set<number>();

function listenOnFreePort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** `count` distinct free ports, none handed out before by this process. */
export async function freePorts(count: number): Promise<number[]> {
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    // Bounded: a port is skipped only when this process already handed it out.
    for (let tries = 0; ports.length < count && tries < count * 10; tries++) {
      const server = await listenOnFreePort();
      held.push(server);
      const port = (server.address() as net.AddressInfo).port;
      if (!handedOut.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(held.map(close));
  }
  if (ports.length < count) throw new Error(`could not find ${count} free ports on ${LOOPBACK}`);
  for (const port of ports) handedOut.add(port);
  return ports;
}

/** One full, distinct set of listening ports for each of `servers` servers. */
export async function allocatePorts(servers: number): Promise<Ports[]> {
  const perServer = 6;
  const ports = await freePorts(servers * perServer);
  return Array.from({ length: servers }, (_, index) => {
    const [client, cluster, monitor, gateway, leafnodes, metrics] = ports.slice(index * perServer, (index + 1) * perServer);
    return { client, cluster, monitor, gateway, leafnodes, metrics };
  });
}

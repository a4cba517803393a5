/** Where a cluster's servers run locally: on loopback, each with its own ports and directory. */
import * as path from "path";
import { Cluster, Ports } from "../model/cluster";
import { serverName } from "../model/names";
import { ServerPlacement } from "../model/placement";

/** Ports one local server listens on; `metrics` is unused locally (no exporter sidecar). */
export type LocalPorts = Ports;

/** One placement per server, on loopback, each with its own ports and directory under `runDir`. */
export function localPlacements(cluster: Cluster, portsPerServer: readonly LocalPorts[], runDir: string): ServerPlacement[] {
  if (portsPerServer.length !== cluster.servers) {
    throw new Error(`cluster ${cluster.name} has ${cluster.servers} servers but ${portsPerServer.length} port sets were given`);
  }
  const routes = portsPerServer.map((ports) => `nats://127.0.0.1:${ports.cluster}`);
  return portsPerServer.map((ports, ordinal) => {
    const name = serverName(cluster, ordinal);
    return {
      serverName: name,
      listenHost: "127.0.0.1",
      ports,
      routes,
      storeDir: path.join(runDir, name, "jetstream"),
      pidFile: path.join(runDir, name, "nats.pid"),
      noAdvertise: false,
    };
  });
}

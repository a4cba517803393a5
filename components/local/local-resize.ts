/**
 * A running local cluster grown or shrunk to another server count, as a change of `servers` in the stack does
 * it on Kubernetes: every server keeps its store and ports, the servers that stay get the config rendered for
 * the new size (routes to every server of it) and reload it, as the reloader sidecar has them do when the
 * ConfigMap changes; the StatefulSet starts the new ordinals, or stops the highest ones in lame duck.
 *
 * Stopping servers does not take them out of the JetStream meta group: before a cluster shrinks, each
 * server that leaves must be removed from it (`$JS.API.SERVER.REMOVE`, see README "Resizing a cluster"),
 * so that its stream replicas are placed on the servers that stay.
 */
import * as path from "path";
import { Cluster } from "../model/cluster";
import { serverName } from "../model/names";
import { LocalCluster, StartClusterOptions, writeServerConfig } from "./local-cluster";
import { localPlacements } from "./local-placement";
import { LocalServer } from "./local-server";
import { allocatePorts } from "./ports";

/** What a resize needs besides the new cluster: the options the cluster was started with. */
export type ResizeOptions = Pick<StartClusterOptions, "runDir" | "binary" | "extraSections" | "onProgress" | "readyTimeoutMs">;

/**
 * Resizes `local` to `next` (the same cluster with another `servers`) and returns the cluster as it now
 * runs, once every server of it is healthy and they agree on a meta leader. `local` is not used afterwards.
 */
export async function resizeCluster(local: LocalCluster, next: Cluster, options: ResizeOptions): Promise<LocalCluster> {
  if (next.name !== local.cluster.name) throw new Error(`cluster ${local.name} cannot be resized into another cluster (${next.name})`);
  const runDir = path.resolve(options.runDir);
  const staying = local.servers.slice(0, next.servers);
  const leaving = local.servers.slice(next.servers);
  const added = next.servers > local.servers.length ? await allocatePorts(next.servers - local.servers.length) : [];
  const placements = localPlacements(next, [...staying.map((server) => server.ports), ...added], runDir);

  const omitted = new Set<string>();
  const servers = placements.map((placement, index) => {
    const written = writeServerConfig(next, placement, index, { ...options, runDir });
    written.omitted.forEach((note) => omitted.add(note));
    return staying[index] ?? new LocalServer(index, serverName(next, index), placement.ports, written.files, options.binary);
  });
  const progress = options.onProgress ?? (() => undefined);
  for (const server of staying) {
    await server.reload();
    progress(`${server.name} reloaded its config for ${next.servers} servers`);
  }
  for (const server of servers.slice(staying.length)) {
    server.start();
    progress(`${server.name} started`);
  }
  const graceMs = next.terminationGracePeriodSeconds * 1000;
  await Promise.all(
    leaving.map(async (server) => {
      await server.stop(graceMs);
      progress(`${server.name} stopped`);
    }),
  );
  const resized = new LocalCluster(next, servers, [...omitted], options.onProgress);
  await resized.waitUntilReady(options.readyTimeoutMs);
  return resized;
}

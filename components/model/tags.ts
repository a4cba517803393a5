/**
 * Server tags: every server of a supercluster says which cluster, region and zone it is in, so a stream can
 * be placed by tag, and `unique_tag` on the zone makes JetStream put each replica of a stream in a different
 * zone. nats-server compares tags without regard to case.
 */
import { ConfBlock, ConfVariable } from "./conf";
import { Problems } from "./errors";

export const CLUSTER_TAG_PREFIX = "cluster:";
export const REGION_TAG_PREFIX = "region:";
/** Also the `unique_tag` value: replicas go to servers whose tags starting with it differ. */
export const ZONE_TAG_PREFIX = "az:";

export function clusterTag(cluster: string): string {
  return CLUSTER_TAG_PREFIX + cluster;
}

export function regionTag(region: string): string {
  return REGION_TAG_PREFIX + region;
}

export function zoneTag(zone: string): string {
  return ZONE_TAG_PREFIX + zone;
}

/** What a server's tags are made from. */
export interface ServerTagSource {
  cluster: string;
  region: string;
  /**
   * The server's zone. A ConfVariable stands for the whole tag (`az:<zone>`), for configs shared by every pod
   * where the zone is only known in the pod: nats.conf expands a variable as a whole value, never inside a string.
   */
  zone?: string | ConfVariable;
  /** Spread replicas over zones. Only when every server has a zone: servers without one get no replicas. */
  uniqueZones: boolean;
}

/** `server_tags`, and `jetstream.unique_tag` when replicas are to spread over zones. */
export function serverTagsSection(source: ServerTagSource): ConfBlock {
  const tags: (string | ConfVariable)[] = [clusterTag(source.cluster), regionTag(source.region)];
  if (source.zone instanceof ConfVariable) tags.push(source.zone);
  else if (source.zone !== undefined) tags.push(zoneTag(source.zone));
  return {
    server_tags: tags,
    ...(source.uniqueZones ? { jetstream: { unique_tag: ZONE_TAG_PREFIX } } : {}),
  };
}

/** Which servers carry which tags: one entry per cluster, for checking stream placements. */
export interface TaggedCluster {
  name: string;
  /** The tags of each server of the cluster. */
  serverTags: readonly (readonly string[])[];
}

/**
 * Checks a stream placement's tags: each tag must be one some server has, and some cluster must have a
 * server with all of them, since JetStream keeps a stream's replicas within one cluster.
 */
export function checkPlacementTags(tags: unknown, path: string, problems: Problems, clusters: readonly TaggedCluster[]): void {
  if (tags === undefined) return;
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string" || tag.trim() === "")) {
    problems.add(path, tags, "give a list of server tags such as \"cluster:us-east\" or \"region:eu-west-1\"");
    return;
  }
  const known = [...new Set(clusters.flatMap((cluster) => cluster.serverTags.flat()))].sort();
  const wanted = tags.map((tag: string) => tag.toLowerCase());
  let allKnown = true;
  wanted.forEach((tag, index) => {
    if (known.includes(tag)) return;
    allKnown = false;
    problems.add(`${path}[${index}]`, tags[index], `use a tag some server has: ${known.join(", ") || "(no server has tags)"}`);
  });
  if (!allKnown || wanted.length < 2) return;
  const holder = clusters.some((cluster) => cluster.serverTags.some((server) => wanted.every((tag) => server.includes(tag))));
  if (!holder) {
    problems.add(path, tags, "use tags one server has together: a stream's replicas stay within one cluster, on servers with every tag");
  }
}

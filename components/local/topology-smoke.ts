/**
 * The smoke checks of a topology of several clusters, through the stack's own creds: messages cross the
 * gateways of a supercluster and a stream is placed by tag in another cluster; on a hub with leaf sites, the
 * subjects a site's leaf user allows cross its link both ways, another does not, and a site client stores a
 * message in a hub stream its site uses through the hub's domain but cannot delete, purge or create one. Interest crosses gateways and leaf links asynchronously, so a
 * message that must arrive is sent again until it does, within a bound.
 */
import { randomBytes } from "crypto";
import { Msg, NatsConnection, StorageType, StreamInfo } from "nats";
import { LocalCluster } from "./local-cluster";
import { pollUntil, sleep } from "./poll";
import { SmokeCheckError } from "./smoke-check";
import { GatewaysMeasurement, HubJetStreamMeasurement, LeafDownMeasurement, LeafRefusedMeasurement, LeafUpMeasurement, PlacementMeasurement, SkippedCheck } from "./smoke-result";
import { waitForLeafInterest } from "./topology-links";
import { CrossClusterCheck, HubJetStreamCheck, LeafSiteCheck, PlacementCheck } from "./topology-smoke-plan";

/** Opens a connection to `cluster` as `user`, with the user's creds; without creds when `user` is undefined. */
export type ConnectTo = (cluster: LocalCluster, user: string | undefined) => Promise<NatsConnection>;

/** How long a message may take to cross once sent again and again, and a stream to be placed. */
const CROSSING_TIMEOUT_MS = 15_000;
const RESEND_EVERY_MS = 200;
/** After a later message on the same link has arrived, how long an earlier one that must not cross is still awaited. */
const BLOCKED_GRACE_MS = 300;
/** How long a request the leaf user may not send is given to be answered; refused, it never is. */
const REFUSED_WAIT_MS = 1_000;
/** Enough for the one message the check stores; an account with JetStream limits may require a size. */
const SMOKE_STREAM_MAX_BYTES = 1024 * 1024;

function smokeId(): string {
  return randomBytes(4).toString("hex");
}


/** Connections opened for one check, all closed at its end. */
class Connections {
  private readonly open: NatsConnection[] = [];

  constructor(private readonly connectTo: ConnectTo) {}

  async to(cluster: LocalCluster, user: string | undefined): Promise<NatsConnection> {
    const connection = await this.connectTo(cluster, user);
    this.open.push(connection);
    return connection;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.map((connection) => connection.close().catch(() => undefined)));
  }
}

/** Collects the payloads that arrive on one subscription. */
function collect(connection: NatsConnection, subject: string): Set<string> {
  const received = new Set<string>();
  connection.subscribe(subject, { callback: (_error, message: Msg) => received.add(message.string()) });
  return received;
}

/** Sends again every little while until `arrived` says so; fails with `what` after the crossing timeout. */
async function sendUntilArrived(what: string, send: () => void, arrived: () => boolean): Promise<void> {
  await pollUntil<true>(
    async () => {
      send();
      return arrived() ? { reached: true } : { missing: "not received yet" };
    },
    { what, timeoutMs: CROSSING_TIMEOUT_MS, intervalMs: RESEND_EVERY_MS },
  ).catch((error: Error) => {
    throw new SmokeCheckError(error.message);
  });
}

/** A message published with the publisher's creds in `from` reaches a subscriber in every other cluster. */
export async function runCrossClusterCheck(check: CrossClusterCheck, from: LocalCluster, others: readonly LocalCluster[], connectTo: ConnectTo): Promise<GatewaysMeasurement> {
  const connections = new Connections(connectTo);
  try {
    const payload = `smoke ${smokeId()}`;
    const inboxes = await Promise.all(
      others.map(async (cluster) => {
        const subscriber = await connections.to(cluster, check.subscriber.name);
        const received = collect(subscriber, check.subject);
        await subscriber.flush();
        return received;
      }),
    );
    const publisher = await connections.to(from, check.publisher.name);
    const started = Date.now();
    await sendUntilArrived(
      `${check.subscriber.name} in ${others.map((cluster) => cluster.name).join(" and ")} to receive ${check.subject} from ${from.name}`,
      () => publisher.publish(check.subject, payload),
      () => inboxes.every((received) => received.has(payload)),
    );
    return {
      check: "gateways",
      publisher: check.publisher.name,
      subject: check.subject,
      from: from.name,
      subscriber: check.subscriber.name,
      receivedIn: others.map((cluster) => cluster.name),
      elapsedMs: Date.now() - started,
    };
  } finally {
    await connections.closeAll();
  }
}

/** Refusals that mean the meta leader does not know every server's tags yet, right after the group formed. */
function isPlacementNotYetPossible(error: Error): boolean {
  return /insufficient resources|no suitable peers/i.test(error.message);
}

/**
 * An R3 stream created by the account's admin from a client in `from`, placed by the cluster tag, lands with
 * every replica in `to`; it is deleted again.
 */
export async function runPlacementCheck(check: PlacementCheck, from: LocalCluster, to: LocalCluster, connectTo: ConnectTo): Promise<PlacementMeasurement> {
  const connections = new Connections(connectTo);
  const stream = "SMOKE_PLACEMENT";
  try {
    const jsm = await (await connections.to(from, check.admin)).jetstreamManager();
    const info = await pollUntil<StreamInfo>(
      async () => {
        try {
          return {
            reached: await jsm.streams.add({
              name: stream,
              subjects: [`smoke.placement.${smokeId()}`],
              num_replicas: check.replicas,
              storage: StorageType.File,
              max_bytes: SMOKE_STREAM_MAX_BYTES,
              placement: { cluster: "", tags: [check.tag] },
            }),
          };
        } catch (error) {
          if (!isPlacementNotYetPossible(error as Error)) throw new SmokeCheckError(`stream ${stream} with placement tag ${check.tag} was refused: ${(error as Error).message}`);
          return { missing: (error as Error).message };
        }
      },
      { what: `the stream ${stream} to be placed by tag ${check.tag}`, timeoutMs: CROSSING_TIMEOUT_MS, intervalMs: RESEND_EVERY_MS },
    );
    const placed = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((replica) => replica.name)].filter((name): name is string => name !== undefined).sort();
    const expected = new Set(to.servers.map((server) => server.name));
    await jsm.streams.delete(stream);
    if (info.cluster?.name !== to.name || placed.length !== check.replicas || placed.some((name) => !expected.has(name))) {
      throw new SmokeCheckError(`stream ${stream} with placement tag ${check.tag} landed in ${info.cluster?.name ?? "no cluster"} on ${placed.join(", ") || "no server"}, not on ${check.replicas} servers of ${to.name}`);
    }
    return { check: "placement", admin: check.admin, from: from.name, stream, replicas: check.replicas, tag: check.tag, placedIn: to.name, servers: placed };
  } finally {
    await connections.closeAll();
  }
}

/** What one leaf site's checks found, in the order made: a measurement for each check made, a skip for each not. */
export type LeafSiteResult = LeafUpMeasurement | LeafDownMeasurement | LeafRefusedMeasurement | HubJetStreamMeasurement | Omit<SkippedCheck, "scope">;

/**
 * The four checks of one leaf site: up, down, a subject that must not cross, and hub JetStream from the site.
 * `hub` and `site` are the running clusters. A failure names the check it happened in.
 */
export async function runLeafSiteCheck(check: LeafSiteCheck, hub: LocalCluster, site: LocalCluster, connectTo: ConnectTo): Promise<LeafSiteResult[]> {
  const connections = new Connections(connectTo);
  const ends = { site: site.name, ...(check.siteUser === undefined ? {} : { siteUser: check.siteUser.name }), hub: hub.name };
  const results: LeafSiteResult[] = [];
  let step: LeafSiteResult["check"] = "leaf-up";
  try {
    const onSite = await connections.to(site, check.siteUser?.name);
    const receiver = await connections.to(hub, check.hubReceiver.name);
    const sender = await connections.to(hub, check.hubSender.name);

    const upPayload = `up ${smokeId()}`;
    const arrivedUp = collect(receiver, check.up);
    const blockedPayload = `blocked ${smokeId()}`;
    const arrivedBlocked = check.blocked === undefined ? new Set<string>() : collect(receiver, check.blocked);
    await receiver.flush();
    let started = Date.now();
    await sendUntilArrived(`${check.hubReceiver.name} on ${hub.name} to receive ${check.up} from ${site.name}`, () => onSite.publish(check.up, upPayload), () => arrivedUp.has(upPayload));
    results.push({ check: "leaf-up", ...ends, subject: check.up, hubReceiver: check.hubReceiver.name, elapsedMs: Date.now() - started });

    step = "leaf-down";
    const downPayload = `down ${smokeId()}`;
    const arrivedDown = collect(onSite, check.down);
    await onSite.flush();
    started = Date.now();
    await sendUntilArrived(`${site.name} to receive ${check.down} from ${hub.name}`, () => sender.publish(check.down, downPayload), () => arrivedDown.has(downPayload));
    results.push({ check: "leaf-down", ...ends, subject: check.down, hubSender: check.hubSender.name, elapsedMs: Date.now() - started });

    step = "leaf-refused";
    if (check.blocked === undefined) {
      results.push({
        check: "leaf-refused",
        outcome: "skipped",
        reason: `none that ${check.hubReceiver.name} may subscribe to and ${check.leafUser.name} may not publish can be sent from ${site.name}`,
      });
    } else {
      // Messages on one link arrive in order: once a later allowed one is in, the refused one would have been too.
      const markerPayload = `marker ${smokeId()}`;
      onSite.publish(check.blocked, blockedPayload);
      onSite.publish(check.up, markerPayload);
      await sendUntilArrived(`the allowed message sent after ${check.blocked}`, () => undefined, () => arrivedUp.has(markerPayload));
      await sleep(BLOCKED_GRACE_MS);
      if (arrivedBlocked.has(blockedPayload)) throw new SmokeCheckError(`${check.blocked}, which ${check.leafUser.name} may not publish, crossed from ${site.name} to ${hub.name}`, step);
      results.push({ check: "leaf-refused", ...ends, subject: check.blocked, hubReceiver: check.hubReceiver.name, leafUser: check.leafUser.name });
    }

    step = "hub-jetstream";
    if (check.hubJetStream === undefined) {
      results.push({
        check: "hub-jetstream",
        outcome: "skipped",
        reason: `it publishes into no hub stream (hubStreams) that ${check.leafUser.name} and its client may use, or its account has no JetStream`,
      });
    } else {
      results.push(await hubJetStreamFromSite(check, check.hubJetStream, hub, site, onSite, connections, ends));
    }
    return results;
  } catch (error) {
    if (error instanceof SmokeCheckError) throw error.check === undefined ? new SmokeCheckError(error.reason, step) : error;
    throw new SmokeCheckError(`site ${site.name}: ${(error as Error).message}`, step);
  } finally {
    await connections.closeAll();
  }
}

/** The hub's answer to a stream-management request from a site, or undefined when it never came. */
async function managementAnswer(onSite: NatsConnection, subject: string): Promise<string | undefined> {
  try {
    return (await onSite.request(subject, "", { timeout: REFUSED_WAIT_MS })).string();
  } catch {
    return undefined;
  }
}

/**
 * The site client stores a message in a hub stream its site publishes into, through the hub's domain, and
 * reads the stream's info; its requests to delete, purge or create a hub stream get no answer, since the leaf
 * user may not send them. The hub account's admin checks the stream held on, and removes the smoke message.
 */
async function hubJetStreamFromSite(
  check: LeafSiteCheck,
  hubJetStream: HubJetStreamCheck,
  hub: LocalCluster,
  site: LocalCluster,
  onSite: NatsConnection,
  connections: Connections,
  ends: { site: string; siteUser?: string; hub: string },
): Promise<HubJetStreamMeasurement> {
  const { domain, stream, subject, admin } = hubJetStream;
  const hubJsm = await (await connections.to(hub, admin)).jetstreamManager();
  // The hub's interest in the stream's subject and API is what lets the site's requests cross the link.
  await waitForLeafInterest(site, [`$JS.${domain}.API.STREAM.INFO.${stream}`, subject], CROSSING_TIMEOUT_MS).catch((error: Error) => {
    throw new SmokeCheckError(error.message);
  });
  const ack = await onSite.jetstream({ domain }).publish(subject, `stored ${smokeId()}`);
  try {
    const seen = (await (await onSite.jetstreamManager({ domain, checkAPI: false })).streams.info(stream)).state;
    if (ack.stream !== stream || ack.domain !== domain || seen.last_seq < ack.seq) {
      throw new SmokeCheckError(`${subject} from ${check.site.cluster.name} was acknowledged by stream ${ack.stream} in domain ${ack.domain ?? "(none)"}, and ${stream} ends at sequence ${seen.last_seq}`);
    }
    const refused: string[] = [];
    for (const operation of ["STREAM.DELETE", "STREAM.PURGE", "STREAM.CREATE"]) {
      const answer = await managementAnswer(onSite, `$JS.${domain}.API.${operation}.${stream}`);
      if (answer !== undefined) throw new SmokeCheckError(`${operation} of hub stream ${stream} from ${check.site.cluster.name} was answered: ${answer}`);
      refused.push(operation);
    }
    const after = (await hubJsm.streams.info(stream)).state;
    if (after.last_seq < ack.seq || after.messages === 0) throw new SmokeCheckError(`hub stream ${stream} lost its messages after requests from ${check.site.cluster.name}`);
    return { check: "hub-jetstream", ...ends, subject, stream, domain, ackDomain: ack.domain, sequence: ack.seq, unanswered: refused };
  } finally {
    await hubJsm.streams.deleteMessage(stream, ack.seq).catch(() => undefined);
  }
}

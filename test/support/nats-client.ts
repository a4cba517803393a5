/** Client-side helpers for tests against local clusters, all through the `nats` client and bounded in time. */
import { connect, Consumer, ErrorCode, JetStreamClient, JetStreamManager, NatsConnection, PubAck, StreamInfo } from "nats";
import { JetStreamReport, LocalCluster, readJetStream } from "../../components/local";
import { ACCOUNT_JETSTREAM_FAILED, accountJetStreamFailed } from "./account-jetstream";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` every 100 ms until it returns a value other than undefined; after `timeoutMs` fails naming
 * `what` was awaited and how the last try ended (the error the probe threw, or that it was not there yet).
 */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lastTry = "the last try found it not there yet";
    const value = await probe().catch((error: unknown) => {
      lastTry = `the last try threw: ${error instanceof Error ? error.message : String(error)}`;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000}s waiting for ${what}; ${lastTry}`);
    await sleep(100);
  }
}

/**
 * Publishes to a stream just created in another cluster once the stream's interest has crossed the gateways:
 * until then the publish is answered "503 no responders", which means the message reached no one and was not
 * stored, so sending it again cannot store it twice. Any other error fails at once.
 */
export async function publishWhenStreamReachable(js: JetStreamClient, subject: string, payload: string, timeoutMs = 10_000): Promise<PubAck> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await js.publish(subject, payload);
    } catch (error) {
      if ((error as { code?: string }).code !== ErrorCode.NoResponders) throw error;
      if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000}s waiting for the interest of a stream capturing ${subject} to reach this cluster (still no responders)`);
      await sleep(100);
    }
  }
}

/**
 * Pulls every message the consumer has, one at a time, and acks each with a confirmed ack; returns the payloads
 * in the order delivered. Stops at the first pull that finds nothing within a second.
 */
export async function pullAndAckAll(consumer: Consumer): Promise<string[]> {
  const payloads: string[] = [];
  for (let message = await consumer.next({ expires: 1_000 }); message !== null; message = await consumer.next({ expires: 1_000 })) {
    payloads.push(message.string());
    if (!(await message.ackAck())) throw new Error(`the server did not confirm the ack of ${message.subject} (stream sequence ${message.seq})`);
  }
  return payloads;
}

/** A connection that knows every server and reconnects quickly when the one it uses is killed. */
export function connectToCluster(local: LocalCluster): Promise<NatsConnection> {
  return connect({
    servers: local.clientUrls,
    name: "test",
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
    timeout: 5_000,
  });
}

/**
 * Whether a stream info answer came from the stream's leader. nats-server 2.9.10 also lets a replica answer
 * with its own copy's state: one that knows no leader (after 5 s of JetStream, or 10 s of a raft node that
 * never had one), and the group's preferred peer (its first leader) whose raft node is under 10 s old,
 * until it hears from the leader. The client keeps the first answer, so a server just back from a crash
 * can report the stream as it was when it died, and a check of that server against "the" stream state
 * compares it with itself. Only the leader leaves itself out of the replica list, and it lists every
 * other peer.
 */
/**
 * What the settle wait reads of stream info: the fields both client lines (`nats` 2.x and @nats-io/jetstream
 * 3.x) answer alike, so a test on either line can wait on it.
 */
interface ReplicatedStreamInfo {
  config: { num_replicas: number };
  cluster?: { leader?: string; replicas?: { name: string; current: boolean; offline?: boolean; lag?: number }[] };
  state: { messages: number; last_seq: number };
}

/** A JetStream manager of either client line, as far as the settle wait uses one. */
interface StreamInfoSource {
  streams: { info(stream: string): Promise<ReplicatedStreamInfo> };
}

function answeredByLeader(info: ReplicatedStreamInfo): boolean {
  const leader = info.cluster?.leader;
  const replicas = info.cluster?.replicas ?? [];
  return !!leader && replicas.length === info.config.num_replicas - 1 && replicas.every((replica) => replica.name !== leader);
}

/** Stream info as the stream's leader answers it, asking again while another replica answers first. */
function leaderStreamInfo(jsm: JetStreamManager, stream: string, timeoutMs = 30_000): Promise<StreamInfo> {
  return waitFor(`stream ${stream} info from its leader`, timeoutMs, async () => {
    const info = await jsm.streams.info(stream);
    return answeredByLeader(info) ? info : undefined;
  });
}

/** The stream's current leader, as the leader itself reports it. */
export async function streamLeader(jsm: JetStreamManager, stream: string, timeoutMs = 30_000): Promise<string> {
  return (await leaderStreamInfo(jsm, stream, timeoutMs)).cluster!.leader!;
}

/**
 * Waits until the named server holds every message of the stream: its own copy (read from its monitor
 * port, not through the leader) ends at the last sequence the leader itself reports, not at what the
 * named server would answer for itself.
 */
export async function waitUntilCaughtUp(local: MonitoredServers, jsm: JetStreamManager, stream: string, serverName: string, timeoutMs = 30_000): Promise<void> {
  const server = local.server(serverName);
  await waitFor(`${serverName} to catch up on stream ${stream}`, timeoutMs, async () => {
    const info = await jsm.streams.info(stream);
    if (!answeredByLeader(info)) return undefined;
    const copy = await readOwnCopy(server.ports.monitor, stream);
    return typeof copy === "object" && copy.lastSeq === info.state.last_seq ? true : undefined;
  });
}

/**
 * Waits until server `serverName`'s own copy of the stream names no leader: cut off from the leader, its
 * election timer ran out and it stood for election, raising its term. A heal after that has the group's
 * leader step down for the higher term, the path a partition longer than a few seconds takes.
 */
export async function waitUntilLeaderless(local: MonitoredServers, stream: string, serverName: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${serverName} to lose the leader of stream ${stream}`, timeoutMs, async () => {
    const detail = await readOwnStreamDetail(local.server(serverName).ports.monitor, stream);
    if (typeof detail !== "object") throw new Error(`${serverName}: ${detail}`);
    if (detail.cluster?.leader) throw new Error(`${serverName} still follows ${detail.cluster.leader}`);
    return true;
  });
}

/** Servers whose own copies a wait reads from their monitor ports: a local cluster, or booted pods through their relays. */
export interface MonitoredServers {
  server(name: string): { ports: { monitor: number }; logFile?: string; files?: { logFile: string } };
}

/** A server's log file: a booted pod's, or a local server's. */
function logFileOf(server: ReturnType<MonitoredServers["server"]>): string | undefined {
  return server.logFile ?? server.files?.logFile;
}

/** One server's own copy of a stream, read from its monitor port. */
export interface StreamCopy {
  messages: number;
  lastSeq: number;
}

/** A stream every replica agrees on: the leader's state, and each replica's own copy of it. */
export interface SettledStream {
  leader: string;
  messages: number;
  lastSeq: number;
  copies: Map<string, StreamCopy>;
}

/** How long the stream must stay unchanged on every replica to count as settled: past a heartbeat (1 s). */
const SETTLED_FOR_MS = 1_500;

/** What a server's monitor port says of its own copy: the copy, "no copy" when it answers without one, or "no answer". */
type OwnCopy = StreamCopy | "no copy" | "no answer";

type StreamDetail = NonNullable<NonNullable<JetStreamReport["account_details"]>[number]["stream_detail"]>[number];

/** What a server's monitor port reports of its own copy of a stream, or "no copy" / "no answer". */
async function readOwnStreamDetail(monitorPort: number, stream: string): Promise<StreamDetail | "no copy" | "no answer"> {
  const report = await readJetStream(monitorPort, "?accounts=true&streams=true");
  if (report === undefined) return "no answer";
  const detail = (report.account_details ?? []).flatMap((account) => account.stream_detail ?? []).find((candidate) => candidate.name === stream);
  return detail ?? "no copy";
}

async function readOwnCopy(monitorPort: number, stream: string): Promise<OwnCopy> {
  const detail = await readOwnStreamDetail(monitorPort, stream);
  return typeof detail === "object" ? { messages: detail.state.messages, lastSeq: detail.state.last_seq } : detail;
}

function describeCopies(copies: Map<string, OwnCopy>): string {
  return [...copies].map(([name, copy]) => `${name}: ${typeof copy === "object" ? `${copy.messages} messages up to ${copy.lastSeq}` : copy}`).join(", ");
}

/**
 * Waits until the stream is settled: its leader reports every replica current with no lag, every replica's
 * own copy (read from its monitor port, not through the leader) holds as many messages up to the same last
 * sequence as the leader, and all of that stays unchanged for SETTLED_FOR_MS. A replica that never agrees
 * fails the wait with every copy's state.
 */
export async function waitUntilSettled(local: MonitoredServers, jsm: StreamInfoSource, stream: string, timeoutMs = 30_000): Promise<SettledStream> {
  const deadline = Date.now() + timeoutMs;
  let lastSeen = "no answer from the stream's leader";
  let lastCopies: Map<string, OwnCopy> | undefined;
  let agreed: { state: string; since: number } | undefined;
  for (;;) {
    const info = await jsm.streams.info(stream).catch(() => undefined);
    if (info && answeredByLeader(info)) {
      const leader = info.cluster!.leader!;
      const replicas = info.cluster!.replicas!;
      const copies = new Map<string, OwnCopy>();
      lastCopies = copies;
      for (const name of [leader, ...replicas.map((replica) => replica.name)]) {
        copies.set(name, await readOwnCopy(local.server(name).ports.monitor, stream));
      }
      const { messages, last_seq: lastSeq } = info.state;
      const state = `leader ${leader}: ${messages} messages up to ${lastSeq}; ${describeCopies(copies)}`;
      const everyReplicaCurrent = replicas.every((replica) => replica.current && !replica.offline && !replica.lag);
      const everyCopyAgrees = [...copies.values()].every((copy) => typeof copy === "object" && copy.messages === messages && copy.lastSeq === lastSeq);
      if (!everyReplicaCurrent || !everyCopyAgrees) agreed = undefined;
      else if (agreed?.state !== state) agreed = { state, since: Date.now() };
      else if (Date.now() - agreed.since >= SETTLED_FOR_MS) {
        return { leader, messages, lastSeq, copies: new Map([...copies.keys()].map((name) => [name, { messages, lastSeq }])) };
      }
      lastSeen = `${state}${everyReplicaCurrent ? "" : `; replicas as the leader sees them: ${JSON.stringify(replicas)}`}`;
    }
    if (Date.now() > deadline) {
      const raced = [...(lastCopies ?? new Map<string, OwnCopy>())].filter(([name, copy]) => copy === "no copy" && accountJetStreamFailed(logFileOf(local.server(name))));
      const hint = raced.length === 0 ? "" : `; ${raced.map(([name]) => name).join(", ")} logged "${ACCOUNT_JETSTREAM_FAILED}" (see account-jetstream.ts)`;
      throw new Error(`stream ${stream} did not settle within ${timeoutMs / 1000}s; last seen: ${lastSeen}${hint}`);
    }
    await sleep(100);
  }
}

/** One stored message as read back: its stream sequence and its Nats-Msg-Id. */
export interface StoredMessage {
  seq: number;
  msgId: string | undefined;
  body: string;
}

/** Requests for stored messages kept in flight at once while a stream is read back. */
const READS_IN_FLIGHT = 32;

/**
 * Reads the stream back by sequence, `firstSeq` (default 1) to `lastSeq` (taken from a settled stream, never from a single stream
 * info answer, which a lagging replica may give), each message asked of the stream's leader. A sequence the
 * stream does not hold is left out; a request that fails otherwise (a leader being elected) is sent again
 * until `timeoutMs`. Asked one by one rather than through a consumer: an ordered consumer made right after a
 * heal was once handed nothing for 30 s (nats-server 2.15.1), which says nothing about what the stream holds.
 */
export async function readStream(jsm: JetStreamManager, stream: string, lastSeq: number, { firstSeq = 1, timeoutMs = 30_000 } = {}): Promise<StoredMessage[]> {
  const bySeq: (StoredMessage | undefined)[] = new Array(lastSeq + 1);
  const text = new TextDecoder();
  let next = firstSeq;
  const reader = async () => {
    for (let seq = next++; seq <= lastSeq; seq = next++) {
      bySeq[seq] = await waitFor(`message ${seq} of stream ${stream}`, timeoutMs, async () => {
        try {
          const message = await jsm.streams.getMessage(stream, { seq });
          return { seq, msgId: message.header?.get("Nats-Msg-Id") || undefined, body: text.decode(message.data) };
        } catch (error) {
          if (/no message found/i.test(error instanceof Error ? error.message : String(error))) return null;
          throw error;
        }
      }).then((message) => message ?? undefined);
    }
  };
  await Promise.all(Array.from({ length: READS_IN_FLIGHT }, reader));
  return bySeq.filter((message): message is StoredMessage => message !== undefined);
}

/** The stream, load and report shared by the fault tests. */
import { randomUUID } from "crypto";
import { afterEach, expect } from "vitest";
import { JetStreamClient, JetStreamManager, NatsConnection, StorageType } from "nats";
import { LocalCluster } from "../../components/local";
import { Cluster } from "../../components/model";
import { auditStream } from "./nats-audit";
import { connectToCluster, MonitoredServers, readStream, sleep, StoredMessage, waitFor, waitUntilSettled } from "./nats-client";
import { startTestCluster, TestCluster } from "./nats-cluster";
import { SteadyPublisher } from "./nats-publisher";

export const FAULT_STREAM = "FAULTS";
const SUBJECT = "faults.load";

/** Another stream a fault test loads: its name, subject, and the cluster of a supercluster it is placed in. */
export interface LoadedStream {
  name: string;
  subject: string;
  cluster?: string;
}

/**
 * Creates a stream a fault test loads (the fault stream unless `stream` names another). A create with the
 * same settings again is answered with the stream, so it is sent again while the meta leader's API interest
 * has not yet reached the server asked ("no responders": the request reached no one).
 */
export async function createFaultStream(jsm: JetStreamManager, replicas: number, stream: LoadedStream = { name: FAULT_STREAM, subject: SUBJECT }): Promise<void> {
  const where = stream.cluster === undefined ? "through the cluster" : `in ${stream.cluster}`;
  await waitFor(`stream ${stream.name} to be created ${where}`, 15_000, async () => {
    await jsm.streams.add({
      name: stream.name,
      subjects: [stream.subject],
      num_replicas: replicas,
      storage: StorageType.File,
      ...(stream.cluster === undefined ? {} : { placement: { cluster: stream.cluster, tags: [] } }),
      // Longer than any test, so every retry of an id is recognised as a duplicate.
      duplicate_window: 5 * 60 * 1_000_000_000,
    });
    return true;
  });
}

/** About 100 messages a second on `subject`; an attempt waits 1 s for its ack and a message is given up after 60 s. */
export function steadyLoad(js: JetStreamClient, subject = SUBJECT): SteadyPublisher {
  return new SteadyPublisher(js, {
    subject,
    pauseMs: 5,
    attemptTimeoutMs: 1_000,
    retryPauseMs: 100,
    giveUpAfterMs: 60_000,
    maxMessages: 20_000,
  });
}

/**
 * Publishes `attempts` probe messages with a short timeout while a fault should refuse writes, and
 * returns how many were acknowledged (zero when the cluster refuses them as it must).
 */
export async function probeWrites(js: JetStreamClient, attempts: number): Promise<number> {
  let acknowledged = 0;
  for (let n = 1; n <= attempts; n++) {
    try {
      // An id of its own: probes sent through two cut-off servers at once, in the same millisecond, once
      // shared their ids, and the worker pool received the pair as one message delivered twice.
      await js.publish(SUBJECT, `probe-${n}`, { msgID: `probe-${randomUUID()}`, timeout: 500 });
      acknowledged++;
    } catch {
      // Refused or timed out: what a cluster without a quorum must answer.
    }
    await sleep(200);
  }
  return acknowledged;
}

export function serverIndex(local: LocalCluster, name: string): number {
  return local.server(name).index;
}

/**
 * The longest stretch without an acknowledgement between `from` and `until`: how long writes stalled
 * around a fault. Measured between acknowledgements rather than from the fault itself, since an ack
 * already on its way when a server is killed may still arrive just after.
 */
export function secondsWithoutWrites(publisher: SteadyPublisher, from: number, until: number): number {
  const times = [from, ...publisher.acknowledged.map((ack) => ack.at).filter((at) => at > from && at <= until)];
  if (times.length === 1) throw new Error("no message was acknowledged after the fault");
  let longest = 0;
  for (let index = 1; index < times.length; index++) longest = Math.max(longest, times[index] - times[index - 1]);
  return longest / 1000;
}

/**
 * Waits until every replica holds the same stream (see waitUntilSettled), reads it back, checks that it
 * did not change meanwhile, and checks that every acknowledged message is there exactly once; then prints
 * the figures under `label`, with each replica's copy.
 */
/** Seconds the load could not write once quorum was lost, and seconds from bringing one server back until it could. */
export interface QuorumOutage {
  refused: number;
  resumedAfter: number;
}

/**
 * Quorum is gone: no probe and no write of the load may be acknowledged. Then `returning` is restarted and
 * the load must get 100 more acknowledgements; both waits are timed from the publisher's acks.
 */
export async function refusedUntilOneReturns(local: LocalCluster, nc: NatsConnection, publisher: SteadyPublisher, returning: string, without: string): Promise<QuorumOutage> {
  const quorumLostAt = Date.now();
  expect(await probeWrites(nc.jetstream(), 5), `writes acknowledged ${without}`).toBe(0);
  expect(publisher.acknowledgedAfter(quorumLostAt), `load acknowledged ${without}`).toEqual([]);

  const restartedAt = Date.now();
  await local.restart(serverIndex(local, returning));
  await publisher.waitForMore(100, 45_000);
  return {
    resumedAfter: secondsWithoutWrites(publisher, restartedAt, Date.now()),
    refused: secondsWithoutWrites(publisher, quorumLostAt, Date.now()),
  };
}

export async function auditAndReport(label: string, local: MonitoredServers, nc: NatsConnection, publisher: SteadyPublisher, figures: Record<string, string>, stream = FAULT_STREAM): Promise<void> {
  // Without the client's API check: it asks for the account's info, which the meta leader answers, and right
  // after a heal or a restart the meta group may still be electing one (503, JetStream temporarily
  // unavailable). The settle wait asks the stream until its leader answers.
  const jsm = await nc.jetstreamManager({ checkAPI: false });
  const { settled, stored, landedLate } = await readSettledStream(local, jsm, stream, publisher);
  const audit = auditStream(publisher.acknowledged, stored.filter((message) => !message.body.startsWith("probe-")));
  const probesStored = stored.filter((message) => message.body.startsWith("probe-")).length;
  const extra = Object.entries(figures).map(([key, value]) => `, ${key}=${value}`).join("");
  const copies = [...settled.copies].map(([name, copy]) => `${name}${name === settled.leader ? "*" : ""}:${copy.messages}/${copy.lastSeq}`).join(" ");
  console.log(
    `fault[${label}]: acknowledged=${audit.acknowledged}, lost=${audit.lost.length}, duplicates=${audit.duplicates.length}` +
      `${extra}, stored-unacknowledged=${audit.storedUnacknowledged + probesStored}, retried-attempts=${publisher.failedAttempts}, abandoned=${publisher.abandoned.length}` +
      `, landed-after-settling=${landedLate}, replicas(messages/last)=${copies}`,
  );
  expect(stored.length, "messages read back against the count every replica reports").toBe(settled.messages);
  expect(audit.lost, `acknowledged messages missing from the stream: ${describeLost(audit.lost, publisher, stored)}`).toEqual([]);
  expect(audit.duplicates, "messages stored more than once").toEqual([]);
  expect(audit.misplaced, "acknowledged sequences holding another message").toEqual([]);
  expect(publisher.abandoned, "messages never acknowledged").toEqual([]);
}

/**
 * What a loss looked like, for telling a server that acknowledged and then dropped a write from an audit that
 * read too early: each lost id's acknowledgement (sequence, whether it was a duplicate, when it came relative
 * to the first), and what the stream holds at that sequence now.
 */
function describeLost(lost: readonly string[], publisher: SteadyPublisher, stored: readonly StoredMessage[]): string {
  if (lost.length === 0) return "none";
  const start = publisher.acknowledged[0]?.at ?? 0;
  const bySeq = new Map(stored.map((message) => [message.seq, message.msgId]));
  return lost
    .map((id) => {
      const acks = publisher.acknowledged.filter((ack) => ack.msgId === id);
      const failures = publisher.failures.filter((failure) => failure.msgId === id).map((failure) => `failed +${((failure.at - start) / 1000).toFixed(2)}s (${failure.error})`);
      const acked = acks.map((ack) => `acked at seq ${ack.seq}${ack.duplicate ? " as a duplicate" : ""} +${((ack.at - start) / 1000).toFixed(2)}s, seq now holding ${bySeq.get(ack.seq) ?? "nothing"}`);
      return `${id}: ${[...failures, ...acked].join(", ")}`;
    })
    .join(" | ") + `; marks: ${publisher.marks.map((mark) => `${mark.label} +${((mark.at - start) / 1000).toFixed(2)}s`).join(", ") || "none"}`;
}

/** How long a stream may keep receiving writes that timed out long before, before the audit gives up on it. */
const LATE_WRITES_MS = 30_000;

/**
 * Reads a settled stream back, and reads it again while it grows after settling: a write that timed out can
 * still land seconds later (a cut-off server's route flushes what it held once its link is back), so growth is
 * allowed, but only by messages nobody was told were stored; an acknowledged message appearing late, or a
 * stream that will not stop growing, fails the audit.
 */
async function readSettledStream(local: MonitoredServers, jsm: JetStreamManager, stream: string, publisher: SteadyPublisher) {
  const acknowledged = new Set(publisher.acknowledged.map((ack) => ack.msgId));
  const deadline = Date.now() + LATE_WRITES_MS;
  let settled = await waitUntilSettled(local, jsm, stream);
  let stored = await readStream(jsm, stream, settled.lastSeq);
  let landedLate = 0;
  for (;;) {
    const again = await waitUntilSettled(local, jsm, stream);
    if (again.lastSeq === settled.lastSeq) return { settled, stored, landedLate };
    const late = await readStream(jsm, stream, again.lastSeq, { firstSeq: settled.lastSeq + 1 });
    const lateButAcknowledged = late.filter((message) => message.msgId !== undefined && acknowledged.has(message.msgId));
    expect(lateButAcknowledged.map((message) => `${message.msgId} at ${message.seq}`), `acknowledged messages stored only after the stream had settled at ${settled.lastSeq}`).toEqual([]);
    if (Date.now() > deadline) throw new Error(`stream ${stream} still grew ${LATE_WRITES_MS / 1000}s after it first settled: from ${settled.lastSeq} to ${again.lastSeq}`);
    landedLate += late.length;
    settled = again;
    stored = [...stored, ...late];
  }
}

/** A cluster under the steady load: its servers, the load's connection and the publisher. */
export interface LoadedCluster {
  local: LocalCluster;
  nc: NatsConnection;
  jsm: JetStreamManager;
  publisher: SteadyPublisher;
}

/**
 * Call in a describe block: gives a function that starts a cluster with the fault stream at `replicas`
 * under steady load, once 200 writes are acknowledged, and stops the load and the servers after each test.
 */
export function loadedClusters(): (cluster: Cluster, replicas: number) => Promise<LoadedCluster> {
  let running: TestCluster | undefined;
  let nc: NatsConnection | undefined;
  let publisher: SteadyPublisher | undefined;
  afterEach(async () => {
    await publisher?.stop();
    await nc?.close();
    await running?.stop();
    publisher = nc = running = undefined;
  });
  return async (cluster, replicas) => {
    running = await startTestCluster(cluster);
    nc = await connectToCluster(running.local);
    // No API check (account info, which waits on a meta leader): createFaultStream sends again until answered.
    const jsm = await nc.jetstreamManager({ checkAPI: false });
    await createFaultStream(jsm, replicas);
    publisher = steadyLoad(nc.jetstream());
    publisher.start();
    await publisher.waitForMore(200, 15_000);
    return { local: running.local, nc, jsm, publisher };
  };
}

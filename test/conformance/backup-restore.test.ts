/**
 * The backup client against real nats-server clusters: a round trip through a wiped cluster keeps every
 * message and key revision, an R3 backup restores into one server, a backup under load is a prefix of the
 * live stream, and a damaged backup is refused before the target changes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { connect, headers, NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { BackupRefused, checkBackupDirectory, CHECKSUMS_FILE, DATA_FILE, restoreBackup, RestoreRefused, takeBackup } from "../../components/local/backup";
import { validateCluster } from "../../components/model";
import { readStream } from "../support/backup-streams";
import { waitUntilSettled } from "../support/nats-client";
import { startTestCluster, TestCluster } from "../support/nats-cluster";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backup-restore-"));
const running: TestCluster[] = [];
const connections: NatsConnection[] = [];

async function cluster(name: string, servers: 1 | 3): Promise<{ test: TestCluster; nc: NatsConnection }> {
  const test = await startTestCluster(validateCluster({ name, tier: "dev", servers }));
  running.push(test);
  const nc = await connect({ servers: test.local.clientUrls });
  connections.push(nc);
  return { test, nc };
}

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
  await Promise.all(running.map((test) => test.stop()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The connection every account of these clusters shares: they run without auth, in the global account. */
const as = (nc: NatsConnection) => async () => ({ nc, inboxPrefix: "_INBOX" });

async function fill(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], num_replicas: 3 });
  await jsm.streams.add({ name: "EVENTS", subjects: ["events.>"], num_replicas: 1 });
  const js = jetstream(nc);
  for (let i = 0; i < 120; i++) {
    const h = headers();
    h.set("Nats-Msg-Id", `msg-${i}`);
    h.append("X-Trace", `t${i}`);
    h.append("X-Trace", `u${i}`);
    await js.publish(`orders.${["eu", "us", "ap"][i % 3]}.${i}`, new Uint8Array([i, 0, 255, i % 7]), { headers: h });
    await js.publish(`events.${i % 2 === 0 ? "created" : "paid"}`, `event ${i}`);
  }
  await jsm.streams.deleteMessage("EVENTS", 7);
  await jsm.consumers.add("ORDERS", { durable_name: "billing", ack_policy: AckPolicy.Explicit });
  const consumer = await js.consumers.get("ORDERS", "billing");
  const batch = await consumer.fetch({ max_messages: 30, expires: 5_000 });
  for await (const msg of batch) msg.ack();
  await consumer.info();
  const kv = await new Kvm(nc).create("settings", { history: 5, replicas: 3 });
  for (let revision = 0; revision < 4; revision++) await kv.put("theme", `dark-${revision}`);
  await kv.put("lang", "en");
  await kv.delete("lang");
}

async function everything(nc: NatsConnection) {
  const jsm = await jetstreamManager(nc);
  const billing = await jsm.consumers.info("ORDERS", "billing");
  const kv = await new Kvm(nc).open("settings");
  const history: string[] = [];
  for await (const entry of await kv.history({ key: ">" })) history.push(`${entry.key}@${entry.revision}:${entry.operation}:${entry.string()}`);
  return {
    orders: await readStream(nc, "ORDERS"),
    events: await readStream(nc, "EVENTS"),
    kv: await readStream(nc, "KV_settings"),
    history: history.sort(),
    // num_pending is not kept by a snapshot: the server derives it from the stream, lazily after a restore.
    billing: { delivered: billing.delivered.stream_seq, ackFloor: billing.ack_floor.stream_seq, ackPending: billing.num_ack_pending, redelivered: billing.num_redelivered },
  };
}

/** The stream sequence the durable consumer hands out next: where its restored state says it stopped. */
async function nextDelivery(nc: NatsConnection): Promise<number> {
  const consumer = await jetstream(nc).consumers.get("ORDERS", "billing");
  const msg = await consumer.next({ expires: 5_000 });
  if (msg === null) throw new Error("the restored consumer billing delivered nothing within 5 s");
  return msg.seq;
}

/**
 * Waits until every replica of the R3 streams holds what their leader holds: a reader (the KV history's
 * ordered consumer among them) may be placed on a follower, which can still lag one write behind the quorum.
 */
async function settle(test: TestCluster, nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const stream of ["ORDERS", "KV_settings"]) await waitUntilSettled(test.local, jsm, stream);
}

const ITEMS = ["ORDERS", "EVENTS", "KV_settings"].map((stream) => ({ account: "$G", stream }));

/** Stops every server, empties its store and starts it again on the same config: the cluster after a disk loss. */
async function wipeAndRestart(test: TestCluster, nc: NatsConnection): Promise<NatsConnection> {
  await nc.close();
  connections.splice(connections.indexOf(nc), 1);
  await test.local.stop();
  for (const server of test.local.servers) {
    fs.rmSync(server.files.storeDir, { recursive: true, force: true });
    fs.mkdirSync(server.files.storeDir, { mode: 0o700 });
    server.start();
  }
  await test.local.waitUntilReady();
  const fresh = await connect({ servers: test.local.clientUrls });
  connections.push(fresh);
  expect(await (await jetstreamManager(fresh)).streams.names().next()).toEqual([]);
  return fresh;
}

describe("a backup restored into a wiped cluster", () => {
  it("keeps every message, header, sequence, timestamp and key revision, and the consumer's state; an R3 backup restores into one server as R1", async () => {
    const source = await cluster("source", 3);
    await fill(source.nc);
    await settle(source.test, source.nc);
    const before = await everything(source.nc);
    expect(before.orders).toHaveLength(120);
    expect(before.events).toHaveLength(119);
    expect(before.history).toHaveLength(6);
    const dir = path.join(tmp, "round-trip");
    const reports = await takeBackup(ITEMS, as(source.nc), dir);
    expect(reports.map((report) => [report.stream, report.messages])).toEqual([["ORDERS", 120], ["EVENTS", 119], ["KV_settings", 6]]);
    expect(fs.readFileSync(path.join(dir, CHECKSUMS_FILE), "utf8").trim().split("\n")).toHaveLength(6);

    const wiped = await wipeAndRestart(source.test, source.nc);
    const restored = await restoreBackup(checkBackupDirectory(dir), async () => wiped, { maxReplicas: 3 });
    expect(restored.map((report) => [report.stream, report.replicas, report.replicasNote])).toEqual([
      ["EVENTS", 1, undefined],
      ["KV_settings", 3, undefined],
      ["ORDERS", 3, undefined],
    ]);
    await settle(source.test, wiped);
    // Its state is the backup's; what it delivers next is checked on one server below: on 2.9.10 the leader of
    // a restored R3 consumer was seen, now and then, to deliver nothing for longer than a test waits.
    expect(await everything(wiped)).toEqual(before);

    const dev = await cluster("dev", 1);
    const single = await restoreBackup(checkBackupDirectory(dir), async () => dev.nc, { maxReplicas: 1 });
    expect(single.map((report) => [report.stream, report.replicas])).toEqual([["EVENTS", 1], ["KV_settings", 1], ["ORDERS", 1]]);
    expect(single.map((report) => report.replicasNote)).toEqual([
      undefined,
      "stream KV_settings was R3 in the backup and is restored as R1: the target cluster has 1 server(s)",
      "stream ORDERS was R3 in the backup and is restored as R1: the target cluster has 1 server(s)",
    ]);
    expect(await everything(dev.nc)).toEqual(before);
    expect(await nextDelivery(dev.nc)).toBe(31);
  }, 60_000);
});

describe("a backup taken while publishers keep writing", () => {
  it("is a prefix of the live stream, and the live stream loses nothing", async () => {
    const { nc } = await cluster("load", 1);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "LOAD", subjects: ["load.>"] });
    const js = jetstream(nc);
    let acked = 0;
    let writing = true;
    const publisher = (async () => {
      while (writing) {
        const batch = Array.from({ length: 20 }, (_, i) => js.publish(`load.${(acked + i) % 5}`, `payload ${acked + i} ${"x".repeat(512)}`));
        acked += (await Promise.all(batch)).length;
      }
    })();
    const waitForAcked = async (count: number) => {
      const deadline = Date.now() + 20_000;
      while (acked < count) {
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${count} acked publishes, ${acked} so far`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await waitForAcked(2_000);
    const dir = path.join(tmp, "under-load");
    const [report] = await takeBackup([{ account: "$G", stream: "LOAD" }], as(nc), dir);
    const afterBackup = acked;
    await waitForAcked(afterBackup + 1_000);
    writing = false;
    await publisher;

    const live = await readStream(nc, "LOAD");
    expect(live.map((record) => record.seq)).toEqual(Array.from({ length: acked }, (_, i) => i + 1));
    expect(report.messages).toBeGreaterThanOrEqual(2_000);
    expect(report.lastSeq).toBeLessThan(acked);

    const target = await cluster("load-target", 1);
    const [restored] = await restoreBackup(checkBackupDirectory(dir), async () => target.nc, { maxReplicas: 1 });
    expect(restored.lastSeq).toBeGreaterThanOrEqual(report.lastSeq);
    expect(restored.lastSeq).toBeLessThan(acked);
    expect(await readStream(target.nc, "LOAD")).toEqual(live.slice(0, restored.lastSeq));
  }, 60_000);
});

describe("a damaged backup, or one that would overwrite", () => {
  it("is refused with the reason, and the target keeps what it had", async () => {
    const { nc } = await cluster("damage", 1);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "KEEP", subjects: ["keep.>"] });
    const js = jetstream(nc);
    for (let i = 0; i < 300; i++) await js.publish(`keep.${i}`, `message ${i} ${"y".repeat(2048)}`);
    const dir = path.join(tmp, "good");
    await takeBackup([{ account: "$G", stream: "KEEP" }], as(nc), dir);
    const before = await readStream(nc, "KEEP");

    const copy = (name: string) => {
      const target = path.join(tmp, name);
      fs.cpSync(dir, target, { recursive: true });
      return { target, data: path.join(target, "$G", "KEEP", DATA_FILE) };
    };
    const truncated = copy("truncated");
    fs.truncateSync(truncated.data, Math.floor(fs.statSync(truncated.data).size / 2));
    expect(() => checkBackupDirectory(truncated.target)).toThrow(BackupRefused);
    expect(() => checkBackupDirectory(truncated.target)).toThrow(/\$G\/KEEP\/stream\.tar\.s2 does not match its checksum in SHA256SUMS/);
    expect(() => checkBackupDirectory(truncated.target)).toThrow(/the file was cut short/);

    const flipped = copy("flipped");
    const bytes = fs.readFileSync(flipped.data);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(flipped.data, bytes);
    expect(() => checkBackupDirectory(flipped.target)).toThrow(/does not match its checksum/);

    // Without SHA256SUMS (a directory the nats CLI wrote), the server's own checks refuse the flipped byte.
    fs.rmSync(path.join(flipped.target, CHECKSUMS_FILE));
    await jsm.streams.delete("KEEP");
    await jsm.streams.add({ name: "OTHER", subjects: ["other.>"] });
    await js.publish("other.1", "unrelated");
    await expect(restoreBackup(checkBackupDirectory(flipped.target), async () => nc, { maxReplicas: 1 })).rejects.toThrow(/restore of stream KEEP refused by the server/);
    expect((await jsm.streams.names().next()).sort()).toEqual(["OTHER"]);
    expect((await jsm.streams.info("OTHER")).state.messages).toBe(1);

    await restoreBackup(checkBackupDirectory(dir), async () => nc, { maxReplicas: 1 });
    await expect(restoreBackup(checkBackupDirectory(dir), async () => nc, { maxReplicas: 1 })).rejects.toThrow(RestoreRefused);
    await expect(restoreBackup(checkBackupDirectory(dir), async () => nc, { maxReplicas: 1 })).rejects.toThrow(
      "restore refused, nothing was changed: stream(s) $G/KEEP already exist in the target; delete them, or pass --replace to have them deleted and restored from the backup",
    );
    await js.publish("keep.extra", "written after the backup");
    const [replaced] = await restoreBackup(checkBackupDirectory(dir), async () => nc, { maxReplicas: 1, replace: true });
    expect(replaced.replaced).toBe(true);
    expect(await readStream(nc, "KEEP")).toEqual(before);
  }, 60_000);
});

/**
 * A full disk: each server of a 3-server cluster keeps its JetStream store on a small tmpfs of its own, and
 * a filler file fills one follower's while the load goes on. What must hold, and is asserted: the other two
 * servers stay live and ready; the full server's readiness and liveness endpoints, which ask only about the
 * server itself, keep passing, so the kubelet neither restarts it in a loop nor takes it out of its Service;
 * once space is back and the server restarts on the same store (what an operator does after growing the
 * volume), writes go on, it catches up, and nothing acknowledged is lost, every replica identical. What
 * nats-server 2.9.10 shows meanwhile varies from run to run and is reported, not asserted: the other two
 * usually keep acknowledging writes, but the stream can also stall until the full server restarts; the
 * leader reports the replica behind and the full `/healthz` (which no probe reads) stops answering, or the
 * replica still reports current.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NatsConnection } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import { findServerBinary, LocalCluster, LocalServer, passesProbe, startCluster } from "../../components/local";
import { validateCluster } from "../../components/model";
import { serverName } from "../../components/model/names";
import { FULL_HEALTH_PATH, SERVER_PROBES, ServerProbe } from "../../components/model/server-probes";
import { connectToCluster, sleep, streamLeader, waitUntilCaughtUp } from "../support/nats-client";
import { auditAndReport, createFaultStream, FAULT_STREAM, serverIndex, steadyLoad } from "../support/nats-faults";
import { SteadyPublisher } from "../support/nats-publisher";

const CLUSTER = validateCluster({ name: "fulldisk3", tier: "small" });
/** Each server's store filesystem: a few MB, as the scenario asks, yet room for the whole test's load. */
const STORE_FILESYSTEM = "16m";
/** How long the full server is watched before its space comes back. */
const OBSERVED_FOR_MS = 6_000;

function freeBytes(dir: string): number {
  const { bavail, bsize } = fs.statfsSync(dir);
  return bavail * bsize;
}

describe("a 3-server cluster when one server's disk fills", () => {
  let runDir: string | undefined;
  let local: LocalCluster | undefined;
  let nc: NatsConnection | undefined;
  let publisher: SteadyPublisher | undefined;
  const mounts: string[] = [];

  afterEach(async () => {
    await publisher?.stop();
    await nc?.close();
    // A wedged server ignores lame duck; kill -9 every server so nothing outlives the test.
    for (let index = 0; index < (local?.servers.length ?? 0); index++) await local!.kill(index);
    for (const mount of mounts.splice(0)) execFileSync("umount", ["--lazy", mount]);
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  });

  it("keeps the full server live and ready, and loses nothing once it restarts with space back", { timeout: 120_000 }, async () => {
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-fulldisk-"));
    for (let ordinal = 0; ordinal < CLUSTER.servers; ordinal++) {
      const store = path.join(runDir, serverName(CLUSTER, ordinal), "jetstream");
      fs.mkdirSync(store, { recursive: true });
      execFileSync("mount", ["-t", "tmpfs", "-o", `size=${STORE_FILESYSTEM}`, "tmpfs", store]);
      mounts.push(store);
    }
    local = await startCluster(CLUSTER, { runDir, binary: findServerBinary() });
    nc = await connectToCluster(local);
    // No API check (account info, which waits on a meta leader): createFaultStream sends again until answered.
    const jsm = await nc.jetstreamManager({ checkAPI: false });
    await createFaultStream(jsm, 3);
    publisher = steadyLoad(nc.jetstream());
    publisher.start();
    await publisher.waitForMore(200, 15_000);

    const leader = await streamLeader(jsm, FAULT_STREAM);
    const full = local.servers.find((server) => server.name !== leader)!;
    const healthy = local.servers.filter((server) => server !== full);
    const store = path.join(runDir, full.name, "jetstream");
    const filler = path.join(store, "filler");
    // Every free byte: the full server's next write to its store fails.
    fs.writeFileSync(filler, Buffer.alloc(freeBytes(store)));
    expect(freeBytes(store)).toBe(0);
    const filledAt = Date.now();

    const { liveness, readiness } = SERVER_PROBES;
    const passes = (server: LocalServer, probe: ServerProbe) => passesProbe(server.ports.monitor, probe.path, probe.timeoutSeconds * 1000);
    const fullHealth: ServerProbe = { ...readiness, path: FULL_HEALTH_PATH };
    let largestLag = 0;
    let fullHealthFailedAfter: number | undefined;
    while (Date.now() - filledAt < OBSERVED_FOR_MS) {
      const info = await jsm.streams.info(FAULT_STREAM).catch(() => undefined);
      const replica = info?.cluster?.replicas?.find((candidate) => candidate.name === full.name);
      if (replica && !replica.current) largestLag = Math.max(largestLag, replica.lag ?? 0);
      if (fullHealthFailedAfter === undefined && !(await passes(full, fullHealth))) fullHealthFailedAfter = (Date.now() - filledAt) / 1000;
      await sleep(200);
    }
    expect(await passes(full, readiness), `${full.name} ${readiness.path} with a full disk`).toBe(true);
    expect(await passes(full, liveness), `${full.name} ${liveness.path} with a full disk`).toBe(true);
    // Writes acknowledged while the disk was full: usually the other two go on at the load's pace, but now and
    // then 2.9.10 stalls the stream until the full server restarts, so this is reported, not asserted.
    const ackedWhileFull = publisher.acknowledgedAfter(filledAt).length;
    // The other servers stay live and ready. Their full health is reported, not asserted: it asks after every
    // stream's replicas, the full server's among them.
    for (const server of healthy) {
      for (const probe of [readiness, liveness]) expect(await passes(server, probe), `${server.name} ${probe.path}`).toBe(true);
    }
    const othersFullyHealthy = (await Promise.all(healthy.map((server) => passes(server, fullHealth)))).filter(Boolean).length;

    // Space back, and the pod restarted on the same store; killed, since a wedged server does not finish its
    // lame duck, and freeing the space alone does not unwedge it.
    fs.rmSync(filler);
    const restartedAt = Date.now();
    await local.kill(serverIndex(local, full.name));
    await local.restart(serverIndex(local, full.name));
    await waitUntilCaughtUp(local, jsm, FAULT_STREAM, full.name);
    const caughtUpAfter = (Date.now() - restartedAt) / 1000;
    await publisher.waitForMore(100, 15_000);
    await publisher.stop();

    await auditAndReport("3 servers, one disk full", local, nc, publisher, {
      "acked-while-full": String(ackedWhileFull),
      "others-fully-healthy": `${othersFullyHealthy}/${healthy.length}`,
      "largest-lag-reported": String(largestLag),
      "full-health-unanswered-after": fullHealthFailedAfter === undefined ? "never" : `${fullHealthFailedAfter.toFixed(1)}s`,
      "caught-up-after-restart": `${caughtUpAfter.toFixed(1)}s`,
    });
  });
});

/**
 * Resizing under load: a 3-server cluster in operator mode grows to 5 and shrinks back to 3 while the load
 * writes to an R3 stream, each step as the README's "Resizing a cluster" tells an operator to take it. The
 * new size goes through the model (`servers` in the cluster spec, every server's config rendered for it and
 * reloaded, as the ConfigMap and the reloader do it) and the StatefulSet's part is played by starting or
 * stopping the highest ordinals. Before the shrink, each leaving server, highest ordinal first, is restarted
 * with lame duck (its pod deleted and recreated, which hands its leaderships over), then removed from the meta
 * group as the stack's `sys` user (`$JS.API.SERVER.REMOVE`), and the next goes only once every stream it held
 * a replica of is placed and current elsewhere. An R3 stream created after the growth (so placed on the new
 * servers) must keep every message through its move.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { connect, credsAuthenticator, JetStreamManager, JSONCodec, NatsConnection } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import { generateCredentials, GeneratedCredentials } from "../../components/credentials/generate";
import { LocalCluster, LocalServer, passesProbe, readJetStream, resizeCluster, ResizeOptions, startCluster } from "../../components/local";
import { validateCluster } from "../../components/model";
import { validateAccounts } from "../../components/model/account-resolution";
import { SYSTEM_USER_NAME } from "../../components/model/accounts";
import { SERVER_PROBES } from "../../components/model/server-probes";
import { awaitAccountRestartingOnRace, enableAccountOnEachServer } from "../support/account-jetstream";
import { waitFor } from "../support/nats-client";
import { installedServer } from "../support/nats-cluster";
import { auditAndReport, createFaultStream, FAULT_STREAM, secondsWithoutWrites, steadyLoad } from "../support/nats-faults";
import { SteadyPublisher } from "../support/nats-publisher";
import { keyBytesFor } from "../support/operator-server";

/** The same cluster at both sizes the medium tier allows; only `servers` differs. */
const spec = (servers: number) => validateCluster({ name: "resize", tier: "medium", servers, lameDuck: { gracePeriod: "2s" } });
const [THREE, FIVE] = [spec(3), spec(5)];
const MOVED_STREAM = "GROWN";
const MOVED_MESSAGES = 30;

function operatorCredentials(): Promise<GeneratedCredentials> {
  const accounts = validateAccounts(
    [
      {
        name: "app",
        subjects: ["faults.>", "grown.>"],
        limits: { jetstream: { streams: 4, diskStorage: "256Mi", memStorage: "16Mi" } },
        users: [{ name: "loader", admin: true, permissions: { publish: ["$JS.API.>", "faults.>", "grown.>"] } }],
      },
    ],
    { cluster: THREE, streams: [] },
  );
  return generateCredentials(accounts, keyBytesFor(accounts, "resize"));
}

function connectAs(local: LocalCluster, credentials: GeneratedCredentials, name: string, servers = local.clientUrls): Promise<NatsConnection> {
  const user = credentials.users.find((candidate) => candidate.name === name)!;
  return connect({
    servers,
    authenticator: credsAuthenticator(new TextEncoder().encode(user.creds)),
    inboxPrefix: user.inboxPrefix,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
    timeout: 5_000,
  });
}

/** Enables the app account's JetStream on `servers`, one at a time, before a stream of it lands there (see account-jetstream.ts). */
function enableApp(local: LocalCluster, credentials: GeneratedCredentials, servers: readonly LocalServer[]): Promise<void> {
  return enableAccountOnEachServer(
    servers.map((server) => ({ name: server.name, monitorPort: server.ports.monitor, logFile: server.files.logFile })),
    "app",
    (server) => connectAs(local, credentials, "loader", [local.server(server.name).clientUrl]),
  );
}

/** The meta group's size and leader as the meta leader reports them. */
async function metaGroup(local: LocalCluster): Promise<{ leader: string; size: number } | undefined> {
  const leader = await local.metaLeader();
  if (!leader) return undefined;
  const report = await readJetStream(local.server(leader).ports.monitor);
  return report?.meta_cluster?.leader === leader ? { leader, size: report.meta_cluster.cluster_size ?? 0 } : undefined;
}

/** Waits until the meta leader counts `size` peers, and returns the leader. */
function waitForMetaSize(local: LocalCluster, size: number): Promise<string> {
  return waitFor(`the meta group of ${local.name} to count ${size} servers`, 20_000, async () => {
    const group = await metaGroup(local);
    if (group?.size === size) return group.leader;
    throw new Error(group ? `it counts ${group.size}, leader ${group.leader}` : "no meta leader");
  });
}

/**
 * The stream's servers, as its leader reports them, once the leader reports every other one current; throws
 * what it saw otherwise, for the wait's message.
 */
async function currentPeers(jsm: JetStreamManager, stream: string): Promise<string[]> {
  const info = await jsm.streams.info(stream);
  const leader = info.cluster?.leader;
  const replicas = info.cluster?.replicas ?? [];
  const seen = `leader ${leader ?? "none"}, replicas ${JSON.stringify(replicas)}`;
  if (!leader || replicas.length !== info.config.num_replicas - 1 || replicas.some((replica) => replica.name === leader)) {
    throw new Error(`not answered by a leader that knows every replica: ${seen}`);
  }
  if (!replicas.every((replica) => replica.current && !replica.offline)) throw new Error(`a replica is not current: ${seen}`);
  return [leader, ...replicas.map((replica) => replica.name)];
}

describe("a 3-server cluster resized to 5 and back under load", () => {
  let runDir: string | undefined;
  let local: LocalCluster | undefined;
  const connections: NatsConnection[] = [];
  let publisher: SteadyPublisher | undefined;

  afterEach(async () => {
    await publisher?.stop();
    for (const nc of connections.splice(0)) await nc.close();
    await local?.stop();
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  });

  it("keeps R3 streams writable and loses nothing while servers join and leave", { timeout: 120_000 }, async () => {
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-resize-"));
    const credentials = await operatorCredentials();
    const options: ResizeOptions = { runDir, binary: installedServer(), extraSections: () => [credentials.confSection] };
    local = await startCluster(THREE, options);
    await enableApp(local, credentials, local.servers);
    const nc = await connectAs(local, credentials, "loader");
    const sys = await connectAs(local, credentials, SYSTEM_USER_NAME);
    connections.push(nc, sys);
    // No API check (account info, which waits on a meta leader): createFaultStream sends again until answered.
    const jsm = await nc.jetstreamManager({ checkAPI: false });
    await createFaultStream(jsm, 3);
    publisher = steadyLoad(nc.jetstream());
    publisher.start();
    await publisher.waitForMore(200, 15_000);

    // Growth: `servers: 5`, every config rendered for five, the three reload, two new ordinals start.
    const growStarted = Date.now();
    local = await resizeCluster(local, FIVE, options);
    await waitForMetaSize(local, 5);
    const grewIn = (Date.now() - growStarted) / 1000;
    await publisher.waitForMore(100, 15_000);
    const growStall = secondsWithoutWrites(publisher, growStarted, Date.now());

    // A stream created on five servers lands on the new ones, which hold no stream yet; first each new server
    // must have the account's JetStream, which 2.9.10 can fail to enable on a server joining under load.
    const grown = local;
    const raceRestarts = await awaitAccountRestartingOnRace(
      grown.servers.slice(THREE.servers).map((server) => ({ name: server.name, monitorPort: server.ports.monitor, logFile: server.files.logFile })),
      "app",
      async ({ name }) => {
        await grown.server(name).kill();
        await grown.restart(grown.server(name).index);
      },
    );
    await jsm.streams.add({ name: MOVED_STREAM, subjects: ["grown.>"], num_replicas: 3 });
    const js = nc.jetstream();
    for (let n = 1; n <= MOVED_MESSAGES; n++) await js.publish("grown.job", `job-${n}`, { msgID: `job-${n}` });
    const placedOnFive = await waitFor(`${MOVED_STREAM} to be current on its three servers`, 15_000, () => currentPeers(jsm, MOVED_STREAM));

    // Shrink, step 1: each leaving server out of the meta group, highest ordinal first.
    const shrinkStarted = Date.now();
    const leaving = local.servers.slice(THREE.servers).map((server) => server.name).reverse();
    const replacedIn: string[] = [];
    for (const name of leaving) {
      const stepStarted = Date.now();
      // The pod deleted and recreated on its claim: the preStop's lame duck hands its stream and meta
      // leaderships over, and it comes back a follower. A removed leader would leave its streams leaderless
      // until an election timed out (seen here: 13 s and more).
      const server = local.server(name);
      await server.stop(local.cluster.terminationGracePeriodSeconds * 1000);
      server.start();
      await waitFor(`${name} to pass its readiness probe after its restart`, 30_000, async () =>
        (await passesProbe(server.ports.monitor, SERVER_PROBES.readiness.path, SERVER_PROBES.readiness.timeoutSeconds * 1000)) ? true : undefined,
      );
      for (const stream of [FAULT_STREAM, MOVED_STREAM]) {
        const leader = (await currentPeers(jsm, stream).catch(() => [undefined]))[0];
        expect(leader, `${stream}'s leader before ${name} is removed`).not.toBe(name);
      }
      if ((await waitForMetaSize(local, local.servers.length - replacedIn.length)) === name) {
        await sys.request("$JS.API.META.LEADER.STEPDOWN", undefined, { timeout: 5_000 });
        await waitFor(`the meta leadership to move off ${name}`, 15_000, async () => {
          const group = await metaGroup(local!);
          return group && group.leader !== name ? true : undefined;
        });
      }
      const answer = JSONCodec<{ success?: boolean; error?: { description: string } }>().decode(
        (await sys.request("$JS.API.SERVER.REMOVE", JSONCodec().encode({ peer: name }), { timeout: 5_000 })).data,
      );
      expect(answer, `removing ${name} from the meta group`).toMatchObject({ success: true });
      for (const stream of [FAULT_STREAM, MOVED_STREAM]) {
        await waitFor(`${stream} to be placed off ${name} and current`, 30_000, async () => {
          const peers = await currentPeers(jsm, stream);
          if (peers.some((peer) => leaving.slice(0, replacedIn.length + 1).includes(peer))) throw new Error(`still on ${peers.join(", ")}`);
          return peers;
        });
      }
      replacedIn.push(`${name}:${((Date.now() - stepStarted) / 1000).toFixed(1)}s`);
    }
    await waitForMetaSize(local, THREE.servers);

    // Step 2: `servers: 3`, the three reload configs rendered for three, the two highest ordinals stop.
    local = await resizeCluster(local, THREE, options);
    await waitForMetaSize(local, THREE.servers);
    await publisher.waitForMore(100, 15_000);
    const shrinkStall = secondsWithoutWrites(publisher, shrinkStarted, Date.now());
    await publisher.stop();

    const moved = await jsm.streams.info(MOVED_STREAM);
    expect(moved.state.messages, `${MOVED_STREAM}'s messages after its move`).toBe(MOVED_MESSAGES);
    const placedOnThree = await waitFor(`${MOVED_STREAM} to be current on the three servers left`, 15_000, () => currentPeers(jsm, MOVED_STREAM));
    expect(placedOnThree.sort()).toEqual(local.servers.map((server) => server.name).sort());

    await auditAndReport("3 → 5 → 3 servers", local, nc, publisher, {
      "refused-attempts": String(publisher.failedAttempts),
      "grew-in": `${grewIn.toFixed(1)}s`,
      "grow-stall": `${growStall.toFixed(1)}s`,
      "shrink-stall": `${shrinkStall.toFixed(1)}s`,
      "leave-steps": replacedIn.join("/"),
      "account-race-restarts": [...raceRestarts.values()].reduce((sum, count) => sum + count, 0).toString(),
      [`${MOVED_STREAM}-placed`]: `${placedOnFive.join(",")} → ${placedOnThree.join(",")}`,
    });
  });
});

/**
 * The key figures a local status shows, read from real servers' /varz and /jsz: each consumer once (from
 * its leader, though three servers hold it), its pending and unacknowledged messages against the stack's
 * thresholds, crossed ones marked; and `npm run local` showing them against the stack's own thresholds.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AckPolicy, NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalCluster, startCluster } from "../../components/local";
import { formatWatchedFigures, readWatchedFigures, readWatchReadings } from "../../components/local/watch-readings";
import { validateCluster } from "../../components/model";
import { resolveMonitoring } from "../../components/model/monitoring/monitoring";
import { eventOf, finished, PROJECT_DIR, projectWith, runEvents, startCli } from "../support/local-cli-run";
import { connectToCluster, waitFor } from "../support/nats-client";
import { installedServer } from "../support/nats-cluster";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nats-local-watch-"));
const cliScratch = fs.mkdtempSync(path.join(os.tmpdir(), "nats-local-watch-cli-"));
let local: LocalCluster;
let connection: NatsConnection;

beforeAll(async () => {
  local = await startCluster(validateCluster({ name: "watch", tier: "dev", servers: 3 }), { runDir: scratch, binary: installedServer(), readyTimeoutMs: 20_000 });
  connection = await connectToCluster(local);
  const jsm = await connection.jetstreamManager();
  await jsm.streams.add({ name: "JOBS", subjects: ["jobs.>"], num_replicas: 3 });
  await jsm.consumers.add("JOBS", { durable_name: "workers", ack_policy: AckPolicy.Explicit, max_ack_pending: 4, max_deliver: 5 });
  const js = connection.jetstream();
  for (let index = 0; index < 7; index++) await js.publish(`jobs.${index}`, `job ${index}`);
  // Four taken and held unacknowledged: the consumer is at its maxAckPending with three still pending.
  const consumer = await js.consumers.get("JOBS", "workers");
  const held = await consumer.fetch({ max_messages: 4, expires: 2_000 });
  let taken = 0;
  for await (const message of held) {
    expect(message.subject).toMatch(/^jobs\./);
    taken += 1;
  }
  expect(taken).toBe(4);
}, 40_000);

afterAll(async () => {
  await connection?.close();
  await local?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.rmSync(cliScratch, { recursive: true, force: true });
});

describe("the key figures of a running cluster", () => {
  it("reads each consumer once, from its leader, with the servers' storage", async () => {
    const readings = await waitFor("the consumer's leader to report 3 pending and 4 unacknowledged", 10_000, async () => {
      const read = await readWatchReadings(local);
      const [workers] = read.consumers;
      return read.consumers.length === 1 && workers.pending === 3 && workers.ackPending === 4 ? read : undefined;
    });
    expect(readings.consumers).toEqual([{ stream: "JOBS", consumer: "workers", pending: 3, ackPending: 4, maxAckPending: 4, redelivered: 0, maxDeliver: 5, secondsSinceDelivery: expect.any(Number) }]);
    expect(readings.servers.map((server) => server.server)).toEqual(["watch-0", "watch-1", "watch-2"]);
    for (const server of readings.servers) expect(server.maxStorage).toBeGreaterThan(0);
  });

  it("marks the thresholds crossed and only those", async () => {
    const monitoring = resolveMonitoring({ thresholds: { consumerPending: 2 } }, []);
    const figures = await readWatchedFigures(local, monitoring);
    const crossed = figures.filter((figure) => figure.crossed).map((figure) => `${figure.subject} ${figure.figure}`);
    expect(crossed).toEqual(["JOBS/workers pending", "JOBS/workers ack pending"]);
    expect(figures.find((figure) => figure.figure === "since last delivery")).toMatchObject({ threshold: "> 60s", crossed: false });
    const text = formatWatchedFigures("watch", figures);
    expect(text.split("\n")[0]).toBe("key metrics of cluster watch (the alert rules' thresholds; 2 crossed, marked !):");
    expect(text.split("\n").filter((line) => line.startsWith("!")).map((line) => line.split(/\s+/).slice(1, 3).join(" "))).toEqual(["JOBS/workers pending", "JOBS/workers ack"]);
  });

  it("at the seed defaults marks only the consumer at its maxAckPending: 3 pending is far below 1000", async () => {
    const figures = await readWatchedFigures(local, resolveMonitoring(undefined, []));
    expect(figures.filter((figure) => figure.crossed).map((figure) => figure.figure)).toEqual(["ack pending"]);
    expect(figures.find((figure) => figure.figure === "pending")).toMatchObject({ value: "3", threshold: "> 1000", crossed: false });
    expect(figures.find((figure) => figure.figure === "ack pending")).toMatchObject({ value: "4", threshold: ">= 4", alert: "NatsConsumerAckPendingAtMax" });
  });
});

describe("npm run local", () => {
  it("reports each cluster's key figures against the thresholds of the stack's own monitoring key", { timeout: 60_000 }, async () => {
    const project = projectWith(cliScratch, { medium: fs.readFileSync(path.join(PROJECT_DIR, "stacks/Pulumi.medium.yaml"), "utf8") });
    const run = await finished(startCli(["medium", "--smoke", "--json"], project), 50_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const ready = eventOf(runEvents(run.stdout), "ready");
    const [nats] = ready.watch;
    expect(nats.cluster).toBe("nats");
    expect(nats.figures.filter((figure) => figure.subject === "JOBS/workers").map((figure) => [figure.figure, figure.threshold])).toEqual([
      ["pending", "> 1000"],
      ["lag", "> 500"],
      ["ack pending", ">= 1000"],
      ["redelivered", ">= 1"],
    ]);
    expect(nats.figures.filter((figure) => figure.figure === "file storage").map((figure) => figure.subject)).toEqual(["nats-0", "nats-1", "nats-2"]);
    expect(nats.figures.filter((figure) => figure.crossed)).toEqual([]);
  });
});

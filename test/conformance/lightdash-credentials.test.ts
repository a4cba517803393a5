/**
 * The lightdash stack's own users on a real nats-server: its streams and consumers as the stack declares
 * them, the API's user publishing jobs, the worker pools' users pulling them, and nothing more. The app
 * account of the dev stack stands beside it, to show the workers cannot reach another account's stream.
 */
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsConnection } from "nats";
import { generateCredentials } from "../../components/credentials/generate";
import { withLocalAdmins, localAdminName } from "../../components/local/local-credentials";
import { provisionAccount } from "../../components/local/provision";
import { stackProvisioning } from "../../components/model/provisioning";
import { readStackFile, resolveStack, Stack, StackSpec, stackFilePath } from "../../components/model/stack";
import { PresetSpec, withPresets } from "../../components/presets";
import { keyBytesFor, OperatorServer, startOperatorServer, trackViolations } from "../support/operator-server";

const root = path.resolve(__dirname, "../..");

/** The lightdash and dev stacks' accounts and streams on one dev-tier server (R1, as a one-server cluster holds), with memory for Lightdash's in-memory queues. */
function combinedStack(): Stack {
  const lightdash = readStackFile(stackFilePath(root, "lightdash")) as StackSpec & PresetSpec;
  const dev = readStackFile(stackFilePath(root, "dev"));
  const expanded = withPresets({ ...lightdash, cluster: { name: "nats", tier: "dev", memory: "4Gi" } }, lightdash);
  return resolveStack("lightdash", {
    cluster: expanded.cluster,
    accounts: [...(expanded.accounts ?? []), ...(dev.accounts ?? [])],
    streams: [...(expanded.streams ?? []), ...(dev.streams ?? [])],
  });
}

let server: OperatorServer;
const connections: NatsConnection[] = [];
async function connectAs(user: string): Promise<NatsConnection> {
  const nc = await server.connectAs(user);
  connections.push(nc);
  return nc;
}

beforeAll(async () => {
  const stack = combinedStack();
  const accounts = withLocalAdmins(stack.accounts);
  server = await startOperatorServer(await generateCredentials(accounts, keyBytesFor(accounts, "lightdash")), stack.jetStreamHome);
  for (const target of stackProvisioning(stack).targets) {
    for (const share of target.accounts) await provisionAccount(await connectAs(localAdminName(share.account)), target.cluster.name, share);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
  await server?.stop();
});

describe("the lightdash stack's users on a real server", () => {
  it("lets the API's user publish a warehouse job, and the warehouse worker pull and ack it exactly once", async () => {
    const api = await connectAs("lightdash-api");
    const ack = await api.jetstream().publish("warehouse.query.jobs", "query-4711");
    expect(ack.stream).toBe("WAREHOUSE_QUERY_JOBS");

    const worker = await connectAs("lightdash-warehouse");
    const consumer = await worker.jetstream().consumers.get("WAREHOUSE_QUERY_JOBS", "worker-warehouse");
    const job = await consumer.next({ expires: 2_000 });
    expect(job?.string()).toBe("query-4711");
    await job!.ackAck();
    expect(await consumer.next({ expires: 1_000 })).toBeNull();
    const info = await consumer.info();
    expect({ pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered }).toEqual({
      pending: 0,
      ackPending: 0,
      redelivered: 0,
    });
  });

  it("lets the API's user queue pre-aggregate jobs for the pre-aggregate worker", async () => {
    const api = await connectAs("lightdash-api");
    await api.jetstream().publish("pre_aggregate.materialization.jobs", "materialize-1");
    const worker = await connectAs("lightdash-pre-aggregate");
    const consumer = await worker.jetstream().consumers.get("PRE_AGGREGATE_QUERY_JOBS", "worker-pre-aggregate");
    const job = await consumer.next({ expires: 2_000 });
    expect(job?.subject).toBe("pre_aggregate.materialization.jobs");
    await job!.ackAck();
  });

  it("refuses the warehouse worker a publish anywhere, and the other worker's consumer", async () => {
    const worker = await connectAs("lightdash-warehouse");
    const violations = trackViolations(worker);
    worker.publish("warehouse.query.jobs", "forged");
    expect(await violations.refused("publish", "warehouse.query.jobs")).toBe(true);
    await expect(worker.jetstream().consumers.get("PRE_AGGREGATE_QUERY_JOBS", "worker-pre-aggregate")).rejects.toThrow();
  });

  it("keeps the workers out of another account's stream: the dev stack's JOBS is not theirs to see", async () => {
    const publisher = await connectAs("api");
    await publisher.jetstream().publish("jobs.report", "other-account-job");
    const worker = await connectAs("lightdash-warehouse");
    await expect(worker.jetstream().consumers.get("JOBS", "workers")).rejects.toThrow();
    const own = await connectAs("worker");
    const job = await (await own.jetstream().consumers.get("JOBS", "workers")).next({ expires: 2_000 });
    expect(job?.string()).toBe("other-account-job");
    await job!.ackAck();
  });

  it("refuses a worker the stream management API: it cannot delete or change its stream", async () => {
    const worker = await connectAs("lightdash-warehouse");
    const jsm = await worker.jetstreamManager({ checkAPI: false });
    await expect(jsm.streams.delete("WAREHOUSE_QUERY_JOBS")).rejects.toThrow();
    await expect(jsm.streams.update("WAREHOUSE_QUERY_JOBS", { max_msgs: 10 })).rejects.toThrow();
  });
});

/**
 * The dagnats stack run by `npm run local`: the DagNATS preset's streams, buckets and consumers, expanded from
 * the stack's `dagnats` description, created on a real 3-server cluster; a task from the engine's user to
 * each pool's user; and the preset's backups of the history, the task queues and every bucket, taken and
 * restored as the account's backup and restore users, whose JWTs grant 18 streams and outgrow the 4 KiB a
 * server reads of a CONNECT line by default.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { headers, NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { readStream } from "../support/backup-streams";
import { connectAsRunUser, eventOf, isNatsServer, PROJECT_DIR, projectWith, recordedPids, RunningLocal, runEvents, runNpmLocal, runTool, startLocal } from "../support/local-cli-run";
import { createdObjects, modelObjects, sortObjects } from "../support/provisioned";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "local-dagnats-"));
const runs: RunningLocal[] = [];
const connections: NatsConnection[] = [];

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
  await Promise.all(runs.map((run) => run.stop()));
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A connection as one of the run's users, closed after the file. */
async function as(run: RunningLocal, user: string): Promise<NatsConnection> {
  const nc = await connectAsRunUser(run, user);
  connections.push(nc);
  return nc;
}

describe("npm run local on the dagnats stack", () => {
  it("creates the engine's streams and buckets and passes a task from the engine's user to each pool's user", { timeout: 90_000 }, async () => {
    const run = await runNpmLocal(["dagnats", "--smoke", "--json"], 80_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const ready = eventOf(runEvents(run.stdout), "ready");
    expect(ready.provisioned).toContainEqual({ cluster: "nats", account: "workflows", kind: "stream", name: "WORKFLOW_HISTORY", replicas: 3, retention: "limits", storage: "file" });
    expect(ready.provisioned).toContainEqual(expect.objectContaining({ cluster: "nats", account: "workflows", kind: "bucket", name: "workflow_runs" }));
    expect(sortObjects(createdObjects(ready.provisioned))).toEqual(sortObjects(modelObjects(PROJECT_DIR, "dagnats")));
    const tasks = ready.checks.filter((check) => check.check === "job");
    expect(tasks.map((check) => [check.outcome, "publisher" in check && check.publisher, "worker" in check && check.worker, "consumer" in check && check.consumer])).toEqual([
      ["passed", "dagnats-engine", "dagnats-llm", "workers-summarize"],
      ["passed", "dagnats-engine", "dagnats-llm", "workers-classify"],
      ["passed", "dagnats-engine", "dagnats-io", "workers-fetch"],
    ]);
    expect(ready.checks.every((check) => check.outcome === "passed")).toBe(true);
    expect(recordedPids(path.join(PROJECT_DIR, ".local", "dagnats")).filter(isNatsServer)).toEqual([]);
  });

  it("backs up the history, the task queues and every bucket, and restores them as they were", { timeout: 120_000 }, async () => {
    const project = projectWith(scratch, { dagnats: fs.readFileSync(path.join(PROJECT_DIR, "stacks", "Pulumi.dagnats.yaml"), "utf8") });
    const run = await startLocal(project, "dagnats", 60_000);
    runs.push(run);
    const engine = await as(run, "dagnats-engine");
    const js = jetstream(engine);
    for (let i = 0; i < 20; i++) {
      const h = headers();
      h.set("Nats-Msg-Id", `run-${i}`);
      await js.publish(`history.run-${i}.started`, `started ${i}`, { headers: h });
    }
    await js.publish("task.fetch.run-1", "fetch https://example.com");
    const kv = await new Kvm(engine).open("workflow_runs");
    for (const key of ["run-1", "run-2", "run-3"]) await kv.put(key, "running");

    const out = path.join(scratch, "backup");
    const backup = await runTool("backup", ["dagnats", "--out", out], project, 60_000);
    expect(backup.code, backup.stdout + backup.stderr).toBe(0);
    expect(backup.stdout).toContain("backed up 18 stream(s)");
    expect(backup.stdout).toMatch(/nats {2}workflows\/WORKFLOW_HISTORY {2}20 message\(s\), sequences 1\.\.20/);
    expect(fs.readdirSync(path.join(out, "nats", "workflows"))).toEqual(expect.arrayContaining(["WORKFLOW_HISTORY", "TASK_QUEUES", "KV_workflow_defs", "KV_workflow_runs"]));

    const admin = await as(run, "workflows.admin");
    const before = await Promise.all(["WORKFLOW_HISTORY", "TASK_QUEUES", "KV_workflow_runs"].map((stream) => readStream(admin, stream)));
    const restore = await runTool("restore", ["dagnats", "--from", out, "--replace"], project, 90_000);
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    expect(restore.stdout).toContain("restored 18 stream(s)");
    const after = await Promise.all(["WORKFLOW_HISTORY", "TASK_QUEUES", "KV_workflow_runs"].map((stream) => readStream(admin, stream)));
    expect(after).toEqual(before);
    expect(before.map((messages) => messages.length)).toEqual([20, 1, 3]);
  });
});

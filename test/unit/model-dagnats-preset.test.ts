/**
 * The DagNATS preset as a stack describes it (`nats-jetstream:dagnats`): the streams, buckets and users it
 * expands into, the backups of the engine's stores it turns on by default, how it joins a policy the stack
 * declares itself, and the server setting that lets its users' large JWTs connect.
 */
import { describe, expect, it } from "vitest";
import { maxControlLineFor } from "../../components/credentials/operator-config";
import { Stack } from "../../components/model";
import { subjectWithinAny } from "../../components/model/subjects";
import { checkStack } from "../../components/stack-check";
import { BASES, Keys } from "../support/stack-cases";

const BUCKETS = 16;
const STREAMS = ["WORKFLOW_HISTORY", "TASK_QUEUES", "EVENTS", "DEAD_LETTERS", "SLEEP_TIMERS", "TELEMETRY", "TRIGGER_HISTORY"];

function stackOf(change: (keys: Keys) => void = () => undefined): Stack {
  const keys = BASES.dagnats();
  change(keys);
  return checkStack("dagnats", keys);
}

const backedUp = (stack: Stack) => stack.backups?.targets.map((target) => target.stream) ?? [];
const userOf = (stack: Stack, name: string) => stack.accounts.find((account) => account.name === "workflows")!.users.find((user) => user.name === name)!;

describe("the dagnats stack", () => {
  const stack = stackOf();

  it("holds the engine's streams, its buckets and a consumer per task type, in the engine's account", () => {
    expect(stack.jetstream.streams.map((stream) => stream.name)).toEqual(STREAMS);
    expect(stack.jetstream.keyValues).toHaveLength(BUCKETS);
    expect(new Set([...stack.jetstream.streams, ...stack.jetstream.keyValues].map((item) => item.account))).toEqual(new Set(["workflows"]));
    const tasks = stack.jetstream.streams.find((stream) => stream.name === "TASK_QUEUES")!;
    expect(tasks.consumers.map((consumer) => [consumer.durable, consumer.filterSubject, consumer.workerUser])).toEqual([
      ["workers-summarize", "task.summarize.>", "dagnats-llm"],
      ["workers-classify", "task.classify.>", "dagnats-llm"],
      ["workers-fetch", "task.fetch.>", "dagnats-io"],
    ]);
  });

  it("adds the engine's and the pools' users to the account the stack declares for its limits", () => {
    const account = stack.accounts.find((candidate) => candidate.name === "workflows")!;
    expect(account.limits.jetstream?.diskStorage).toBe(12 * 2 ** 30);
    expect(account.users.map((user) => user.name)).toEqual(expect.arrayContaining(["dagnats-engine", "dagnats-llm", "dagnats-io", "workflows-backup", "workflows-restore"]));
  });

  it("lets the engine create, write and read its stores but never delete or purge a stream, a message or a consumer", () => {
    const { publish } = userOf(stack, "dagnats-engine").permissions;
    const may = (subject: string) => subjectWithinAny(subject, publish);
    for (const subject of ["history.run-1.started", "task.fetch.1", "$KV.workflow_runs.run-1", "$JS.API.STREAM.CREATE.WORKFLOW_HISTORY", "$JS.API.STREAM.UPDATE.KV_workflow_defs", "$JS.API.CONSUMER.CREATE.WORKFLOW_HISTORY"]) {
      expect(may(subject), subject).toBe(true);
    }
    for (const subject of ["$JS.API.STREAM.DELETE.WORKFLOW_HISTORY", "$JS.API.STREAM.PURGE.TASK_QUEUES", "$JS.API.STREAM.MSG.DELETE.WORKFLOW_HISTORY", "$JS.API.CONSUMER.DELETE.TASK_QUEUES.workers-fetch", "$JS.API.STREAM.LIST", "$KV.other.key", "jobs.x"]) {
      expect(may(subject), subject).toBe(false);
    }
  });

  it("lets each pool pull only its own task types' consumers", () => {
    const llm = userOf(stack, "dagnats-llm").permissions.publish;
    expect(subjectWithinAny("$JS.API.CONSUMER.MSG.NEXT.TASK_QUEUES.workers-classify", llm)).toBe(true);
    expect(subjectWithinAny("$JS.API.CONSUMER.MSG.NEXT.TASK_QUEUES.workers-fetch", llm)).toBe(false);
    expect(subjectWithinAny("task.summarize.1", llm)).toBe(false);
  });

  it("backs up the event history, the task queues and every bucket, on the schedule and claim the stack gives", () => {
    expect(backedUp(stack)).toEqual(["WORKFLOW_HISTORY", "TASK_QUEUES", ...stack.jetstream.keyValues.map((bucket) => `KV_${bucket.bucket}`)]);
    expect(stack.backups).toMatchObject({ schedule: "0 3 * * *", retentionDays: 14, destination: { kind: "pvc", size: "20Gi" } });
  });
});

describe("the DagNATS preset's backups", () => {
  it("are on without a backups block: daily at 03:00, a week back, on a claim as large as the store budget", () => {
    const stack = stackOf((keys) => delete keys.dagnats.backups);
    expect(stack.backups).toMatchObject({ schedule: "0 3 * * *", retentionDays: 7, destination: { kind: "pvc", size: "4Gi" } });
    expect(backedUp(stack)).toHaveLength(2 + BUCKETS);
  });

  it("are off when turned off, and the stack then has no backup policy", () => {
    expect(stackOf((keys) => (keys.dagnats.backups = { enabled: false })).backups).toBeUndefined();
  });

  it("join the lists of a policy the stack declares itself, which keeps its schedule and destination", () => {
    const stack = stackOf((keys) => {
      delete keys.dagnats.backups;
      keys.backups = { schedule: "0 4 * * *", retentionDays: 3, streams: ["EVENTS"], buckets: [], destination: { pvc: { size: "10Gi" } } };
    });
    expect(stack.backups).toMatchObject({ schedule: "0 4 * * *", retentionDays: 3, destination: { kind: "pvc", size: "10Gi" } });
    expect(backedUp(stack).slice(0, 3)).toEqual(["EVENTS", "WORKFLOW_HISTORY", "TASK_QUEUES"]);
    expect(backedUp(stack)).toHaveLength(3 + BUCKETS);
  });

  it("leave a stack's policy without lists as it is: every file-backed stream and bucket", () => {
    const stack = stackOf((keys) => {
      delete keys.dagnats.backups;
      keys.backups = { schedule: "0 4 * * *", retentionDays: 3, destination: { pvc: { size: "10Gi" } } };
    });
    expect(backedUp(stack)).toHaveLength(STREAMS.length + BUCKETS);
  });

  it("leave out the memory-backed STICKY_TASKS stream, which cannot be snapshotted", () => {
    const stack = stackOf((keys) => (keys.dagnats.stickyTasks = true));
    expect(stack.jetstream.streams.find((stream) => stream.name === "STICKY_TASKS")?.storage).toBe("memory");
    expect(backedUp(stack)).not.toContain("STICKY_TASKS");
  });
});

describe("the servers' max_control_line", () => {
  const jwtOf = (length: number) => "x".repeat(length);

  it("stays the server's default while every user's CONNECT fits in 4 KiB", () => {
    expect(maxControlLineFor([jwtOf(800), jwtOf(3072)])).toBeUndefined();
    expect(maxControlLineFor([])).toBeUndefined();
  });

  it("grows, in whole KiB, to the largest user's JWT and the rest of its CONNECT", () => {
    expect(maxControlLineFor([jwtOf(800), jwtOf(3073)])).toBe(5120);
    expect(maxControlLineFor([jwtOf(7000)])).toBe(8192);
  });
});

/**
 * A stack running a DagNATS engine, as a program using the package would describe it: the engine's settings
 * (one task pool scaled by KEDA, one of a fixed size), its account and users, and the stack's keys with the
 * engine's streams and buckets added, ready for checkStack or ClusterMonitoring.
 */
import type { DagNatsSettings } from "../../components/kubernetes/apps/dagnats";
import { AccountSpec } from "../../components/model/accounts";
import { validateCluster } from "../../components/model/cluster";
import { workerPermissions } from "../../components/model/permissions";
import { dagnatsJetStream } from "../../components/workloads/dagnats-objects";

const ENGINE_SUBJECTS = ["history.>", "task.>", "event.>", "dead.>", "sleep.>", "scheduled.>", "telemetry.>", "trigger.fire.>"];

export const DAGNATS_CLUSTER = { name: "nats", tier: "small" } as const;

export const DAGNATS_ENGINE: DagNatsSettings = {
  namespace: "workflows",
  image: "dagnats/dagnats:1.0.0",
  account: "workflows",
  storeBudget: "4Gi",
  engine: { user: "dagnats-engine" },
  taskPools: [
    { name: "llm", taskTypes: ["summarize", "classify"], user: "dagnats-llm", concurrency: 4, maxAckPending: 16, autoscaling: { minReplicas: 0, maxReplicas: 6 } },
    { name: "io", taskTypes: ["fetch"], user: "dagnats-io", replicas: 2 },
  ],
};

export const DAGNATS_ACCOUNTS: AccountSpec[] = [
  {
    name: "workflows",
    users: [
      { name: "dagnats-engine", admin: true, permissions: { publish: [...ENGINE_SUBJECTS, "$JS.API.>", "$KV.>"], subscribe: [...ENGINE_SUBJECTS, "_INBOX.>"] } },
      { name: "dagnats-llm", worker: { stream: "TASK_QUEUES", consumer: "workers-summarize" }, permissions: { publish: workerPermissions("dagnats-llm", "TASK_QUEUES", "workers-classify").publish } },
      { name: "dagnats-io", worker: { stream: "TASK_QUEUES", consumer: "workers-fetch" } },
    ],
  },
];

/** The stack's keys: its cluster, the engine's account, and the engine's streams and buckets. */
export function dagnatsStackKeys(): Record<string, unknown> {
  // Only what decides the streams and buckets: the pools' task types and limits, not their creds or scaling.
  const taskPools = DAGNATS_ENGINE.taskPools!.map(({ autoscaling: _, ...pool }) => ({ ...pool, creds: { name: "" } }));
  const spec = { ...DAGNATS_ENGINE, natsUrl: "", engine: { creds: { name: "" } }, taskPools, webhookSecret: "", bridgeToken: "" };
  const { streams, keyValues } = dagnatsJetStream(spec, validateCluster(DAGNATS_CLUSTER));
  return { cluster: DAGNATS_CLUSTER, accounts: DAGNATS_ACCOUNTS, streams, keyValues };
}

/**
 * The stack schema refuses bad accounts, streams, consumers, buckets, the Lightdash preset and the program's
 * own keys by path, suggesting the key a misspelt one meant; a kube context must be one the kubeconfig has.
 */
import { describe, expect, it } from "vitest";
import { BadInput, BASES, expectRefusedAt, refusal, refuseBroken } from "../support/stack-cases";

const ACCOUNT_CASES: BadInput[] = [
  ["a misspelt account key", "jobs", (s) => (s.accounts[0].user = []), "accounts[0].user", "users"],
  ["a misspelt user key", "jobs", (s) => (s.accounts[0].users[0].publsher = { stream: "JOBS" }), "accounts[0].users[0].publsher", "publisher"],
  ["a misspelt worker key", "jobs", (s) => (s.accounts[0].users[1].worker.consumr = "workers"), "accounts[0].users[1].worker.consumr", "consumer"],
  ["a misspelt permissions key", "jobs", (s) => (s.accounts[0].users[0].permissions = { pub: ["jobs.>"] }), "accounts[0].users[0].permissions.pub", "publish"],
  ["a misspelt limits key", "jobs", (s) => (s.accounts[0].limits = { connections: 5 }), "accounts[0].limits.connections"],
  ["a misspelt jetstream limits key", "jobs", (s) => (s.accounts[0].limits = { jetstream: { memStore: "1Gi" } }), "accounts[0].limits.jetstream.memStore", "memStorage"],
  ["accounts as a mapping", "jobs", (s) => (s.accounts = { app: {} }), "accounts"],
  ["an account name in capitals", "jobs", (s) => (s.accounts[0].name = "App"), "accounts[0].name"],
  ["an account named sys", "jobs", (s) => (s.accounts[0].name = "sys"), "accounts[0].name"],
  ["a user without a role", "jobs", (s) => delete s.accounts[0].users[0].publisher, "accounts[0].users[0]"],
  ["two users of one name", "jobs", (s) => (s.accounts[0].users[1].name = "api"), "accounts[0].users[1].name"],
  ["a publisher of an undeclared stream", "jobs", (s) => (s.accounts[0].users[0].publisher.stream = "ORDERS"), "accounts[0].users[0].publisher.stream"],
  ["a worker of an undeclared consumer", "jobs", (s) => (s.accounts[0].users[1].worker.consumer = "others"), "accounts[0].users[1].worker.consumer"],
  ["a subject with a space", "jobs", (s) => (s.accounts[0].subjects = ["a b"]), "accounts[0].subjects[0]"],
  ["a permission outside the account", "jobs", (s) => (s.accounts[0].users[0].permissions = { publish: ["other.>"] }), "accounts[0].users[0].permissions.publish[0]"],
  ["allowResponses as text", "jobs", (s) => (s.accounts[0].users[0].permissions = { subscribe: ["_INBOX.>"], allowResponses: "yes" }), "accounts[0].users[0].permissions.allowResponses"],
  ["an unknown connection type", "jobs", (s) => (s.accounts[0].users[0].connectionTypes = ["TCP"]), "accounts[0].users[0].connectionTypes[0]"],
  ["no connection types", "jobs", (s) => (s.accounts[0].users[0].connectionTypes = []), "accounts[0].users[0].connectionTypes"],
  ["an expiry that is no date", "jobs", (s) => (s.accounts[0].users[0].expires = "next year"), "accounts[0].users[0].expires"],
  ["a fractional connection limit", "jobs", (s) => (s.accounts[0].limits = { conn: 1.5 }), "accounts[0].limits.conn"],
  ["a connection limit below -1", "jobs", (s) => (s.accounts[0].limits = { conn: -5 }), "accounts[0].limits.conn"],
  ["a quoted subscription limit", "jobs", (s) => (s.accounts[0].limits = { subs: "100" }), "accounts[0].limits.subs"],
  ["a payload over nats-server's ceiling", "jobs", (s) => (s.accounts[0].limits = { payload: "100Mi" }), "accounts[0].limits.payload"],
  ["wildcards as the text off", "jobs", (s) => (s.accounts[0].limits = { wildcards: "off" }), "accounts[0].limits.wildcards"],
  ["storage beyond five of the largest volumes", "jobs", (s) => (s.accounts[0].limits = { jetstream: { diskStorage: "400Ti" } }), "accounts[0].limits.jetstream.diskStorage"],
  ["memory storage beyond the cluster", "jobs", (s) => (s.accounts[0].limits = { jetstream: { memStorage: "100Gi" } }), "accounts[0].limits.jetstream.memStorage"],
  ["an unknown export type", "jobs", (s) => (s.accounts[0].exports = [{ subject: "jobs.>", type: "queue" }]), "accounts[0].exports[0].type"],
  ["a misspelt export key", "jobs", (s) => (s.accounts[0].exports = [{ subjct: "jobs.>", type: "stream" }]), "accounts[0].exports[0].subjct", "subject"],
  ["an import from an undeclared account", "jobs", (s) => (s.accounts[0].imports = [{ account: "shop", subject: "x.>", type: "stream" }]), "accounts[0].imports[0].account"],
  ["signingKey as text", "jobs", (s) => (s.accounts[0].signingKey = "true"), "accounts[0].signingKey"],
  ["an empty rotation", "jobs", (s) => (s.accounts[0].rotation = ""), "accounts[0].rotation"],
];

const STREAM_CASES: BadInput[] = [
  ["a misspelt stream key", "jobs", (s) => (s.streams[0].subject = ["jobs.>"]), "streams[0].subject", "subjects"],
  ["a misspelt retention key", "jobs", (s) => (s.streams[0].retension = "limits"), "streams[0].retension", "retention"],
  ["a misspelt consumer key", "jobs", (s) => (s.streams[0].consumers[0].ackwait = "30s"), "streams[0].consumers[0].ackwait", "ackWait"],
  ["a misspelt maxDeliver", "jobs", (s) => (s.streams[0].consumers[0].maxDelivery = 5), "streams[0].consumers[0].maxDelivery", "maxDeliver"],
  ["streams as a mapping", "jobs", (s) => (s.streams = { JOBS: {} }), "streams"],
  ["a stream name with a dot", "jobs", (s) => (s.streams[0].name = "JOBS.v1"), "streams[0].name"],
  ["no subjects", "jobs", (s) => (s.streams[0].subjects = []), "streams[0].subjects"],
  ["a subject in the JetStream API", "jobs", (s) => (s.streams[0].subjects = ["$JS.API.>"]), "streams[0].subjects[0]"],
  ["an unknown retention", "jobs", (s) => (s.streams[0].retention = "forever"), "streams[0].retention"],
  ["an unknown storage", "jobs", (s) => (s.streams[0].storage = "disk"), "streams[0].storage"],
  ["six replicas", "jobs", (s) => (s.streams[0].replicas = 6), "streams[0].replicas"],
  ["replicas as text", "jobs", (s) => (s.streams[0].replicas = "3"), "streams[0].replicas"],
  ["a fractional message limit", "jobs", (s) => (s.streams[0].maxMsgs = 1.5), "streams[0].maxMsgs"],
  ["a message limit beyond exact integers", "jobs", (s) => (s.streams[0].maxMsgs = 1e20), "streams[0].maxMsgs"],
  ["max bytes beyond the largest volume", "jobs", (s) => (s.streams[0].maxBytes = "100Ti"), "streams[0].maxBytes"],
  ["max bytes as a number", "jobs", (s) => (s.streams[0].maxBytes = 1024), "streams[0].maxBytes"],
  ["a max age without a unit", "jobs", (s) => (s.streams[0].maxAge = "30"), "streams[0].maxAge"],
  ["an unknown discard policy", "jobs", (s) => (s.streams[0].discard = "oldest"), "streams[0].discard"],
  ["a dominant limit that is not one", "jobs", (s) => (s.streams[0].dominantLimit = "maxSize"), "streams[0].dominantLimit"],
  ["a description over 4 KiB", "jobs", (s) => (s.streams[0].description = "x".repeat(5000)), "streams[0].description"],
  ["a cluster that is no name", "jobs", (s) => (s.streams[0].cluster = "Not A Name"), "streams[0].cluster"],
  ["an ack policy of none", "jobs", (s) => (s.streams[0].consumers[0].ackPolicy = "none"), "streams[0].consumers[0].ackPolicy"],
  ["a max deliver of 0", "jobs", (s) => (s.streams[0].consumers[0].maxDeliver = 0), "streams[0].consumers[0].maxDeliver"],
  ["a fractional max ack pending", "jobs", (s) => (s.streams[0].consumers[0].maxAckPending = 2.5), "streams[0].consumers[0].maxAckPending"],
  ["a filter outside the stream", "jobs", (s) => (s.streams[0].consumers[0].filterSubject = "other.>"), "streams[0].consumers[0].filterSubject"],
  ["a worker user of no account", "jobs", (s) => (s.streams[0].consumers[0].workerUser = "nobody"), "streams[0].consumers[0].workerUser"],
  ["a durable with a space", "jobs", (s) => (s.streams[0].consumers[0].durable = "my workers"), "streams[0].consumers[0].durable"],
];

const BUCKET_CASES: BadInput[] = [
  ["a misspelt bucket key", "jobs", (s) => (s.keyValues = [{ bukket: "cfg", account: "app" }]), "keyValues[0].bukket", "bucket"],
  ["a misspelt history key", "jobs", (s) => (s.keyValues = [{ bucket: "cfg", account: "app", histroy: 5 }]), "keyValues[0].histroy", "history"],
  ["a bucket name with a dot", "jobs", (s) => (s.keyValues = [{ bucket: "a.b", account: "app" }]), "keyValues[0].bucket"],
  ["a history over 64", "jobs", (s) => (s.keyValues = [{ bucket: "cfg", account: "app", history: 100 }]), "keyValues[0].history"],
  ["a ttl that is no duration", "jobs", (s) => (s.keyValues = [{ bucket: "cfg", account: "app", ttl: "1 day" }]), "keyValues[0].ttl"],
  ["a value size over 64Mi", "jobs", (s) => (s.keyValues = [{ bucket: "cfg", account: "app", maxValueSize: "100Mi" }]), "keyValues[0].maxValueSize"],
  ["a bucket in an undeclared account", "jobs", (s) => (s.keyValues = [{ bucket: "cfg", account: "shop" }]), "keyValues[0].account"],
  ["buckets as text", "jobs", (s) => (s.keyValues = "cfg"), "keyValues"],
];

const LIGHTDASH_CASES: BadInput[] = [
  ["a misspelt preset key", "lightdash", (s) => (s.lightdash.imgae = s.lightdash.image), "lightdash.imgae", "image"],
  ["a misspelt worker key", "lightdash", (s) => (s.lightdash.warehouseWorker.enable = true), "lightdash.warehouseWorker.enable", "enabled"],
  ["a misspelt autoscaling key", "lightdash", (s) => (s.lightdash.warehouseWorker.autoscaling.maxReplica = 3), "lightdash.warehouseWorker.autoscaling.maxReplica", "maxReplicas"],
  ["a misspelt resources key", "lightdash", (s) => (s.lightdash.api.resources.request = {}), "lightdash.api.resources.request", "requests"],
  ["a misspelt resource name", "lightdash", (s) => (s.lightdash.api.resources.limits = { memroy: "3Gi" }), "lightdash.api.resources.limits.memroy", "memory"],
  ["a misspelt env entry key", "lightdash", (s) => (s.lightdash.preAggregateWorker.env[0].vaule = "3GB"), "lightdash.preAggregateWorker.env[0].vaule", "value"],
  ["a misspelt preset name", "lightdash", (s) => (s.lightdsh = s.lightdash), "lightdsh", "lightdash"],
  ["an image with a space", "lightdash", (s) => (s.lightdash.image = "lightdash lightdash"), "lightdash.image"],
  ["no image", "lightdash", (s) => delete s.lightdash.image, "lightdash.image"],
  ["nats enabled as text", "lightdash", (s) => (s.lightdash.nats.enabled = "yes"), "lightdash.nats.enabled"],
  ["NATS without the warehouse worker", "lightdash", (s) => (s.lightdash.warehouseWorker.enabled = false), "lightdash.warehouseWorker.enabled"],
  ["API replicas as text", "lightdash", (s) => (s.lightdash.api.replicas = "2"), "lightdash.api.replicas"],
  ["API replicas beyond Kubernetes' int32", "lightdash", (s) => (s.lightdash.api.replicas = 3_000_000_000), "lightdash.api.replicas"],
  ["memory requests beyond any node", "lightdash", (s) => (s.lightdash.api.resources.requests.memory = "40Ti"), "lightdash.api.resources.requests.memory"],
  ["a CPU request that is no quantity", "lightdash", (s) => (s.lightdash.api.resources.requests.cpu = "half"), "lightdash.api.resources.requests.cpu"],
  ["autoscaling without a maximum", "lightdash", (s) => delete s.lightdash.warehouseWorker.autoscaling.maxReplicas, "lightdash.warehouseWorker.autoscaling.maxReplicas"],
  ["a fractional minimum", "lightdash", (s) => (s.lightdash.warehouseWorker.autoscaling.minReplicas = 1.5), "lightdash.warehouseWorker.autoscaling.minReplicas"],
  ["an env value as a number", "lightdash", (s) => (s.lightdash.env.PGPORT = 5432), "lightdash.env.PGPORT"],
  ["an env name with a space", "lightdash", (s) => (s.lightdash.env["PG HOST"] = "db"), "lightdash.env.PG HOST"],
  ["a worker env name with '='", "lightdash", (s) => (s.lightdash.preAggregateWorker.env[0].name = "A=B"), "lightdash.preAggregateWorker.env[0].name"],
  ["a namespace in capitals", "lightdash", (s) => (s.lightdash.namespace = "Lightdash"), "lightdash.namespace"],
];

const DAGNATS_CASES: BadInput[] = [
  ["a misspelt preset key", "dagnats", (s) => (s.dagnats.storeBuget = "4Gi"), "dagnats.storeBuget", "storeBudget"],
  ["a misspelt preset name", "dagnats", (s) => (s.dagnat = s.dagnats), "dagnat", "dagnats"],
  ["a misspelt engine key", "dagnats", (s) => (s.dagnats.engine.replica = 2), "dagnats.engine.replica", "replicas"],
  ["a misspelt task pool key", "dagnats", (s) => (s.dagnats.taskPools[0].taskType = ["fetch"]), "dagnats.taskPools[0].taskType", "taskTypes"],
  ["a misspelt backups key", "dagnats", (s) => (s.dagnats.backups.retention = 3), "dagnats.backups.retention", "retentionDays"],
  ["no engine", "dagnats", (s) => delete s.dagnats.engine, "dagnats.engine"],
  ["no engine user", "dagnats", (s) => delete s.dagnats.engine.user, "dagnats.engine.user"],
  ["no account", "dagnats", (s) => delete s.dagnats.account, "dagnats.account"],
  ["an image with a space", "dagnats", (s) => (s.dagnats.image = "dagnats dagnats"), "dagnats.image"],
  ["a store budget that is no quantity", "dagnats", (s) => (s.dagnats.storeBudget = "4 GB"), "dagnats.storeBudget"],
  ["sticky tasks as text", "dagnats", (s) => (s.dagnats.stickyTasks = "yes"), "dagnats.stickyTasks"],
  ["a task pool without task types", "dagnats", (s) => (s.dagnats.taskPools[0].taskTypes = []), "dagnats.taskPools[0].taskTypes"],
  ["a task type with a dot", "dagnats", (s) => (s.dagnats.taskPools[1].taskTypes = ["fetch.url"]), "dagnats.taskPools[1].taskTypes[0]"],
  ["a task type two pools run", "dagnats", (s) => s.dagnats.taskPools[1].taskTypes.push("summarize"), "dagnats.taskPools[1].taskTypes[1]"],
  ["an ack wait that is no duration", "dagnats", (s) => (s.dagnats.taskPools[0].ackWait = "five minutes"), "dagnats.taskPools[0].ackWait"],
  ["pool replicas as text", "dagnats", (s) => (s.dagnats.taskPools[1].replicas = "2"), "dagnats.taskPools[1].replicas"],
  ["a pool port beyond 65535", "dagnats", (s) => (s.dagnats.taskPools[1].port = 70000), "dagnats.taskPools[1].port"],
  ["backups enabled as text", "dagnats", (s) => (s.dagnats.backups.enabled = "no"), "dagnats.backups.enabled"],
  ["a backup schedule that is not cron", "dagnats", (s) => (s.dagnats.backups.schedule = "every night"), "dagnats.backups.schedule"],
  ["a backup retention below one day", "dagnats", (s) => (s.dagnats.backups.retentionDays = 0), "dagnats.backups.retentionDays"],
  ["a backup bucket S3 would reject", "dagnats", (s) => (s.dagnats.backups.destination = { s3: { bucket: "Workflows_Backups", create: { eksCluster: "prod" } } }), "dagnats.backups.destination.s3.bucket"],
  ["a backup destination with both a bucket and a claim", "dagnats", (s) => (s.dagnats.backups.destination.s3 = { bucket: "workflow-backups", create: { eksCluster: "prod" } }), "dagnats.backups.destination"],
  ["a backup claim size that is no quantity", "dagnats", (s) => (s.dagnats.backups.destination.pvc.size = "lots"), "dagnats.backups.destination.pvc.size"],
  [
    "a backup schedule beside the stack's own policy",
    "dagnats",
    (s) => {
      s.backups = { schedule: "0 4 * * *", retentionDays: 3, destination: { pvc: { size: "10Gi" } } };
      s.dagnats.backups.schedule = "0 3 * * *";
    },
    "dagnats.backups.schedule",
  ],
  [
    "a backup destination beside the stack's own policy",
    "dagnats",
    (s) => (s.backups = { schedule: "0 4 * * *", retentionDays: 3, destination: { pvc: { size: "10Gi" } } }),
    "dagnats.backups.destination",
  ],
  ["the preset on a supercluster", "dagnats", (s) => ((s.supercluster = BASES.supercluster().supercluster), delete s.cluster), "dagnats"],
];

const PROGRAM_KEY_CASES: BadInput[] = [
  ["createNamespace as the text no", "cluster", (s) => (s.createNamespace = "no"), "createNamespace"],
  ["a misspelt createNamespace", "cluster", (s) => (s.createNamespaces = false), "createNamespaces", "createNamespace"],
  ["client namespaces as text", "cluster", (s) => (s.clientNamespaces = "shop"), "clientNamespaces"],
  ["no client namespaces", "cluster", (s) => (s.clientNamespaces = []), "clientNamespaces"],
  ["a client namespace in capitals", "cluster", (s) => (s.clientNamespaces = ["Shop"]), "clientNamespaces[0]"],
  ["a misspelt monitoringNamespace", "cluster", (s) => (s.monitoringNamepace = "keda"), "monitoringNamepace", "monitoringNamespace"],
  ["an unknown cloud", "cluster", (s) => (s.cloud = "gcp"), "cloud"],
  ["a context as a number", "cluster", (s) => (s.context = 5), "context"],
  ["a kubeconfig as a mapping", "cluster", (s) => (s.kubeconfig = { apiVersion: "v1" }), "kubeconfig"],
  ["installNackCrds as text", "cluster", (s) => (s.installNackCrds = "false"), "installNackCrds"],
  ["a misspelt installNackCrds", "cluster", (s) => (s.installNackCRDs = false), "installNackCRDs", "installNackCrds"],
  ["a Kubernetes version as a number", "cluster", (s) => (s.kubernetesVersion = 1.35), "kubernetesVersion"],
  ["a Kubernetes version with a patch", "cluster", (s) => (s.kubernetesVersion = "1.35.2"), "kubernetesVersion"],
  ["two topologies", "cluster", (s) => (s.hubLeaf = BASES.hubLeaf().hubLeaf), "hubLeaf"],
];

describe.each([
  ["accounts and users", ACCOUNT_CASES],
  ["streams and consumers", STREAM_CASES],
  ["key-value buckets", BUCKET_CASES],
  ["the Lightdash preset", LIGHTDASH_CASES],
  ["the DagNATS preset", DAGNATS_CASES],
  ["the program's own keys", PROGRAM_KEY_CASES],
])("the whole check of %s refuses", (_, cases) => {
  it.each(cases)("%s", (...bad) => {
    const [, , , path, suggestion] = bad;
    const problem = expectRefusedAt(refuseBroken(bad), path, suggestion);
    expect(problem.allowed).not.toBe("");
  });
});

const KUBECONFIG = "apiVersion: v1\nkind: Config\ncontexts:\n  - name: east-ctx\n    context: { cluster: east }\n  - name: kind-nats\n    context: { cluster: kind }\n";
const kubeconfigGiven = { kubeconfig: () => ({ contents: KUBECONFIG }) };

describe("kube contexts, when a kubeconfig is given", () => {
  it("refuses a stack context the kubeconfig does not define, naming the ones it does", () => {
    const [problem] = refusal({ ...BASES.cluster(), kubeconfig: KUBECONFIG, context: "kind-nast" }, kubeconfigGiven);
    expect(problem).toMatchObject({ path: "context", value: "kind-nast" });
    expect(problem.allowed).toContain("east-ctx, kind-nats");
  });

  it("refuses a member's context the kubeconfig does not define, and accepts the one it does", () => {
    const problems = refusal({ ...BASES.supercluster(), kubeconfig: KUBECONFIG }, kubeconfigGiven);
    expect(problems.map((problem) => problem.path)).toEqual(["supercluster.clusters[1].kubernetes.context"]);
  });

  it("refuses a kubeconfig path that names no file, and never repeats a kubeconfig's contents", () => {
    expect(refusal({ ...BASES.cluster(), kubeconfig: "nowhere.yaml", context: "a" }, { kubeconfig: () => ({ missing: "nowhere.yaml" }) })[0]).toMatchObject({ path: "kubeconfig", value: "nowhere.yaml" });
    const [notKubeconfig] = refusal({ ...BASES.cluster(), kubeconfig: "- a\n- b\n" }, { kubeconfig: (value) => ({ contents: value }) });
    expect(notKubeconfig).toMatchObject({ path: "kubeconfig", value: "[secret]" });
  });
});

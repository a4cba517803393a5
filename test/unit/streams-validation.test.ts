import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { ValidationError } from "../../components/model/errors";
import { JetStreamResourceSetSpec, validateJetStreamResourceSet } from "../../components/model/jetstream-resource-set";
import { StreamSpec } from "../../components/model/streams";

const dev = validateCluster({ name: "nats", tier: "dev" });
const small = validateCluster({ name: "nats", tier: "small" });
const accounts = [
  { name: "APP", users: [{ name: "api" }, { name: "worker" }] },
  { name: "OTHER", users: [{ name: "stranger" }] },
];

function resolve(spec: JetStreamResourceSetSpec, cluster = small) {
  return validateJetStreamResourceSet(spec, { cluster, accounts }, "jetstream");
}

/** Every problem of the declaration as `path: value -> allowed` lines. */
function problemsOf(spec: JetStreamResourceSetSpec, cluster = small): string[] {
  try {
    resolve(spec, cluster);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((p) => `${p.path}: ${JSON.stringify(p.value)} -> ${p.allowed}`);
  }
  return [];
}

function stream(overrides: Partial<StreamSpec> = {}): StreamSpec {
  return { name: "ORDERS", account: "APP", subjects: ["orders.>"], maxAge: "24h", ...overrides };
}

function streamProblems(overrides: Partial<StreamSpec>, cluster = small): string[] {
  return problemsOf({ streams: [stream(overrides)] }, cluster);
}

describe("a stream's defaults", () => {
  it("takes its replicas from the cluster: R1 in dev, R3 otherwise", () => {
    expect(resolve({ streams: [stream()] }, dev).streams[0].replicas).toBe(1);
    expect(resolve({ streams: [stream()] }).streams[0].replicas).toBe(3);
  });

  it("defaults to file storage, limits retention, discard old and a 2m duplicate window", () => {
    const [resolved] = resolve({ streams: [stream()] }).streams;
    expect(resolved).toMatchObject({ storage: "file", retention: "limits", discard: "old", duplicateWindow: "2m", dominantLimit: "maxAge" });
  });

  it("discards new messages by default in a work-queue stream, so a publisher hears of a full queue", () => {
    const [resolved] = resolve({ streams: [stream({ retention: "workqueue", maxAge: undefined })] }).streams;
    expect(resolved.discard).toBe("new");
    expect(resolved.dominantLimit).toBeUndefined();
  });

  it("shortens the default duplicate window to a max age under two minutes", () => {
    expect(resolve({ streams: [stream({ maxAge: "30s" })] }).streams[0].duplicateWindow).toBe("30s");
  });

  it("fills consumer defaults: explicit ack, 30s ack wait, 5 deliveries, 1000 pending", () => {
    const [resolved] = resolve({ streams: [stream({ consumers: [{ durable: "audit" }] })] }).streams;
    expect(resolved.consumers[0]).toMatchObject({ ackPolicy: "explicit", ackWait: "30s", maxDeliver: 5, maxAckPending: 1000, stream: "ORDERS", account: "APP" });
  });
});

describe("stream validation names the field, the value and what is allowed", () => {
  it("accepts a well-formed stream", () => {
    expect(streamProblems({})).toEqual([]);
  });

  it("refuses names and accounts that are not NATS names", () => {
    expect(streamProblems({ name: "ORDERS.EU" })).toEqual([
      `jetstream.streams[0].name: "ORDERS.EU" -> use a non-empty name without whitespace, '.', '*', '>', '/' or '\\'`,
    ]);
    expect(streamProblems({ account: "my account" })[0]).toMatch(/^jetstream\.streams\[0\]\.account: "my account" -> use a non-empty name/);
  });

  it("refuses a stream without subjects, malformed subjects and reserved ones", () => {
    expect(streamProblems({ subjects: [] })).toEqual(["jetstream.streams[0].subjects: [] -> list at least one subject the stream captures"]);
    expect(streamProblems({ subjects: ["orders.>.eu"] })).toEqual([
      `jetstream.streams[0].subjects[0]: "orders.>.eu" -> use dot-separated tokens without whitespace, with '*' standing for one whole token and '>' only as the last token`,
    ]);
    expect(streamProblems({ subjects: ["$JS.API.>"] })).toEqual([
      `jetstream.streams[0].subjects[0]: "$JS.API.>" -> use a subject outside $JS.>, which belongs to the server and its clients`,
    ]);
    expect(streamProblems({ subjects: ["$KV.cache.>"] })[0]).toContain("use a subject outside $KV.>");
    expect(streamProblems({ subjects: [">"] })).toEqual([]);
  });

  it("refuses a subject that overlaps another of the same stream", () => {
    expect(streamProblems({ subjects: ["orders.>", "orders.eu"] })).toEqual([
      `jetstream.streams[0].subjects[1]: "orders.eu" -> list each subject once: it overlaps orders.> of the same stream`,
    ]);
  });

  it("refuses unknown retention, storage and discard policies", () => {
    expect(streamProblems({ retention: "forever" as never })).toContain(`jetstream.streams[0].retention: "forever" -> use one of limits, workqueue, interest`);
    expect(streamProblems({ storage: "disk" as never })).toContain(`jetstream.streams[0].storage: "disk" -> use one of file, memory`);
    expect(streamProblems({ discard: "oldest" as never })).toEqual([`jetstream.streams[0].discard: "oldest" -> use one of old, new`]);
  });

  it("refuses more replicas than servers", () => {
    expect(streamProblems({ replicas: 3 }, dev)).toEqual(["jetstream.streams[0].replicas: 3 -> use 1: a one-server cluster holds a single replica"]);
    expect(streamProblems({ replicas: 5 })).toEqual(["jetstream.streams[0].replicas: 5 -> use a replica count from 1 to 3 (the cluster has 3 servers)"]);
    expect(streamProblems({ replicas: 0 })).toHaveLength(1);
  });

  it("refuses malformed limits", () => {
    expect(streamProblems({ maxAge: "30 days" })).toEqual([
      `jetstream.streams[0].maxAge: "30 days" -> use a duration such as "500ms", "30s", "2m" or "1m30s"`,
    ]);
    expect(streamProblems({ maxAge: undefined, maxBytes: "10 GB" })).toEqual([
      `jetstream.streams[0].maxBytes: "10 GB" -> use a Kubernetes quantity such as "512Mi" or "10Gi"`,
    ]);
    expect(streamProblems({ maxAge: undefined, maxMsgs: 0 })).toEqual([`jetstream.streams[0].maxMsgs: 0 -> use a whole number of at least 1`]);
  });

  it("refuses max bytes beyond one server's store of the stream's storage type", () => {
    expect(streamProblems({ maxAge: undefined, maxBytes: "2Gi", storage: "memory", replicas: 1 })).toEqual([
      `jetstream.streams[0].maxBytes: "2Gi" -> use at most 1Gi, the memory store of one server (jetstream.maxMemoryStore); the server refuses a stream that cannot fit`,
    ]);
  });

  it("refuses a duplicate window longer than the max age, or malformed", () => {
    expect(streamProblems({ maxAge: "1m", duplicateWindow: "2m" })).toEqual([
      `jetstream.streams[0].duplicateWindow: "2m" -> use at most maxAge (1m): a message id cannot be remembered longer than the message is kept`,
    ]);
    expect(streamProblems({ duplicateWindow: "soon" })[0]).toMatch(/^jetstream\.streams\[0\]\.duplicateWindow: "soon" -> use a duration/);
  });
});

describe("the dominant limit rule", () => {
  it("refuses a limits stream with no limit at all", () => {
    expect(streamProblems({ maxAge: undefined })).toEqual([
      `jetstream.streams[0]: "no maxAge, maxBytes or maxMsgs" -> set at least one of maxAge, maxBytes and maxMsgs: a limits stream keeps every message until a limit removes it, so without one it fills the server's store`,
    ]);
  });

  it("lets work-queue and interest streams set no limit", () => {
    expect(streamProblems({ maxAge: undefined, retention: "workqueue" })).toEqual([]);
    expect(streamProblems({ maxAge: undefined, retention: "interest" })).toEqual([]);
  });

  it("takes a single limit as the dominant one", () => {
    expect(resolve({ streams: [stream({ maxAge: undefined, maxMsgs: 1000 })] }).streams[0].dominantLimit).toBe("maxMsgs");
  });

  it("asks which limit dominates when several are set", () => {
    expect(streamProblems({ maxBytes: "1Gi" })).toEqual([
      "jetstream.streams[0].dominantLimit: undefined -> name the limit meant to bound the stream, one of maxAge, maxBytes; the others stay as safety nets",
    ]);
    const [resolved] = resolve({ streams: [stream({ maxBytes: "1Gi", maxMsgs: 10, dominantLimit: "maxBytes" })] }).streams;
    expect(resolved.dominantLimit).toBe("maxBytes");
  });

  it("refuses a dominant limit that is not set, or not a limit", () => {
    expect(streamProblems({ dominantLimit: "maxBytes" })).toEqual([
      `jetstream.streams[0].dominantLimit: "maxBytes" -> name a limit the stream sets (maxAge), or set maxBytes too`,
    ]);
    expect(streamProblems({ maxAge: undefined, retention: "workqueue", dominantLimit: "maxAge" })).toEqual([
      `jetstream.streams[0].dominantLimit: "maxAge" -> set maxAge too, or leave dominantLimit out`,
    ]);
    expect(streamProblems({ dominantLimit: "maxSize" as never })).toEqual([
      `jetstream.streams[0].dominantLimit: "maxSize" -> use one of maxAge, maxBytes, maxMsgs`,
    ]);
  });
});

describe("consumer validation", () => {
  const consumers = (list: StreamSpec["consumers"], overrides: Partial<StreamSpec> = {}) => streamProblems({ consumers: list, ...overrides });

  it("refuses bad and repeated durable names", () => {
    expect(consumers([{ durable: "a.b" }])[0]).toMatch(/^jetstream\.streams\[0\]\.consumers\[0\]\.durable: "a\.b" -> use a non-empty name/);
    expect(consumers([{ durable: "audit" }, { durable: "audit" }])).toEqual([
      `jetstream.streams[0].consumers[1].durable: "audit" -> use a durable name no other consumer of the stream has`,
    ]);
  });

  it("refuses filters that are malformed or outside the stream's subjects", () => {
    expect(consumers([{ durable: "a", filterSubject: "orders..x" }])[0]).toMatch(/filterSubject: "orders\.\.x" -> use dot-separated tokens/);
    expect(consumers([{ durable: "a", filterSubject: "invoices.>" }])).toEqual([
      `jetstream.streams[0].consumers[0].filterSubject: "invoices.>" -> use a subject within the stream's subjects (orders.>)`,
    ]);
  });

  it("refuses unknown ack policies, and any but explicit on a work queue", () => {
    expect(consumers([{ durable: "a", ackPolicy: "none" as never }])).toEqual([
      `jetstream.streams[0].consumers[0].ackPolicy: "none" -> use one of explicit, all: a pull consumer must acknowledge what it is given`,
    ]);
    expect(consumers([{ durable: "a", ackPolicy: "all" }], { retention: "workqueue" })).toEqual([
      `jetstream.streams[0].consumers[0].ackPolicy: "all" -> use "explicit": a work-queue stream removes a message only when it is acknowledged, and nats-server refuses other ack policies on one`,
    ]);
  });

  it("refuses a malformed ack wait and impossible delivery counts", () => {
    expect(consumers([{ durable: "a", ackWait: "0s" }])).toEqual([
      `jetstream.streams[0].consumers[0].ackWait: "0s" -> use a duration such as "500ms", "30s", "2m" or "1m30s"`,
    ]);
    expect(consumers([{ durable: "a", maxDeliver: 0 }])).toEqual([
      `jetstream.streams[0].consumers[0].maxDeliver: 0 -> use a whole number of at least 1, or -1 for no limit`,
    ]);
    expect(consumers([{ durable: "a", maxAckPending: 2.5 }])).toEqual([
      `jetstream.streams[0].consumers[0].maxAckPending: 2.5 -> use a whole number of at least 1, or -1 for no limit`,
    ]);
    expect(consumers([{ durable: "a", maxDeliver: -1, maxAckPending: -1 }])).toEqual([]);
  });

  it("requires a filter on each consumer of a work-queue stream with several", () => {
    expect(consumers([{ durable: "a", filterSubject: "orders.eu.>" }, { durable: "b" }], { retention: "workqueue" })).toEqual([
      "jetstream.streams[0].consumers[1].filterSubject: undefined -> give every consumer of a work-queue stream with several consumers a filter subject: each message may go to only one consumer",
    ]);
  });

  it("refuses work-queue consumers whose filters overlap, wildcards included", () => {
    expect(consumers([{ durable: "eu", filterSubject: "orders.eu.>" }, { durable: "all-new", filterSubject: "orders.*.new" }], { retention: "workqueue" })).toEqual([
      `jetstream.streams[0].consumers[1].filterSubject: "orders.*.new" -> use a filter that does not overlap orders.eu.> of consumer eu: a work-queue stream gives each message to only one consumer`,
    ]);
    expect(consumers([{ durable: "eu", filterSubject: "orders.eu.>" }, { durable: "us", filterSubject: "orders.us.>" }], { retention: "workqueue" })).toEqual([]);
  });

  it("lets consumers of a limits stream overlap", () => {
    expect(consumers([{ durable: "a", filterSubject: "orders.>" }, { durable: "b", filterSubject: "orders.eu" }])).toEqual([]);
  });
});

describe("rules across streams, buckets and accounts", () => {
  it("refuses an account the stack does not declare", () => {
    expect(streamProblems({ account: "NOPE" })).toEqual([`jetstream.streams[0].account: "NOPE" -> name one of the stack's accounts: APP, OTHER`]);
  });

  it("refuses two streams of one account with overlapping subjects", () => {
    expect(problemsOf({ streams: [stream(), stream({ name: "EU_ORDERS", subjects: ["*.eu"] })] })).toEqual([
      `jetstream.streams[1].subjects: "*.eu" -> use subjects no other stream of account APP captures: *.eu overlaps orders.> of stream ORDERS`,
    ]);
  });

  it("lets streams of different accounts use the same subjects", () => {
    expect(problemsOf({ streams: [stream(), stream({ account: "OTHER" })] })).toEqual([]);
  });

  it("refuses a stream name taken in the account, by a stream or by a bucket's stream", () => {
    expect(problemsOf({ streams: [stream(), stream({ subjects: ["other.>"] })] })).toEqual([
      `jetstream.streams[1].name: "ORDERS" -> use a stream name not already taken in account APP (stream ORDERS has it)`,
    ]);
    expect(problemsOf({ streams: [stream({ name: "KV_cache", subjects: ["cache.>"] })], keyValues: [{ bucket: "cache", account: "APP" }] })).toEqual([
      `jetstream.keyValues[0].bucket: "KV_cache" -> use a stream name not already taken in account APP (stream KV_cache has it)`,
    ]);
  });

  it("refuses a worker user of another account, naming where it belongs", () => {
    expect(streamProblems({ consumers: [{ durable: "w", workerUser: "stranger" }] })).toEqual([
      `jetstream.streams[0].consumers[0].workerUser: "stranger" -> name a user of account APP, the stream's account: stranger belongs to OTHER, which cannot read this stream`,
    ]);
    expect(streamProblems({ consumers: [{ durable: "w", workerUser: "ghost" }] })).toEqual([
      `jetstream.streams[0].consumers[0].workerUser: "ghost" -> name a user of account APP (api, worker)`,
    ]);
    expect(streamProblems({ consumers: [{ durable: "w", workerUser: "worker" }] })).toEqual([]);
  });

  it("refuses more reserved bytes than the cluster's stores hold together", () => {
    const big = (name: string, subject: string): StreamSpec => stream({ name, subjects: [subject], maxAge: undefined, maxBytes: "16Gi" });
    expect(problemsOf({ streams: [big("A", "a"), big("B", "b")] })).toEqual([
      `jetstream: "96Gi" -> keep the file streams' maxBytes times replicas within the file store of all 3 server(s) together (54Gi); lower maxBytes or replicas, or give the cluster more storage`,
    ]);
  });
});

describe("key-value bucket validation", () => {
  const bucketProblems = (overrides: Record<string, unknown>) => problemsOf({ keyValues: [{ bucket: "cache", account: "APP", ...overrides }] });

  it("fills the defaults: one value per key, file storage, the cluster's replicas", () => {
    const [kv] = resolve({ keyValues: [{ bucket: "cache", account: "APP" }] }).keyValues;
    expect(kv).toMatchObject({ history: 1, storage: "file", replicas: 3, streamName: "KV_cache", subjects: ["$KV.cache.>"] });
  });

  it("refuses bad bucket names, history, ttl and sizes", () => {
    expect(bucketProblems({ bucket: "my.cache" })).toEqual([`jetstream.keyValues[0].bucket: "my.cache" -> use letters, digits, '_' and '-' only`]);
    expect(bucketProblems({ history: 65 })).toEqual([`jetstream.keyValues[0].history: 65 -> use a whole number from 1 to 64`]);
    expect(bucketProblems({ ttl: "1 day" })[0]).toMatch(/^jetstream\.keyValues\[0\]\.ttl: "1 day" -> use a duration/);
    expect(bucketProblems({ replicas: 4 })).toEqual(["jetstream.keyValues[0].replicas: 4 -> use a replica count from 1 to 3 (the cluster has 3 servers)"]);
    expect(bucketProblems({ storage: "ram" })).toEqual([`jetstream.keyValues[0].storage: "ram" -> use one of file, memory`]);
    expect(bucketProblems({ maxBytes: "lots" })[0]).toMatch(/maxBytes: "lots" -> use a Kubernetes quantity/);
    expect(bucketProblems({ maxBytes: "2Gi", storage: "memory", replicas: 1 })).toEqual([`jetstream.keyValues[0].maxBytes: "2Gi" -> use at most 1Gi, the memory store of one server`]);
    expect(bucketProblems({ maxValueSize: "2Mi" })).toEqual([
      `jetstream.keyValues[0].maxValueSize: "2Mi" -> use at most 1Mi, the largest message the cluster accepts (limits.maxPayload)`,
    ]);
    expect(bucketProblems({ account: "NOPE" })).toEqual([`jetstream.keyValues[0].account: "NOPE" -> name one of the stack's accounts: APP, OTHER`]);
  });
});

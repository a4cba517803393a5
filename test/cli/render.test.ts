import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { compiledCli } from "../support/compiled-cli";
import { parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { keptValueKey, RANDOM_BYTES_TYPE, RANDOM_PASSWORD_TYPE } from "../../cli/render/keystore";
import { RenderRefusal, RenderReport } from "../../cli/render/report";
import { keptBytes, keysNamedIn, nameDerivedBytes, nkeysFrom, readKeystore } from "../support/render-keys";

const run = promisify(execFile);
const projectDir = path.resolve(__dirname, "../..");

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "render-test-"));

/** The keystore a test render of `stack` keeps its key material in, outside the project. */
function keysFileOf(stack: string): string {
  return path.join(scratch, "keys", `${stack}.json`);
}

interface RenderOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The keystore file (default: the stack's file under scratch); null for the render's own default place. */
  keys?: string | null;
  /** Print the summary lines a person reads instead of the JSON report. */
  human?: boolean;
}

function renderRun(stack: string, outDir: string, { cwd = projectDir, env = {}, keys = keysFileOf(stack), human = false }: RenderOptions = {}) {
  return run(process.execPath, [compiledCli("render"), stack, "--out", outDir, ...(keys === null ? [] : ["--keys", keys]), ...(human ? [] : ["--json"])], {
    cwd,
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
}

/** Renders `stack` into `outDir` and returns the JSON report the render printed. */
async function render(stack: string, outDir: string, options: Omit<RenderOptions, "human"> = {}): Promise<RenderReport> {
  return JSON.parse((await renderRun(stack, outDir, options)).stdout) as RenderReport;
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

function readTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((file) => [file, fs.readFileSync(path.join(dir, file), "utf8")]));
}

interface RenderedObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

function manifestsIn(dir: string): RenderedObject[] {
  return listFiles(path.join(dir, "manifests")).flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, "manifests", file), "utf8")).map((doc) => doc.toJS() as RenderedObject),
  );
}

function objectsIn(dir: string): string[] {
  return manifestsIn(dir).map((object) => `${object.kind} ${object.metadata.namespace ?? "-"}/${object.metadata.name}`);
}

interface PlannedResource {
  type: string;
  name: string;
  inputs: { length?: number };
}

function planIn(dir: string): PlannedResource[] {
  return JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8"));
}

/**
 * Every form the key material of a render of `stack` could leak in: each kept value of its keystore, and for
 * key bytes their base64 and hex and the seed of each kind of nkey they could become. Each random resource of
 * the plan has its value kept.
 */
function secretTexts(dir: string, stack: string): string[] {
  const kept = readKeystore(keysFileOf(stack));
  expect(Object.keys(kept).sort()).toEqual(planIn(dir).filter((resource) => resource.type.startsWith("random:")).map((resource) => keptValueKey(resource.type, resource.name)).sort());
  return Object.entries(kept).flatMap(([key, { value }]) => {
    if (!key.startsWith(`${RANDOM_BYTES_TYPE}::`)) return [value];
    const bytes = Buffer.from(value, "base64");
    return [value, bytes.toString("hex"), ...nkeysFrom(bytes).map((key) => key.seed)];
  });
}

/** Every key the configs and manifests of a render trust or name, JWT contents included. */
function keysNamedInRender(dir: string): Set<string> {
  return new Set([...readTree(dir).values()].flatMap((text) => [...keysNamedIn(text)]));
}

/** The seed and public keys an attacker computes from each random resource's name in the plan, as the render once did. */
function nameDerivedKeys(dir: string): { seed: string; publicKey: string }[] {
  return planIn(dir)
    .filter((resource) => resource.type === RANDOM_BYTES_TYPE)
    .flatMap((resource) => nkeysFrom(nameDerivedBytes(resource.type, resource.name, resource.inputs.length ?? 32)));
}

/** The public keys of every kind the keystore's bytes become. */
function keystoreKeys(stack: string): Set<string> {
  return new Set([...keptBytes(keysFileOf(stack)).values()].flatMap((bytes) => nkeysFrom(bytes).map((key) => key.publicKey)));
}

/**
 * No key that the former name-derived scheme gives for the render's random resources is named (or its seed
 * written) anywhere in the render, and every key the render does name is one the keystore's bytes make.
 * Returns the keys named, for checks of what a stack trusts.
 */
function expectOnlyKeystoreKeys(dir: string, stack: string): Set<string> {
  const named = keysNamedInRender(dir);
  const derived = nameDerivedKeys(dir);
  expect(derived.length).toBeGreaterThanOrEqual(3 * 3);
  expect(derived.filter((key) => named.has(key.publicKey))).toEqual([]);
  const texts = [...readTree(dir).values()];
  expect(derived.filter((key) => texts.some((text) => text.includes(key.seed)))).toEqual([]);
  const kept = keystoreKeys(stack);
  expect([...named].filter((key) => !kept.has(key))).toEqual([]);
  return named;
}

function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

describe("npm run render", () => {
  const dev = path.join(scratch, "dev");
  const small = path.join(scratch, "small");
  let devReport: RenderReport;
  let smallReport: RenderReport;
  beforeAll(async () => {
    [devReport, smallReport] = await Promise.all([render("dev", dev), render("small", small)]);
  }, 180_000);

  it("reports every file, Kubernetes object, server config and resource count it wrote, as the files on disk show them", () => {
    for (const [dir, report, stack] of [
      [dev, devReport, "dev"],
      [small, smallReport, "small"],
    ] as const) {
      expect(report).toMatchObject({ outcome: "rendered", stack, outDir: dir, keystore: keysFileOf(stack) });
      expect(report.files).toEqual(listFiles(dir));
      expect(report.manifests.map((object) => `${object.kind} ${object.namespace ?? "-"}/${object.name}`)).toEqual(objectsIn(dir));
      for (const object of report.manifests) expect(parseAllDocuments(fs.readFileSync(path.join(dir, object.file), "utf8"))[0].toJS()).toMatchObject({ kind: object.kind, metadata: { name: object.name } });
      expect(report.serverConfigs.map((config) => config.file)).toEqual(listFiles(path.join(dir, "servers")).map((file) => path.join("servers", file)));
      expect(report.resources.total).toBe(Object.values(report.resources.byType).reduce((a, b) => a + b, 0));
      expect(report.resources.byType["random:index/randomBytes:RandomBytes"]).toBe(planIn(dir).length);
    }
    expect(devReport.resources.byType["kubernetes:apps/v1:StatefulSet"]).toBe(1);
    expect(smallReport.serverConfigs.map((config) => config.server)).toEqual(["nats-0", "nats-1", "nats-2"]);
  });

  it("renders the dev stack into exactly the expected objects, in apply order", () => {
    expect(objectsIn(dev)).toEqual([
      "Namespace -/nats",
      "CustomResourceDefinition -/accounts.jetstream.nats.io",
      "CustomResourceDefinition -/consumers.jetstream.nats.io",
      "CustomResourceDefinition -/keyvalues.jetstream.nats.io",
      "CustomResourceDefinition -/objectstores.jetstream.nats.io",
      "CustomResourceDefinition -/streams.jetstream.nats.io",
      "ServiceAccount nats/nack",
      "ServiceAccount nats/nats",
      "Role nats/nack",
      "RoleBinding nats/nack",
      "Secret nats/nack-app-creds",
      "Secret nats/nats-api-creds",
      "Secret nats/nats-app-nack-creds",
      "Secret nats/nats-sys-creds",
      "Secret nats/nats-worker-creds",
      "ConfigMap nats/nats-config",
      "PersistentVolumeClaim nats/jetstream-nats-0",
      "Service nats/nats",
      "Service nats/nats-headless",
      "StatefulSet nats/nats",
      "Deployment nats/nack",
      "PodDisruptionBudget nats/nats",
      "NetworkPolicy nats/nats",
      "Stream nats/app-jobs",
      "Consumer nats/app-jobs-workers",
    ]);
    expect(listFiles(path.join(dev, "servers"))).toEqual(["nats-0.conf"]);
  });

  it("renders the small stack with three servers, a claim per server, and its backups", () => {
    const claims = [0, 1, 2].map((ordinal) => `PersistentVolumeClaim nats/jetstream-nats-${ordinal}`);
    const backups = [
      "ServiceAccount nats/nats-backup",
      "Secret nats/nats-app-backup-creds",
      "Secret nats/nats-app-restore-creds",
      "Secret nats/nats-backups-app-backup-creds",
      "Secret nats/nats-backups-app-restore-creds",
      "PersistentVolumeClaim nats/nats-backups",
      "CronJob nats/nats-backup",
    ];
    expect(objectsIn(small).filter((object) => backups.includes(object))).toEqual(backups);
    expect(objectsIn(small).filter((object) => !backups.includes(object))).toEqual(objectsIn(dev).flatMap((object) => (object === claims[0] ? claims : [object])));
    expect(listFiles(path.join(small, "servers"))).toEqual(["nats-0.conf", "nats-1.conf", "nats-2.conf"]);
    const conf = fs.readFileSync(path.join(small, "servers", "nats-1.conf"), "utf8");
    expect(conf).toContain('"nats://nats-2.nats-headless.nats.svc.cluster.local:6222"');
    expect(conf).toContain('sync_interval: "always"');
  });

  it("lists the small stack's JOBS stream and its workers consumer, where they land, in its report and summary", () => {
    expect(smallReport.jetStream).toEqual([
      { cluster: "nats", account: "app", kind: "stream", name: "JOBS", route: "", manifests: "manifests, namespace nats" },
      { cluster: "nats", account: "app", kind: "consumer", name: "JOBS/workers", route: "", manifests: "manifests, namespace nats" },
    ]);
    const summary = fs.readFileSync(path.join(small, "summary.md"), "utf8");
    expect(summary).toContain("| nats | - | app | stream | JOBS | manifests, namespace nats |");
    expect(summary).toContain("| nats | - | app | consumer | JOBS/workers | manifests, namespace nats |");
  });

  it("plans the key material of the operator, every account and every user, and nothing else outside Kubernetes", () => {
    for (const [dir, users] of [
      [dev, ["api", "app-nack", "sys", "worker"]],
      [small, ["api", "app-backup", "app-nack", "app-restore", "sys", "worker"]],
    ] as const) {
      expect(planIn(dir).map((resource) => `${resource.type} ${resource.name}`)).toEqual(
        ["nats-account-key-app", "nats-account-key-SYS", "nats-operator-key", ...users.map((user) => `nats-user-key-${user}`)].map((name) => `random:index/randomBytes:RandomBytes ${name}`),
      );
      for (const resource of planIn(dir)) expect(resource.inputs).toEqual({ length: 32, keepers: { rotation: "initial" } });
    }
  });

  it("runs every server in operator mode with the stack's accounts preloaded", () => {
    for (const dir of [dev, small]) {
      const configMap = manifestsIn(dir).find((object) => object.kind === "ConfigMap")!;
      const conf = configMap.data!["nats.conf"];
      expect(conf).toMatch(/^operator: "ey[\w-]+\.[\w-]+\.[\w-]+"$/m);
      expect(conf).toMatch(/^system_account: "A[A-Z2-7]{55}"$/m);
      expect(conf).toContain('resolver: "MEMORY"');
      expect(conf.match(/^resolver_preload: \{\n((?:  A[A-Z2-7]{55}: "[^"]+"\n)+)\}$/m)?.[1].split("\n").filter(Boolean)).toHaveLength(2);
      for (const server of listFiles(path.join(dir, "servers"))) expect(fs.readFileSync(path.join(dir, "servers", server), "utf8")).toBe(conf);
    }
  });

  it("writes no Secret value, nkey seed or creds text anywhere under the output directory", () => {
    const backupCreds = [{ "app-backup.creds": "<redacted>" }, { "app-restore.creds": "<redacted>" }];
    for (const [dir, keys, backups] of [
      [dev, 7, false],
      [small, 9, true],
    ] as const) {
      const secrets = manifestsIn(dir).filter((object) => object.kind === "Secret");
      expect(secrets.map((secret) => secret.stringData)).toEqual([
        { "app-nack.creds": "<redacted>" },
        { "api.creds": "<redacted>" },
        ...(backups ? [backupCreds[0]] : []),
        { "app-nack.creds": "<redacted>" },
        ...(backups ? [backupCreds[1], ...backupCreds] : []),
        { "sys.creds": "<redacted>" },
        { "worker.creds": "<redacted>" },
      ]);
      const forbidden = secretTexts(dir, path.basename(dir));
      expect(forbidden).toHaveLength(keys * 5);
      // The texts searched for are the real ones: the system account's key in nats.conf comes from the same bytes.
      const [, systemAccount] = nkeysFrom(keptBytes(keysFileOf(path.basename(dir))).get("nats-account-key-SYS")!);
      expect(fs.readFileSync(path.join(dir, "servers", "nats-0.conf"), "utf8")).toContain(`system_account: "${systemAccount.publicKey}"`);
      for (const [file, text] of readTree(dir)) {
        expect({ file, seed: text.match(/\bS[OAU][A-Z2-7]{56}\b/)?.[0] }).toEqual({ file, seed: undefined });
        expect({ file, creds: /BEGIN NATS USER JWT|NKEY SEED/.test(text) }).toEqual({ file, creds: false });
        expect({ file, leaked: forbidden.filter((secret) => text.includes(secret)) }).toEqual({ file, leaked: [] });
      }
    }
  });

  it("writes a summary with a resource count table and a Mermaid topology", () => {
    const summary = fs.readFileSync(path.join(small, "summary.md"), "utf8");
    expect(summary).toContain("| `kubernetes:apps/v1:StatefulSet` | 1 |");
    expect(summary).toContain("```mermaid\nflowchart LR");
    expect(summary).toContain("nats_nats_0 <-- route --> nats_nats_1");
    expect(JSON.parse(fs.readFileSync(path.join(small, "plan.json"), "utf8"))).toBeInstanceOf(Array);
  });

  it("trusts no key anyone can compute from resource names: every key the configs name comes from the keystore", () => {
    for (const [dir, keys] of [
      [dev, 7],
      [small, 9],
    ] as const) {
      expect(nameDerivedKeys(dir)).toHaveLength(keys * 3);
      // The operator, SYS and app are trusted, each by a key drawn into the keystore.
      expect([...expectOnlyKeystoreKeys(dir, path.basename(dir))].map((key) => key[0]).sort()).toEqual(["A", "A", "O"]);
    }
  });

  it("gives byte-identical files when the same stack is rendered twice with one keystore, and leaves the keystore as it was; without --json it prints a line per resource type", async () => {
    const kept = fs.readFileSync(keysFileOf("small"), "utf8");
    const again = path.join(scratch, "small-again");
    const { stdout } = await renderRun("small", again, { human: true });
    expect(readTree(again)).toEqual(readTree(small));
    expect(fs.readFileSync(keysFileOf("small"), "utf8")).toBe(kept);
    // Read as a person reads it: a count and a type per line, one line for each type the report counts, no JSON.
    const countLines = stdout.split("\n").filter((line) => /^ +\d+ {2}\S+$/.test(line));
    expect(countLines.map((line) => line.trim().split(/\s+/)[1])).toEqual(Object.keys(smallReport.resources.byType));
    expect(stdout.trimStart().startsWith("{")).toBe(false);
  }, 120_000);

  it("draws other keys into a fresh keystore: the same resources, every value different, the configs trusting other keys", async () => {
    const fresh = path.join(scratch, "small-fresh");
    const freshKeys = path.join(scratch, "fresh-keys", "small.json");
    await render("small", fresh, { keys: freshKeys });
    const before = readKeystore(keysFileOf("small"));
    const after = readKeystore(freshKeys);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const key of Object.keys(before)) expect({ key, same: after[key].value === before[key].value }).toEqual({ key, same: false });
    const namedBefore = keysNamedInRender(small);
    expect([...keysNamedInRender(fresh)].filter((key) => namedBefore.has(key))).toEqual([]);
    expect(objectsIn(fresh)).toEqual(objectsIn(small));
  }, 120_000);

  it("keeps key material in .render/<stack>/keys.json by default, owner-only even under umask 0", async () => {
    const project = fs.mkdtempSync(path.join(scratch, "project-"));
    fs.symlinkSync(path.join(projectDir, "index.ts"), path.join(project, "index.ts"));
    fs.symlinkSync(path.join(projectDir, "stacks"), path.join(project, "stacks"));
    const umask = process.umask(0);
    let report: RenderReport;
    try {
      report = await render("dev", path.join(scratch, "dev-default-keys"), { cwd: project, keys: null });
    } finally {
      process.umask(umask);
    }
    const keysFile = path.join(project, ".render", "dev", "keys.json");
    expect(report.keystore).toBe(keysFile);
    expect([modeOf(path.join(project, ".render")), modeOf(path.dirname(keysFile)), modeOf(keysFile)]).toEqual([0o700, 0o700, 0o600]);
    expect(Object.keys(readKeystore(keysFile))).toEqual(Object.keys(readKeystore(keysFileOf("dev"))));
  }, 120_000);

  it("refuses a broken stack config with exit code 2 and every problem's path and value, writing nothing", async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "render-bad-"));
    fs.mkdirSync(path.join(project, "stacks"));
    fs.writeFileSync(
      path.join(project, "stacks", "Pulumi.broken.yaml"),
      "config:\n  nats-jetstream:cluster:\n    name: nats\n    tier: small\n    servers: 4\n    volumeSize: 20 GB\n",
    );
    const out = path.join(scratch, "broken");
    const failure = await renderRun("broken", out, { env: { NATS_JETSTREAM_PROJECT_DIR: project } }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    const refusal = JSON.parse(failure!.stdout) as RenderRefusal;
    expect(refusal).toEqual({
      outcome: "refused",
      stack: "broken",
      problems: [
        { path: "cluster.servers", value: 4, allowed: expect.any(String) },
        { path: "cluster.volumeSize", value: "20 GB", allowed: expect.any(String) },
      ],
    });
    expect(failure!.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(keysFileOf("broken"))).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);

  it("renders a supercluster with a manifests folder per Kubernetes cluster and the gateway addresses left <computed>", async () => {
    const out = path.join(scratch, "supercluster");
    await render("supercluster", out);
    expect(expectOnlyKeystoreKeys(out, "supercluster").size).toBeGreaterThanOrEqual(3);
    expect(fs.readdirSync(path.join(out, "manifests")).sort()).toEqual([
      "supercluster-kubernetes-ap-south",
      "supercluster-kubernetes-eu-west",
      "supercluster-kubernetes-us-east",
    ]);
    const usEast = listFiles(path.join(out, "manifests", "supercluster-kubernetes-us-east"));
    expect(usEast).toEqual(expect.arrayContaining([expect.stringMatching(/^\d{3}-service-nats-us-east-gateway\.yaml$/)]));
    const conf = fs.readFileSync(path.join(out, "servers", "eu-west-1.conf"), "utf8");
    expect(conf).toContain('advertise: "<computed>:7222"');
    for (const cluster of ["us-east", "eu-west", "ap-south"]) expect(conf).toContain(`name: "${cluster}"`);
    expect(listFiles(path.join(out, "servers"))).toHaveLength(9);
    const summary = fs.readFileSync(path.join(out, "summary.md"), "utf8");
    expect(summary).toContain("gateway");
    expect(summary).toContain("| eu-west | placement.cluster eu-west | orders | stream | ORDERS | manifests/supercluster-kubernetes-eu-west, namespace nats |");
    expect(summary).toContain("| us-east | placement.cluster us-east | orders | bucket | order-status | manifests/supercluster-kubernetes-us-east, namespace nats |");
    const streams = listFiles(path.join(out, "manifests", "supercluster-kubernetes-eu-west")).filter((file) => file.includes("-stream-"));
    expect(streams).toEqual([expect.stringMatching(/-stream-nats-orders-orders\.yaml$/)]);
    expect(fs.readFileSync(path.join(out, "manifests", "supercluster-kubernetes-eu-west", streams[0]), "utf8")).toMatch(/placement:\n\s+cluster: eu-west/);
  }, 120_000);

  it("renders a hub and its leaf sites, the site in another Kubernetes cluster in a folder of its own", async () => {
    const out = path.join(scratch, "hub-leaf");
    await render("hub-leaf", out);
    expect(expectOnlyKeystoreKeys(out, "hub-leaf").size).toBeGreaterThanOrEqual(3);
    expect(fs.readdirSync(path.join(out, "manifests")).sort()).toEqual(["default", "hub-leaf-kubernetes-branch"]);
    const siteConf = fs.readFileSync(path.join(out, "servers", "branch-0.conf"), "utf8");
    expect(siteConf).toMatch(/leafnodes: \{\n  remotes: \[/);
    expect(siteConf).toContain('"nats://<computed>:7422"');
    expect(siteConf).toContain('credentials: "/etc/nats-leaf/branch-leaf.creds"');
    for (const file of listFiles(out)) expect(fs.readFileSync(path.join(out, file), "utf8")).not.toMatch(/BEGIN NATS USER JWT|NKEY SEED/);
    expect(fs.readFileSync(path.join(out, "summary.md"), "utf8")).toContain("| branch | domain branch | edge | stream | READINGS | manifests/hub-leaf-kubernetes-branch, namespace nats |");
    expect(listFiles(path.join(out, "manifests", "hub-leaf-kubernetes-branch"))).toEqual(expect.arrayContaining([expect.stringMatching(/-stream-nats-edge-readings\.yaml$/)]));
  }, 120_000);

  it("renders the lightdash stack with its job streams, consumers, workers and KEDA scaling, secrets redacted", async () => {
    const out = path.join(scratch, "lightdash");
    await render("lightdash", out);
    const objects = objectsIn(out);
    for (const expected of [
      "Stream nats/lightdash-warehouse-query-jobs",
      "Stream nats/lightdash-pre-aggregate-query-jobs",
      "Consumer nats/lightdash-warehouse-query-jobs-worker-warehouse",
      "Deployment nats/nack",
      "Deployment lightdash/lightdash-warehouse-worker",
      "Deployment lightdash/lightdash-pre-aggregate-worker",
      "Deployment lightdash/lightdash",
      "ScaledObject lightdash/lightdash-warehouse-worker",
      "StatefulSet nats/nats",
    ]) {
      expect(objects).toContain(expected);
    }
    expect(objects.findIndex((o) => o.startsWith("Stream "))).toBeLessThan(objects.findIndex((o) => o.startsWith("Consumer ")));
    const secrets = manifestsIn(out).filter((object) => object.kind === "Secret");
    for (const secret of secrets) {
      for (const value of Object.values({ ...(secret.data ?? {}), ...(secret.stringData ?? {}) })) expect(value).toBe("<redacted>");
    }
    expect(expectOnlyKeystoreKeys(out, "lightdash").size).toBeGreaterThanOrEqual(3);
    const leaks = secretTexts(out, "lightdash");
    expect(leaks.length).toBeGreaterThan(8 * 5);
    expect(Object.keys(readKeystore(keysFileOf("lightdash"))).filter((key) => key.startsWith(`${RANDOM_PASSWORD_TYPE}::`)).length).toBeGreaterThan(0);
    for (const leak of leaks) {
      for (const file of listFiles(out)) expect(fs.readFileSync(path.join(out, file), "utf8")).not.toContain(leak);
    }
  }, 120_000);

  it("renders the dagnats stack with the engine's streams, buckets, pools and the backups of its stores, servers reading its users' long CONNECT lines", async () => {
    const out = path.join(scratch, "dagnats");
    await render("dagnats", out);
    const objects = objectsIn(out);
    for (const expected of [
      "Stream nats/workflows-workflow-history",
      "Stream nats/workflows-task-queues",
      "KeyValue nats/workflows-kv-workflow-runs",
      "Consumer nats/workflows-task-queues-workers-fetch",
      "Deployment workflows/dagnats",
      "Deployment workflows/dagnats-llm",
      "Deployment workflows/dagnats-io",
      "ScaledObject workflows/dagnats-llm",
      "CronJob nats/nats-backup",
      "PersistentVolumeClaim nats/nats-backups",
      "StatefulSet nats/nats",
    ]) {
      expect(objects).toContain(expected);
    }
    const secrets = manifestsIn(out).filter((object) => object.kind === "Secret");
    for (const secret of secrets) {
      for (const value of Object.values({ ...(secret.data ?? {}), ...(secret.stringData ?? {}) })) expect(value).toBe("<redacted>");
    }
    for (const server of ["nats-0", "nats-1", "nats-2"]) expect(fs.readFileSync(path.join(out, "servers", `${server}.conf`), "utf8")).toMatch(/^max_control_line: \d+$/m);
  }, 120_000);
});

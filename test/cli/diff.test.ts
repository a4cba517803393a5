import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiffReport } from "../../cli/diff/report";
import type { StackDiff } from "../../cli/diff/stack-diff";

const run = promisify(execFile);
const projectDir = path.resolve(__dirname, "../..");
/** The stacks the scratch repository keeps: the two smallest, so `--all` renders four times per run. */
const STACKS = ["dev", "small"];

let repo: string;
let baseCommit: string;

function git(...args: string[]): string {
  return execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
}

function commitAll(message: string): string {
  git("add", "-A");
  git("-c", "user.name=diff-test", "-c", "user.email=diff-test@example.invalid", "commit", "-q", "-m", message);
  return git("rev-parse", "HEAD");
}

/** Edits the scratch repository's stack file through its parsed config. */
function editStack(stack: string, edit: (config: Record<string, any>) => void): void {
  const file = path.join(repo, "stacks", `Pulumi.${stack}.yaml`);
  const document = parseYaml(fs.readFileSync(file, "utf8"));
  edit(document.config);
  fs.writeFileSync(file, toYaml(document));
}

/** `npm run diff -- <args>` in the scratch repository: its CLIs compiled (when a source changed), then its diff run. */
async function diff(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  await run(process.execPath, [path.join(repo, "scripts", "build-cli.mjs")], { cwd: repo });
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(repo, ".build", "cli", "diff.js"), ...args], { cwd: repo, timeout: 120_000, env: { ...process.env, NATS_JETSTREAM_PROJECT_DIR: repo } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function diffJson(...args: string[]): Promise<DiffReport> {
  const result = await diff(...args, "--json");
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as DiffReport;
}

function stackOf(report: DiffReport, stack: string): StackDiff {
  return report.stacks.find((diff) => diff.stack === stack)!;
}

function objectsOf(diff: StackDiff): string[] {
  return diff.objects.map((object) => `${object.change} ${object.ref.kind} ${object.ref.name}`);
}

function risksOf(diff: StackDiff): string[] {
  return diff.risks.map((risk) => `${risk.kind} ${risk.subject}`);
}

beforeAll(() => {
  // A copy of the project as it is now, tracked and new files alike, with all but two stacks left out.
  repo = fs.mkdtempSync(path.join(os.tmpdir(), "diff-test-"));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: projectDir, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    if (file.startsWith("stacks/Pulumi.") && !STACKS.some((stack) => file === `stacks/Pulumi.${stack}.yaml`)) continue;
    if (!fs.existsSync(path.join(projectDir, file))) continue;
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.copyFileSync(path.join(projectDir, file), path.join(repo, file));
  }
  fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(repo, "node_modules"), "dir");
  git("init", "-q", "-b", "main");
  // The ignore file names node_modules/ as a directory; the link is a file, kept out of the commits here.
  fs.appendFileSync(path.join(repo, ".git", "info", "exclude"), "node_modules\n");
  baseCommit = commitAll("base");
});

afterAll(() => {
  fs.rmSync(repo, { recursive: true, force: true });
});

describe("npm run diff", () => {
  it("says no changes for every stack of an unchanged tree, and names the base commit", async () => {
    const markdown = await diff("--all", "--base", "HEAD");
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain(`(${baseCommit.slice(0, 12)})`);
    expect([...markdown.stdout.matchAll(/<summary><b>(\w+)<\/b>: no changes<\/summary>/g)].map((match) => match[1])).toEqual(STACKS);
    expect(git("worktree", "list").split("\n")).toHaveLength(1);
  });

  it("flags a forced StatefulSet replace first, then a new user's creds, then a stream's replicas", async () => {
    git("reset", "-q", "--hard", baseCommit);
    editStack("small", (config) => {
      config["nats-jetstream:accounts"][0].users.push({ name: "ops", publisher: { stream: "JOBS" } });
      config["nats-jetstream:streams"][0].replicas = 1;
    });
    const statefulSetFile = path.join(repo, "components", "kubernetes", "cluster", "statefulset.ts");
    fs.writeFileSync(statefulSetFile, fs.readFileSync(statefulSetFile, "utf8").replace('podManagementPolicy: "Parallel"', 'podManagementPolicy: "OrderedReady"'));
    commitAll("a StatefulSet field, a user, a stream's replicas");
    const report = await diffJson("--all", "--base", baseCommit);

    const small = stackOf(report, "small");
    expect(risksOf(small)).toEqual(["statefulset-replaced StatefulSet nats/nats", "credentials-changed ops", "stream-changed JOBS"]);
    expect(small.risks[0].detail).toMatch(/spec\.podManagementPolicy/);
    expect(small.risks[2].detail).toMatch(/replicas 3 → 1/);
    expect(objectsOf(small)).toEqual(["added Secret nats-ops-creds", "changed StatefulSet nats", "changed Stream app-jobs"]);
    expect(small.objects.find((object) => object.ref.name === "app-jobs")!.fields).toEqual([{ path: "spec.replicas", before: 3, after: 1 }]);
    // A user's JWT lives in its creds only, so the servers' config stays as it was.
    expect(small.configs).toEqual([]);

    const dev = stackOf(report, "dev");
    expect(risksOf(dev)).toEqual(["statefulset-replaced StatefulSet nats/nats"]);
    expect(dev.objects.map((object) => object.fields.map((field) => field.path))).toEqual([["spec.podManagementPolicy"]]);
  });

  it("flags a tier raise's volume growth, server count and restarts on one stack, and a reloadable limit on the other", async () => {
    git("reset", "-q", "--hard", baseCommit);
    editStack("small", (config) => {
      Object.assign(config["nats-jetstream:cluster"], { tier: "medium", servers: 5, volumeSize: "150Gi" });
    });
    editStack("dev", (config) => {
      config["nats-jetstream:cluster"].limits = { maxConnections: 1000 };
    });
    commitAll("a tier, a server count, a volume size, a reloadable limit");
    const report = await diffJson("--all", "--base", baseCommit);

    const small = stackOf(report, "small");
    const claims = [0, 1, 2].map((ordinal) => `volume-resized PersistentVolumeClaim nats/jetstream-nats-${ordinal}`);
    expect(risksOf(small)).toEqual([...claims, "server-count-changed StatefulSet nats/nats", "pods-restart StatefulSet nats/nats"]);
    expect(small.risks[0].detail).toMatch(/^20Gi → 150Gi: grown in place/);
    expect(small.risks[3].detail).toMatch(/3 → 5 servers: meta-group quorum 2 → 3/);
    expect(objectsOf(small)).toEqual(expect.arrayContaining(["added PersistentVolumeClaim jetstream-nats-3", "added PersistentVolumeClaim jetstream-nats-4"]));
    const statefulSet = small.objects.find((object) => object.ref.kind === "StatefulSet")!;
    expect(statefulSet.fields).toContainEqual({ path: "spec.template.spec.containers[nats].resources.requests.memory", before: "2Gi", after: "8Gi" });
    expect(statefulSet.fields).toContainEqual({ path: "spec.volumeClaimTemplates[0].spec.resources.requests.storage", before: "20Gi", after: "150Gi" });

    const dev = stackOf(report, "dev");
    expect(risksOf(dev)).toEqual(["config-reloaded ConfigMap nats/nats-config"]);
    expect(objectsOf(dev)).toEqual(["changed ConfigMap nats-config"]);
    expect(dev.configs.map((config) => config.servers)).toEqual([["nats-0"]]);
    expect(dev.configs[0].lineDiff).toMatch(/^-max_connections: 65536$/m);
    expect(dev.configs[0].lineDiff).toMatch(/^\+max_connections: 1000$/m);
    // The account JWTs in the configs change with the tier's limits; no JWT or key text reaches the report.
    expect(JSON.stringify(report)).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}|\b[OAU][A-Z2-7]{55}\b/);
  });

  it("fails with exit code 1 naming the side and the stack that did not render", async () => {
    git("reset", "-q", "--hard", baseCommit);
    editStack("dev", (config) => {
      config["nats-jetstream:cluster"].tier = "huge";
    });
    const result = await diff("dev", "--base", baseCommit);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the head side failed to render stack dev: .*huge/);
    expect(result.stdout).toBe("");
    expect(git("worktree", "list").split("\n")).toHaveLength(1);
  });

  it("refuses an unknown base ref and an unknown stack with exit code 2, naming them", async () => {
    const [ref, stack] = await Promise.all([diff("small", "--base", "no-such-ref"), diff("no-such-stack", "--base", "HEAD")]);
    expect(ref.code).toBe(2);
    expect(ref.stderr).toMatch(/"no-such-ref" is not a commit/);
    expect(stack.code).toBe(2);
    expect(stack.stderr).toMatch(/"no-such-stack" is not a stack/);
    expect(ref.stdout + stack.stdout).toBe("");
  });
});

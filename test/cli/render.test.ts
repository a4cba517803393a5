import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const projectDir = path.resolve(__dirname, "../..");
const tsx = path.join(projectDir, "node_modules", ".bin", "tsx");

async function render(stack: string, outDir: string, cwd = projectDir, env: NodeJS.ProcessEnv = {}) {
  return run(tsx, [path.join(projectDir, "cli", "render.ts"), stack, "--out", outDir], {
    cwd,
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
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

function objectsIn(dir: string): string[] {
  return listFiles(path.join(dir, "manifests")).flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, "manifests", file), "utf8")).map((doc) => {
      const object = doc.toJS() as { kind: string; metadata: { name: string; namespace?: string } };
      return `${object.kind} ${object.metadata.namespace ?? "-"}/${object.metadata.name}`;
    }),
  );
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "render-test-"));

describe("npm run render", () => {
  const dev = path.join(scratch, "dev");
  const small = path.join(scratch, "small");
  beforeAll(async () => {
    await Promise.all([render("dev", dev), render("small", small)]);
  }, 180_000);

  it("renders the dev stack into exactly the expected objects, in apply order", () => {
    expect(objectsIn(dev)).toEqual([
      "Namespace -/nats",
      "ServiceAccount nats/nats",
      "ConfigMap nats/nats-config",
      "PersistentVolumeClaim nats/jetstream-nats-0",
      "Service nats/nats",
      "Service nats/nats-headless",
      "StatefulSet nats/nats",
      "PodDisruptionBudget nats/nats",
      "NetworkPolicy nats/nats",
    ]);
    expect(listFiles(path.join(dev, "servers"))).toEqual(["nats-0.conf"]);
  });

  it("renders the small stack with three servers and a claim per server", () => {
    expect(objectsIn(small)).toEqual([
      "Namespace -/nats",
      "ServiceAccount nats/nats",
      "ConfigMap nats/nats-config",
      "PersistentVolumeClaim nats/jetstream-nats-0",
      "PersistentVolumeClaim nats/jetstream-nats-1",
      "PersistentVolumeClaim nats/jetstream-nats-2",
      "Service nats/nats",
      "Service nats/nats-headless",
      "StatefulSet nats/nats",
      "PodDisruptionBudget nats/nats",
      "NetworkPolicy nats/nats",
    ]);
    expect(listFiles(path.join(small, "servers"))).toEqual(["nats-0.conf", "nats-1.conf", "nats-2.conf"]);
    const conf = fs.readFileSync(path.join(small, "servers", "nats-1.conf"), "utf8");
    expect(conf).toContain('"nats://nats-2.nats-headless.nats.svc.cluster.local:6222"');
    expect(conf).toContain('sync_interval: "always"');
  });

  it("writes a summary with a resource count table and a Mermaid topology", () => {
    const summary = fs.readFileSync(path.join(small, "summary.md"), "utf8");
    expect(summary).toContain("| `kubernetes:apps/v1:StatefulSet` | 1 |");
    expect(summary).toContain("```mermaid\nflowchart LR");
    expect(summary).toContain("nats_nats_0 <-- route --> nats_nats_1");
    expect(JSON.parse(fs.readFileSync(path.join(small, "plan.json"), "utf8"))).toBeInstanceOf(Array);
  });

  it("gives byte-identical files when the same stack is rendered twice", async () => {
    const again = path.join(scratch, "small-again");
    await render("small", again);
    expect(readTree(again)).toEqual(readTree(small));
  }, 120_000);

  it("fails a broken stack config with the validation message, not a stack trace", async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "render-bad-"));
    fs.mkdirSync(path.join(project, "stacks"));
    fs.writeFileSync(
      path.join(project, "stacks", "Pulumi.broken.yaml"),
      "config:\n  nats-jetstream:cluster:\n    name: nats\n    tier: small\n    volumeSize: 20 GB\n",
    );
    const failure = await render("broken", path.join(scratch, "broken"), projectDir, { NATS_JETSTREAM_PROJECT_DIR: project }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr.trim()).toBe(
      'render failed: cluster.volumeSize: "20 GB" is not allowed; use a Kubernetes quantity such as "512Mi", "20Gi" or "1Ti"',
    );
  }, 120_000);

  it("names the known stacks when asked for an unknown one", async () => {
    const failure = await render("nosuch", path.join(scratch, "nosuch")).catch((error: { code: number; stderr: string }) => error);
    expect((failure as { code: number }).code).toBe(2);
    expect((failure as { stderr: string }).stderr).toMatch(/stack: "nosuch" is not allowed; name one of .*dev.*small/);
  }, 120_000);
});

import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { compiledCli } from "../support/compiled-cli";
import { describe, expect, it } from "vitest";
import { listStacks } from "../../components/model/stack";
import { parseStacksCommandLine, UsageError, USAGE_EXIT_CODE } from "../../cli/command-line";
import { RENDER_COMMAND } from "../../cli/commands";
import { AllStacksRenderReport, RenderReport } from "../../cli/render/report";

const run = promisify(execFile);
const projectDir = path.resolve(__dirname, "../..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "render-all-test-"));
const shipped = listStacks(projectDir);

/** The outcome of a tool run: exit code and output, whether or not it failed. */
interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function outcomeOf(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return run(command, args, { cwd: projectDir, env: { ...process.env, ...env }, timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/** The render as `npm run render` runs it: the compiled tool (the suite's global setup built it). */
function renderCompiled(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return outcomeOf(process.execPath, [compiledCli("render"), ...args], env);
}

function readTree(dir: string): Map<string, string> {
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
  return new Map(files.map((file) => [file, fs.readFileSync(path.join(dir, file), "utf8")]));
}

describe("npm run render -- --all", () => {
  it("renders every shipped stack in one run into <out>/<stack>, byte-identical to single renders of dev and small with the same keystores", async () => {
    const out = path.join(scratch, "all");
    const keys = path.join(scratch, "keys");
    const all = await renderCompiled(["--all", "--out", out, "--keys", keys, "--json"]);
    expect(all.code, all.stderr).toBe(0);
    const report = JSON.parse(all.stdout) as AllStacksRenderReport;
    expect(report.outcome).toBe("rendered");
    expect(report.stacks.map((stack) => [stack.stack, stack.outcome])).toEqual(shipped.map((stack) => [stack, "rendered"]));
    for (const stack of report.stacks as RenderReport[]) {
      expect(stack.outDir).toBe(path.join(out, stack.stack));
      expect(stack.keystore).toBe(path.join(keys, stack.stack, "keys.json"));
      expect([...readTree(stack.outDir).keys()]).toEqual(stack.files);
    }
    expect(fs.readdirSync(out).sort()).toEqual([...shipped].sort());

    const keystoresBefore = readTree(keys);
    const singles = await Promise.all(
      ["dev", "small"].map((stack) => renderCompiled([stack, "--out", path.join(scratch, "single", stack), "--keys", path.join(keys, stack, "keys.json"), "--json"])),
    );
    for (const [index, stack] of ["dev", "small"].entries()) {
      expect(singles[index].code, singles[index].stderr).toBe(0);
      const single = JSON.parse(singles[index].stdout) as RenderReport;
      expect(single.files).toEqual((report.stacks.find((entry) => entry.stack === stack) as RenderReport).files);
      expect(readTree(path.join(scratch, "single", stack))).toEqual(readTree(path.join(out, stack)));
    }
    expect(readTree(keys)).toEqual(keystoresBefore);
  }, 120_000);

  it("renders the other stacks when one is refused, and ends with exit code 2 and each stack's outcome", async () => {
    const project = fs.mkdtempSync(path.join(scratch, "project-"));
    fs.mkdirSync(path.join(project, "stacks"));
    fs.copyFileSync(path.join(projectDir, "stacks", "Pulumi.dev.yaml"), path.join(project, "stacks", "Pulumi.dev.yaml"));
    fs.writeFileSync(path.join(project, "stacks", "Pulumi.broken.yaml"), "config:\n  nats-jetstream:cluster:\n    name: nats\n    tier: small\n    servers: 4\n");
    const out = path.join(project, "rendered");
    const outcome = await renderCompiled(["--all", "--out", out, "--keys", path.join(project, "keys"), "--json"], { NATS_JETSTREAM_PROJECT_DIR: project });
    expect(outcome.code).toBe(USAGE_EXIT_CODE);
    const report = JSON.parse(outcome.stdout) as AllStacksRenderReport;
    expect(report.outcome).toBe("refused");
    expect(report.stacks.map((stack) => [stack.stack, stack.outcome])).toEqual([
      ["broken", "refused"],
      ["dev", "rendered"],
    ]);
    expect(report.stacks[0]).toMatchObject({ problems: [{ path: "cluster.servers", value: 4 }] });
    expect(outcome.stderr).toMatch(/^render failed: stack broken: /m);
    expect(fs.readdirSync(out)).toEqual(["dev"]);
  }, 120_000);

  it("refuses --all with a stack name, and a --keys that is a file, with exit code 2, naming them and writing nothing", async () => {
    const out = path.join(scratch, "refused");
    const keysFile = path.join(scratch, "a-keys-file.json");
    fs.writeFileSync(keysFile, "{}\n");
    const [withStack, withKeysFile] = await Promise.all([renderCompiled(["--all", "dev", "--out", out]), renderCompiled(["--all", "--out", out, "--keys", keysFile])]);
    expect(withStack.code).toBe(USAGE_EXIT_CODE);
    expect(withStack.stderr.split("\n")[0]).toMatch(/--all.*\(dev\)/);
    expect(withKeysFile.code).toBe(USAGE_EXIT_CODE);
    expect(withKeysFile.stderr.split("\n")[0]).toContain(`--keys: ${keysFile} is a file`);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);
});

describe("the render's command line", () => {
  it("takes one stack or --all, every stack in listing order, and refuses --all beside stack names", () => {
    const stacks = ["dev", "small"];
    expect(parseStacksCommandLine(RENDER_COMMAND, ["small", "--json"], stacks)).toEqual({ stacks: ["small"], all: false, options: { json: true } });
    expect(parseStacksCommandLine(RENDER_COMMAND, ["--all", "--out", "/tmp/x"], stacks)).toEqual({ stacks: ["dev", "small"], all: true, options: { out: "/tmp/x" } });
    expect(() => parseStacksCommandLine(RENDER_COMMAND, ["--all", "dev", "small"], stacks)).toThrow(UsageError);
    expect(() => parseStacksCommandLine(RENDER_COMMAND, ["--all", "dev", "small"], stacks)).toThrow(/\(dev small\)/);
    expect(() => parseStacksCommandLine(RENDER_COMMAND, [], stacks)).toThrow(/^name a stack$/);
    expect(() => parseStacksCommandLine({ ...RENDER_COMMAND, allStacks: undefined }, ["--all"], stacks)).toThrow(/Unknown option '--all'/);
  });
});

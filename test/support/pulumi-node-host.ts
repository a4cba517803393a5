/**
 * Starts a Pulumi project's program the way `pulumi up` does, minus the engine: the engine's reading of
 * Pulumi.yaml's `main`, then the Node.js language host's own run module (@pulumi/pulumi/cmd/run) with the
 * arguments and environment pulumi-language-nodejs gives it. The host's code, not a copy of it, decides
 * which file is the program; node-host-probe.cjs only watches it decide.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { parse as parseYaml } from "yaml";

const run = promisify(execFile);
const PROBE = path.join(__dirname, "node-host-probe.cjs");

interface PulumiProject {
  name: string;
  main?: string;
  runtime: string | { name: string; options?: { typescript?: boolean; tsconfig?: string } };
}

/** What the engine hands the language host: the directory to run in and the entry point within it. */
export interface EngineProgram {
  pwd: string;
  entryPoint: string;
}

/**
 * The engine's reading of `main` (pulumi/pulumi pkg/engine/project.go, getPwdMain): no `main` runs the
 * project directory ("."); a directory runs in that directory ("."); a file runs in its directory, by name.
 */
export function engineProgram(root: string, main: string | undefined): EngineProgram {
  if (main === undefined || main === "") return { pwd: root, entryPoint: "." };
  const target = path.resolve(root, main);
  if (fs.statSync(target).isDirectory()) return { pwd: target, entryPoint: "." };
  return { pwd: path.dirname(target), entryPoint: path.basename(target) };
}

/** What the host did with a project. */
export interface HostRun {
  /** The file the host loaded as the program. */
  program: string;
  /** Types of the resources the program registered, when it was loaded. */
  registered: string[];
}

export interface HostRunOptions {
  /** Load the program (through ts-node for a TypeScript project) and record what it registers; default false. */
  load?: boolean;
  /** Stack name the program sees. */
  stack?: string;
  /** Stack config as the CLI passes it: `<namespace>:<key>` to the value's text (objects as JSON). */
  config?: Record<string, string>;
}

/**
 * Runs the project in `root` through the host. pulumi-language-nodejs starts
 * `node <@pulumi/pulumi/cmd/run> --monitor … --project … --stack … --pwd <pwd> <entry point>` and sets
 * PULUMI_NODEJS_TYPESCRIPT when the runtime option `typescript` is on (its default) and
 * PULUMI_NODEJS_TSCONFIG_PATH when the `tsconfig` option is given.
 */
export async function runUnderNodeHost(root: string, options: HostRunOptions = {}): Promise<HostRun> {
  const project = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as PulumiProject;
  const runtimeOptions = typeof project.runtime === "string" ? {} : (project.runtime.options ?? {});
  const { pwd, entryPoint } = engineProgram(root, project.main);
  const runModule = require.resolve("@pulumi/pulumi/cmd/run", { paths: [pwd] });
  const stack = options.stack ?? "probe";
  const outFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "node-host-")), "finding.json");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(options.config ?? {}),
    PULUMI_NODEJS_PROJECT: project.name,
    PULUMI_NODEJS_STACK: stack,
    PULUMI_HOST_PROBE_OUT: outFile,
    PULUMI_HOST_PROBE_LOAD: options.load ? "1" : "0",
  };
  delete env.PULUMI_NODEJS_TYPESCRIPT;
  delete env.PULUMI_NODEJS_TSCONFIG_PATH;
  if (runtimeOptions.typescript ?? true) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (runtimeOptions.tsconfig !== undefined) env.PULUMI_NODEJS_TSCONFIG_PATH = runtimeOptions.tsconfig;
  const args = ["--require", PROBE, runModule, "--monitor", "127.0.0.1:1", "--project", project.name, "--stack", stack, "--pwd", pwd, entryPoint];
  try {
    await run(process.execPath, args, { cwd: root, env, timeout: 120_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`the host failed on ${root}:\n${stdout ?? ""}${stderr ?? ""}`);
  }
  const finding = JSON.parse(fs.readFileSync(outFile, "utf8")) as Partial<HostRun>;
  fs.rmSync(path.dirname(outFile), { recursive: true, force: true });
  if (finding.program === undefined) throw new Error(`the host loaded no program from ${root}`);
  return { program: finding.program, registered: finding.registered ?? [] };
}

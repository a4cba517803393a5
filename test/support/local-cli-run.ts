/** Running `npm run local` as a child process in tests, and finding any nats-server a run left behind. */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { connect, credsAuthenticator, NatsConnection } from "@nats-io/transport-node";
import { PIDS_FILE } from "../../components/local";
import { RunEvent } from "../../cli/local/run-output";
import { compiledCli } from "./compiled-cli";

export const PROJECT_DIR = path.resolve(__dirname, "../..");

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The child's exit code and output; killed, and failed with the output so far, after `timeoutMs`. */
export function finished(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the CLI did not finish within ${timeoutMs / 1000}s; output so far:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The events a `--json` run wrote to stdout, one JSON object a line. */
export function runEvents(stdout: string): RunEvent[] {
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as RunEvent);
}

/** The one event of `kind` among a run's events; fails when there is not exactly one. */
export function eventOf<K extends RunEvent["event"]>(events: readonly RunEvent[], kind: K): Extract<RunEvent, { event: K }> {
  const found = events.filter((event): event is Extract<RunEvent, { event: K }> => event.event === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} event, got ${found.length}: ${JSON.stringify(events.map((event) => event.event))}`);
  return found[0];
}

/** `npm run local -- <args>` in the project directory, as a newcomer types it. */
export function runNpmLocal(args: string[], timeoutMs: number): Promise<Finished> {
  return finished(spawn("npm", ["run", "--silent", "local", "--", ...args], { cwd: PROJECT_DIR, stdio: ["ignore", "pipe", "pipe"] }), timeoutMs);
}

/** Runs the local CLI as `npm run local` ends up running it (compiled, see compiled-cli.ts), without npm's shell in between. */
export function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, [compiledCli("local"), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env });
}

/** Every pid the run's servers ran as, from the files the local back end keeps for each server. */
export function recordedPids(runDir: string): number[] {
  return fs
    .readdirSync(runDir)
    .map((entry) => path.join(runDir, entry, PIDS_FILE))
    .filter((file) => fs.existsSync(file))
    .flatMap((file) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number));
}

export function isNatsServer(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("nats-server");
  } catch {
    return false;
  }
}

/** A project directory under `parent` holding only `stacks/`, with the given stack files by stack name. */
export function projectWith(parent: string, stacks: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(parent, "project-"));
  fs.mkdirSync(path.join(dir, "stacks"));
  for (const [name, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${name}.yaml`), text);
  return dir;
}

/** Runs one of the project's CLIs (`cli/<name>.ts`, compiled) in one node process in `cwd`, to its end. */
export function runTool(name: string, args: string[], cwd: string, timeoutMs = 30_000): Promise<Finished> {
  return finished(spawn(process.execPath, [compiledCli(name), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] }), timeoutMs);
}

/** A `npm run local` of a stack that is up and checked: its ready event, and how to stop it. */
export interface RunningLocal {
  summary: Extract<RunEvent, { event: "ready" }>;
  /** SIGTERM, then the run's end. */
  stop(): Promise<Finished>;
}

/** Starts `npm run local -- <stack> --json` in `project` and waits for its ready event; fails with the output when it exits first. */
export async function startLocal(project: string, stack: string, timeoutMs = 40_000): Promise<RunningLocal> {
  const child = startCli([stack, "--json"], project);
  const run = finished(child, timeoutMs + 30_000);
  let output = "";
  const ready = new Promise<string>((resolve) => {
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const line = output.split("\n").find((candidate) => candidate.startsWith('{"event":"ready"'));
      if (line !== undefined) resolve(line);
    });
  });
  const line = await Promise.race([
    ready,
    run.then((exited): string => {
      throw new Error(`npm run local -- ${stack} exited (${exited.code}) before it was running:\n${exited.stdout}${exited.stderr}`);
    }),
  ]);
  return {
    summary: eventOf(runEvents(line), "ready"),
    stop: () => {
      child.kill("SIGTERM");
      return run;
    },
  };
}

/** A connection to the run's first cluster as one of its users, with the user's creds and inbox prefix. */
export async function connectAsRunUser(run: RunningLocal, user: string): Promise<NatsConnection> {
  const creds = run.summary.creds.find((entry) => entry.user === user);
  if (creds === undefined) throw new Error(`the run has no creds of ${user}`);
  return connect({ servers: run.summary.clusters[0].clientUrls, authenticator: credsAuthenticator(fs.readFileSync(creds.file)), inboxPrefix: creds.inboxPrefix ?? "_INBOX" });
}

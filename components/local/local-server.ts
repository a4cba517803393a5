/** One nats-server process of a local cluster: its files, its process, and how it is stopped. */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Ports } from "../model/cluster";
import { appendOwnerOnlyFile, openOwnerOnlyForAppend } from "../owner-only-files";
import { guardChild } from "./process-guard";
import { ServerBinary } from "./server-binary";

/** File in each server's directory listing every pid it ran as, one a line, so leftovers can be found. */
export const PIDS_FILE = "pids";

/**
 * Runs the server under umask 077. nats-server 2.9.10 creates its files with fixed modes that only the umask
 * narrows (store directories 0750, store files 0640, its pid file 0660); the owner-only server directory
 * already keeps others out, and the umask keeps the store owner-only even when it is copied or moved
 * elsewhere. `exec` hands the shell's pid to the server, so signals and the recorded pid reach nats-server
 * itself; a binary that cannot run ends the shell with code 127 and the reason in the log.
 */
const OWNER_ONLY_EXEC = 'umask 077 && exec "$0" "$@"';

/** What nats-server 2.9 logs once it has applied a reloaded config, and when it refuses one. */
const RELOADED = "Reloaded server configuration";
const RELOAD_FAILED = "Failed to reload server configuration";

export interface LocalServerFiles {
  /** The server's own directory under the run directory. */
  dir: string;
  configFile: string;
  /** stdout and stderr of every run, appended. */
  logFile: string;
  storeDir: string;
}

interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class LocalServer {
  private child: ChildProcess | undefined;
  private exit: Promise<ServerExit> | undefined;
  private spawnFailed = false;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly ports: Ports,
    readonly files: LocalServerFiles,
    private readonly binary: ServerBinary,
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && !this.spawnFailed && this.child.exitCode === null && this.child.signalCode === null;
  }

  get clientUrl(): string {
    return `nats://127.0.0.1:${this.ports.client}`;
  }

  /** Starts nats-server on the server's config; the store directory is kept across runs. */
  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.spawnFailed = false;
    const log = openOwnerOnlyForAppend(this.files.logFile);
    try {
      const child = spawn("/bin/sh", ["-c", OWNER_ONLY_EXEC, this.binary.path, "-c", this.files.configFile], {
        cwd: this.files.dir,
        detached: true,
        stdio: ["ignore", log, log],
      });
      this.child = child;
      this.exit = new Promise((resolve) => {
        child.once("exit", (code, signal) => resolve({ code, signal }));
        // A shell that could not be spawned at all never emits "exit"; its error goes to the log.
        child.once("error", (error) => {
          this.spawnFailed = true;
          appendOwnerOnlyFile(this.files.logFile, `could not start ${this.binary.path} through /bin/sh: ${error.message}\n`);
          resolve({ code: null, signal: null });
        });
      });
      guardChild(child);
      if (child.pid !== undefined) appendOwnerOnlyFile(path.join(this.files.dir, PIDS_FILE), `${child.pid}\n`);
    } finally {
      fs.closeSync(log);
    }
  }

  /** kill -9: no shutdown at all, as a crashed node or a lost machine. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill("SIGKILL");
    await this.exit;
  }

  /**
   * Lame duck (SIGUSR2, what `nats-server --signal ldm=<pid>` sends): the server stops accepting clients,
   * hands its JetStream leaderships over and closes its clients over lame_duck_duration, then exits.
   * With no client connected it exits within about a second. A server still running after `timeoutMs`
   * is killed.
   */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.running) return;
    this.child!.kill("SIGUSR2");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([this.exit!, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") await this.kill();
  }

  /**
   * Has the server read its config file again (SIGHUP, what the reloader sidecar sends when the ConfigMap
   * changes) and waits until it logs the outcome; a refused reload or none within `timeoutMs` fails, with
   * the log's end.
   */
  async reload(timeoutMs = 10_000): Promise<void> {
    if (!this.running) throw new Error(`${this.name} is not running, so it cannot reload its config`);
    const from = fs.existsSync(this.files.logFile) ? fs.statSync(this.files.logFile).size : 0;
    this.child!.kill("SIGHUP");
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const written = fs.readFileSync(this.files.logFile).subarray(from).toString("utf8");
      if (written.includes(RELOADED)) return;
      const refused = written.split("\n").find((line) => line.includes(RELOAD_FAILED));
      if (refused) throw new Error(`${this.name} refused its new config: ${refused}`);
      if (!this.running) throw new Error(`${this.name} exited on reload:\n${this.logTail()}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not log a reload within ${timeoutMs / 1000}s of SIGHUP:\n${this.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The last lines of the server's log, for error messages. */
  logTail(lines = 15): string {
    try {
      return fs.readFileSync(this.files.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }
}

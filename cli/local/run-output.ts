/**
 * Where `npm run local` writes. By default, sentences and tables for a person, on stdout. With `--json`, one
 * JSON object per line on stdout, each a RunEvent, and the same progress sentences on stderr, so a script reads
 * stdout and a person watching still sees the run go.
 */
import { createdLine, CreatedObject, formatRunSummary, RunSummary, SmokeCheckResult, smokeLine } from "../../components/local";
import { Problem } from "../../components/model/errors";

/** One line of `--json` output. */
export type RunEvent =
  /** The servers are up, the stack's objects created and the smoke check passed. */
  | ({ event: "ready" } & RunSummary)
  /** The stack was refused before anything started (exit code 2). */
  | { event: "refused"; stack: string; problems: Problem[] }
  /** The servers or the smoke check failed (exit code 1); `checks` holds every result up to the failure. */
  | { event: "failed"; error: string; checks: SmokeCheckResult[] }
  /** A signal asked the run to stop, while it was starting or once it was running. */
  | { event: "interrupted"; signal: NodeJS.Signals; phase: "starting" | "running" }
  /** Every server of the run has stopped. */
  | { event: "stopped"; servers: string[] };

/** The output of one run, in the form the command line chose. */
export class RunOutput {
  /** Every smoke check result so far, in order. */
  readonly checks: SmokeCheckResult[] = [];
  /** Every object created so far, in order. */
  readonly provisioned: CreatedObject[] = [];

  constructor(private readonly json: boolean) {}

  private emit(event: RunEvent): void {
    if (this.json) process.stdout.write(`${JSON.stringify(event)}\n`);
  }

  /** A sentence on how the run goes. */
  progress(line: string): void {
    (this.json ? process.stderr : process.stdout).write(`${line}\n`);
  }

  /** An object the run created. */
  created(object: CreatedObject): void {
    this.provisioned.push(object);
    this.progress(`  [${object.cluster}] ${object.account}: ${createdLine(object)}`);
  }

  /** A smoke check's result; a failure is told by the error that ends the run. */
  check(result: SmokeCheckResult): void {
    this.checks.push(result);
    if (result.outcome !== "failed") this.progress(`  [${result.scope}] ${smokeLine(result)}`);
  }

  /** The run is up and checked. */
  ready(summary: RunSummary): void {
    if (this.json) this.emit({ event: "ready", ...summary });
    else process.stdout.write(`${formatRunSummary(summary)}\n`);
  }

  /** The stack was refused. */
  refused(stack: string, message: string, problems: Problem[]): void {
    process.stderr.write(`${message}\n`);
    this.emit({ event: "refused", stack, problems });
  }

  /** The run failed. */
  failed(error: Error): void {
    process.stderr.write(`${error.message}\n`);
    this.emit({ event: "failed", error: error.message, checks: this.checks });
  }

  /** A signal asked the run to stop. */
  interrupted(signal: NodeJS.Signals, phase: "starting" | "running"): void {
    this.progress(
      phase === "starting"
        ? `${signal} received while starting; stopping once the servers being started are up (again to kill them at once)`
        : `${signal} received (again to kill the servers at once)`,
    );
    this.emit({ event: "interrupted", signal, phase });
  }

  /** Every server of the run is about to stop in lame duck. */
  stopping(servers: string[]): void {
    this.progress(`stopping ${servers.join(", ")} (lame duck)`);
  }

  /** Every server of the run has stopped. */
  stopped(servers: string[]): void {
    this.progress("every server stopped");
    this.emit({ event: "stopped", servers });
  }
}

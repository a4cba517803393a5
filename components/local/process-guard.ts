/**
 * Makes sure no nats-server started by this process outlives it. Servers are spawned in their own process
 * group (so a terminal's Ctrl-C reaches only this process, which can then shut them down in lame duck);
 * the price is that they would not die with it, so every live one is killed here when this process exits.
 */
import { ChildProcess } from "child_process";

const live = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

const EXIT_CODE_FOR_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function install(): void {
  installed = true;
  process.on("exit", killAll);
  for (const signal of Object.keys(EXIT_CODE_FOR_SIGNAL) as NodeJS.Signals[]) {
    process.on(signal, () => {
      // A program with its own handler (the local CLI) shuts the servers down cleanly itself; the guard
      // acts only where nobody else listens, and then must also exit, as Node would have without it.
      if (process.listenerCount(signal) > 1) return;
      killAll();
      process.exit(EXIT_CODE_FOR_SIGNAL[signal]);
    });
  }
}

/** Kills `child` if this process exits or is signalled while the child still runs. */
export function guardChild(child: ChildProcess): void {
  if (!installed) install();
  live.add(child);
  child.once("exit", () => live.delete(child));
}

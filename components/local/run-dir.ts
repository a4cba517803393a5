/**
 * The run directory holds every file of a local run: one directory per server with its nats.conf, log,
 * store and the pids it ran as, and the run's credentials. It is wiped at the start of a run, after stopping
 * any server a previous run left behind (one whose launcher was itself killed with -9 had no chance to stop
 * its servers); only what the caller names is kept, such as the key material that keeps creds valid.
 */
import * as fs from "fs";
import * as path from "path";
import { makeOwnerOnlyDir } from "../owner-only-files";
import { PIDS_FILE } from "./local-server";

function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return undefined;
  }
}

/** Pids recorded under `runDir` whose process is still a nats-server on a config from that directory. */
export function findLeftoverServers(runDir: string): number[] {
  if (!fs.existsSync(runDir)) return [];
  const leftovers: number[] = [];
  for (const entry of fs.readdirSync(runDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const pidsFile = path.join(runDir, entry.name, PIDS_FILE);
    if (!fs.existsSync(pidsFile)) continue;
    for (const line of fs.readFileSync(pidsFile, "utf8").split("\n")) {
      const pid = Number(line);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      const command = commandLine(pid);
      if (command?.includes("nats-server") && command.includes(path.join(runDir, entry.name))) leftovers.push(pid);
    }
  }
  return leftovers;
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some((pid) => commandLine(pid) !== undefined) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Stops what a previous run left in `runDir`, then empties it of everything but the entries named in `keep`.
 * The directory is made owner-only: the stores under it hold the messages, its creds and keys the identities.
 */
export async function prepareRunDir(runDir: string, keep: readonly string[] = []): Promise<void> {
  const leftovers = findLeftoverServers(runDir);
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Exited meanwhile.
    }
  }
  await waitUntilGone(leftovers, 5_000);
  makeOwnerOnlyDir(runDir);
  for (const entry of fs.readdirSync(runDir)) {
    if (!keep.includes(entry)) fs.rmSync(path.join(runDir, entry), { recursive: true, force: true });
  }
}

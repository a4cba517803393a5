/**
 * The address ranges of the namespaced test hosts (NetnsCluster, NetnsTopology): each host numbers its links in
 * a 10.<octet>.0.0/16 of its own. The fault files run in parallel processes, and two hosts numbered alike put
 * the same addresses on two host interfaces, so the relays' traffic for one goes to the other: a topology then
 * answered no /healthz for 30 s. Picking the octet at random made that a 1 in 40 chance for two topologies at
 * once, so a host claims its octet instead.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A claimed second octet; `release` gives it back. */
export interface ClaimedRange {
  octet: number;
  release(): void;
}

const CLAIMS_DIR = path.join(os.tmpdir(), "nats-netns-ranges");

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a host interface still holds an address in 10.<octet>.0.0/16 (a run that was killed leaves them). */
function rangeInUse(octet: number): boolean {
  return execFileSync("ip", ["-o", "-4", "addr", "show", "to", `10.${octet}.0.0/16`], { encoding: "utf8" }).trim() !== "";
}

/**
 * Claims a second octet in [first, first + count) for this process: a file created exclusively under the
 * temporary directory, holding the pid. A claim whose process is gone is taken over; an octet a host
 * interface still has addresses in is skipped.
 */
export function claimRange(first: number, count: number, claimsDir = CLAIMS_DIR): ClaimedRange {
  fs.mkdirSync(claimsDir, { recursive: true });
  const start = Math.floor(Math.random() * count);
  for (let step = 0; step < count; step++) {
    const octet = first + ((start + step) % count);
    const claim = path.join(claimsDir, `10.${octet}`);
    if (!tryClaim(claim)) continue;
    if (rangeInUse(octet)) {
      fs.rmSync(claim, { force: true });
      continue;
    }
    let released = false;
    return {
      octet,
      release: () => {
        if (!released) fs.rmSync(claim, { force: true });
        released = true;
      },
    };
  }
  throw new Error(`no free 10.x.0.0/16 range among 10.${first} to 10.${first + count - 1} (claims in ${claimsDir})`);
}

/** Creates `claim` for this process, or takes it over from a process that is gone; false when another holds it. */
function tryClaim(claim: string): boolean {
  try {
    fs.writeFileSync(claim, String(process.pid), { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const holder = Number(fs.readFileSync(claim, "utf8"));
  if (holder === process.pid || processAlive(holder)) return false;
  fs.rmSync(claim, { force: true });
  try {
    fs.writeFileSync(claim, String(process.pid), { flag: "wx" });
    return true;
  } catch {
    return false;
  }
}

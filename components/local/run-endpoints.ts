/**
 * Where a running `npm run local` stack can be reached: its servers listen on free ports chosen at start, so
 * the run writes each cluster's client URLs into its run directory while it runs, for the tools that work on
 * a running stack (`npm run backup`, `npm run restore`) to find them.
 */
import * as fs from "fs";
import * as path from "path";
import { writeOwnerOnlyFile } from "../owner-only-files";

export const ENDPOINTS_FILE = "endpoints.json";

/** The client URLs of every cluster of a running stack, by cluster name. */
export interface RunEndpoints {
  stack: string;
  clusters: Record<string, string[]>;
}

export function writeRunEndpoints(runDir: string, endpoints: RunEndpoints): void {
  writeOwnerOnlyFile(path.join(runDir, ENDPOINTS_FILE), `${JSON.stringify(endpoints, null, 2)}\n`);
}

/**
 * Removes the file when the run stops, so a stopped stack is not mistaken for a running one; only when it
 * still holds what this run wrote, since a later run of the same stack may have written its own meanwhile.
 */
export function removeRunEndpoints(runDir: string, written: RunEndpoints): void {
  const current = readRunEndpoints(runDir);
  if (current !== undefined && JSON.stringify(current) === JSON.stringify(written)) fs.rmSync(path.join(runDir, ENDPOINTS_FILE), { force: true });
}

/** The endpoints of the stack running from `runDir`, or undefined when no run of it is up. */
export function readRunEndpoints(runDir: string): RunEndpoints | undefined {
  const file = path.join(runDir, ENDPOINTS_FILE);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as RunEndpoints;
}

/**
 * `npm run bench:render [-- --rounds N]`: how long a render takes, as wall-clock figures per case (median
 * and minimum of N rounds, after one warm-up round that also draws the keys): one stack and every stack in one
 * process through the compiled tool, one stack as a user runs it through npm, one stack through the
 * TypeScript loader, and `helm template` of the official NATS chart when helm is on PATH. The machine's load
 * is printed with them: figures taken beside other work are slower than on an idle machine.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";

const projectDir = path.resolve(__dirname, "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-render-"));
const keys = path.join(scratch, "keys");

/** One thing timed: a command run in the project directory. */
interface BenchCase {
  name: string;
  command: string;
  args: string[];
}

/** The executable `name` on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir !== "" && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Seconds one run of the case took; throws when the command fails, with its stderr. */
function timeOnce({ name, command, args }: BenchCase): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: projectDir, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${name}: exit code ${result.status}: ${result.stderr}`);
  return seconds;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The `helm template` case, or why there is none. */
function helmCase(): BenchCase | string {
  const helm = onPath("helm");
  if (helm === undefined) return "helm: not installed, skipped (the 0.09 s for `helm template` of the official chart was measured elsewhere, not in this run)";
  const chart = process.env.NATS_CHART;
  if (chart === undefined) return "helm: installed, skipped: set NATS_CHART to the official NATS chart (a directory or .tgz; this machine cannot download it)";
  return { name: "helm template (official NATS chart)", command: helm, args: ["template", "nats", chart] };
}

function main(): void {
  const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" } }, strict: true });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: ${values.rounds} is not allowed; give a whole number of rounds, 1 or more`);
  const node = process.execPath;
  const render = path.join(projectDir, ".build", "cli", "render.js");
  const tsx = path.join(projectDir, "node_modules", ".bin", "tsx");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const cases: BenchCase[] = [
    { name: "render dev (compiled)", command: node, args: [render, "dev", "--out", path.join(scratch, "out", "dev"), "--keys", path.join(keys, "dev", "keys.json")] },
    { name: "render --all (compiled, one process)", command: node, args: [render, "--all", "--out", path.join(scratch, "out"), "--keys", keys] },
    { name: "npm run render -- dev (as a user runs it)", command: npm, args: ["run", "-s", "render", "--", "dev", "--out", path.join(scratch, "npm", "dev"), "--keys", path.join(keys, "dev", "keys.json")] },
    { name: "render dev through tsx (no build)", command: tsx, args: [path.join(projectDir, "cli", "render.ts"), "dev", "--out", path.join(scratch, "tsx", "dev"), "--keys", path.join(keys, "dev", "keys.json")] },
  ];
  const helm = helmCase();
  if (typeof helm !== "string") cases.push(helm);
  const stacks = fs.readdirSync(path.join(projectDir, "stacks")).filter((file) => /^Pulumi\..+\.yaml$/.test(file)).length;
  const [one, five, fifteen] = os.loadavg();
  console.log(`${rounds} rounds after a warm-up; ${os.availableParallelism()} cores, load average ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)}; ${stacks} stacks; node ${process.version}`);
  const width = Math.max(...cases.map((entry) => entry.name.length));
  console.log(`${"case".padEnd(width)}  median     min`);
  for (const entry of cases) {
    timeOnce(entry);
    const times = Array.from({ length: rounds }, () => timeOnce(entry));
    console.log(`${entry.name.padEnd(width)}  ${median(times).toFixed(2).padStart(5)} s  ${Math.min(...times).toFixed(2).padStart(5)} s`);
  }
  if (typeof helm === "string") console.log(helm);
  fs.rmSync(scratch, { recursive: true, force: true });
}

main();

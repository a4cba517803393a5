import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { CommandSpec, formatUsage, parseCommandLine, USAGE_EXIT_CODE, UsageError } from "../../cli/command-line";
import { LOCAL_COMMAND, RENDER_COMMAND } from "../../cli/commands";
import { listStacks } from "../../components/model/stack";
import { compiledCli } from "../support/compiled-cli";

const projectDir = path.resolve(__dirname, "../..");
const stacks = listStacks(projectDir);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool as `npm run <tool> -- <args>` does, in the project directory: compiled, by node. */
function runTool(tool: "render" | "local", args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [compiledCli(tool), ...args], { cwd: projectDir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number((error as { code?: number }).code), stdout, stderr });
    });
  });
}

function refusal(spec: CommandSpec, argv: string[]): string | undefined {
  try {
    parseCommandLine(spec, argv, stacks);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
}

describe("reading a command line", () => {
  it("takes one known stack and the tool's options", () => {
    expect(parseCommandLine(RENDER_COMMAND, ["small", "--out", "/tmp/x"], stacks)).toEqual({ stack: "small", options: { out: "/tmp/x" } });
    expect(parseCommandLine(RENDER_COMMAND, ["--out=/tmp/x", "small"], stacks)).toEqual({ stack: "small", options: { out: "/tmp/x" } });
    expect(parseCommandLine(LOCAL_COMMAND, ["dev", "--smoke"], stacks)).toEqual({ stack: "dev", options: { smoke: true } });
    expect(parseCommandLine(LOCAL_COMMAND, ["dev"], stacks)).toEqual({ stack: "dev", options: {} });
    expect(parseCommandLine(LOCAL_COMMAND, ["dev", "--smoke", "--json"], stacks)).toEqual({ stack: "dev", options: { smoke: true, json: true } });
    expect(parseCommandLine(RENDER_COMMAND, ["--json", "small"], stacks)).toEqual({ stack: "small", options: { json: true } });
  });

  it("answers --help and -h with help, whatever else is given", () => {
    for (const argv of [["--help"], ["-h"], ["dev", "--help"], ["-h", "nosuch"]]) expect(parseCommandLine(LOCAL_COMMAND, argv, stacks)).toBe("help");
  });

  it("refuses a missing option value, an unknown option, a value given to a flag, a wrong number of stacks and an unknown stack", () => {
    const refused: [CommandSpec, string[], RegExp][] = [
      [RENDER_COMMAND, ["small", "--out"], /'--out <value>' argument missing/],
      [RENDER_COMMAND, ["small", "--out="], /'--out <DIR>' argument missing/],
      [RENDER_COMMAND, ["small", "--out", "--help"], /'--out' argument is ambiguous/],
      [RENDER_COMMAND, ["small", "--smoke"], /Unknown option '--smoke'/],
      [LOCAL_COMMAND, ["dev", "-s"], /Unknown option '-s'/],
      [LOCAL_COMMAND, ["dev", "--smoke=yes"], /'--smoke' does not take an argument/],
      [LOCAL_COMMAND, [], /^name a stack$/],
      [LOCAL_COMMAND, ["dev", "small"], /^name one stack, not 2: dev small$/],
      [RENDER_COMMAND, ["nosuch"], /^stack: "nosuch" is not allowed; name one of dagnats, dev, /],
    ];
    for (const [spec, argv, message] of refused) expect(refusal(spec, argv), argv.join(" ")).toMatch(message);
  });

  it("writes a usage naming every option, the stacks and every exit code", () => {
    for (const spec of [RENDER_COMMAND, LOCAL_COMMAND]) {
      const lines = formatUsage(spec, stacks).split("\n");
      expect(lines[0]).toMatch(new RegExp(`^usage: ${spec.invocation} <stack>`));
      for (const option of spec.options) expect(lines.some((line) => line.trim().startsWith(`--${option.name}`))).toBe(true);
      expect(lines.some((line) => line.trim().startsWith("-h, --help"))).toBe(true);
      expect(lines).toContain(`stacks: ${stacks.join(", ")}`);
      const codes = lines.slice(lines.indexOf("exit codes:") + 1).map((line) => Number(line.trim().split(/\s+/)[0]));
      expect(codes).toEqual([0, 1, USAGE_EXIT_CODE]);
    }
  });
});

/** Each tool's refused command lines, one of each kind it can meet; the parser's tests above try the rest. */
const REFUSED = {
  render: [["dev", "--bogus"], ["dev", "--out"], ["dev", "small"]],
  local: [["dev", "--bogus"], ["dev", "small"], ["nosuch"]],
};

describe.concurrent("the render and local tools, run as a user runs them", () => {
  for (const [tool, spec] of [
    ["render", RENDER_COMMAND],
    ["local", LOCAL_COMMAND],
  ] as const) {
    it(`${tool}: --help prints the usage to stdout and exits 0; a bad command line gets it on stderr and exit code ${USAGE_EXIT_CODE}`, async () => {
      const [help, ...refused] = await Promise.all([runTool(tool, [tool === "render" ? "--help" : "-h"]), ...REFUSED[tool].map((argv) => runTool(tool, argv))]);
      expect(help).toEqual({ code: 0, stdout: `${formatUsage(spec, stacks)}\n`, stderr: "" });
      refused.forEach((outcome, index) => {
        const argv = REFUSED[tool][index];
        expect(outcome.code, argv.join(" ")).toBe(USAGE_EXIT_CODE);
        expect(outcome.stdout).toBe("");
        expect(outcome.stderr).toBe(`${refusal(spec, argv)}\n\n${formatUsage(spec, stacks)}\n`);
      });
    });
  }

  it("render refuses an unknown stack and writes nothing", async () => {
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "render-refused-")), "out");
    const outcome = await runTool("render", ["nosuch", "--out", outDir]);
    expect(outcome.code).toBe(USAGE_EXIT_CODE);
    expect(outcome.stderr.split("\n")[0]).toBe(refusal(RENDER_COMMAND, ["nosuch"]));
    expect(fs.existsSync(outDir)).toBe(false);
    fs.rmSync(path.dirname(outDir), { recursive: true, force: true });
  });
});

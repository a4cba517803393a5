/**
 * The local launcher and the presets are free of the Kubernetes back end: running `cli/local.ts` loads no
 * `@pulumi/*` module and nothing from components/kubernetes, presets included. Checked on the real module
 * graph of a process that loads the CLI as `npm run local` runs it, compiled (every static import is loaded
 * before it reads its command line), with the render CLI, which does load Pulumi, as the control that the
 * check sees such modules.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { compiledCli } from "../support/compiled-cli";

const PROJECT_DIR = path.resolve(__dirname, "../..");
const PRELOAD = path.join(PROJECT_DIR, "test/support/loaded-modules.cjs");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nats-module-graph-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/**
 * Every module file a run of the CLI with an unknown stack loaded, relative to the project, its compiled
 * files named by their sources (`.build/components/x.js` as `components/x.ts`).
 */
function modulesLoadedBy(cli: string): string[] {
  const out = path.join(scratch, `${cli}.json`);
  const run = spawnSync(process.execPath, ["--require", PRELOAD, compiledCli(cli), "no-such-stack"], {
    cwd: PROJECT_DIR,
    env: { ...process.env, LOADED_MODULES_OUT: out },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(2);
  return (JSON.parse(fs.readFileSync(out, "utf8")) as string[])
    .map((file) => path.relative(PROJECT_DIR, file))
    .map((file) => (file.startsWith(".build/") ? file.slice(".build/".length).replace(/\.js$/, ".ts") : file));
}

const pulumiModule = (file: string) => file.includes("node_modules/@pulumi/");

describe("the module graph of the local launcher", () => {
  it("holds the local back end, the model and the presets, and no @pulumi module or Kubernetes back end file", () => {
    const loaded = modulesLoadedBy("local");
    expect(loaded).toEqual(expect.arrayContaining(["components/local/provision.ts", "components/model/provisioning.ts", "components/presets/index.ts", "components/presets/lightdash-settings.ts"]));
    expect(loaded.filter(pulumiModule)).toEqual([]);
    expect(loaded.filter((file) => file.startsWith("components/kubernetes/"))).toEqual([]);
  }, 60_000);

  it("is told apart from the render CLI's, which runs the Pulumi program", () => {
    expect(modulesLoadedBy("render").filter(pulumiModule).length).toBeGreaterThan(0);
  }, 60_000);
});

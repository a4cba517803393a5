import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { readStackConfig, stackFilePath } from "../../components/model/stack";
import { runUnderNodeHost } from "../support/pulumi-node-host";

const root = path.resolve(__dirname, "../..");
const packageJson = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const builtLibrary = packageJson.exports["."].default as string;

const copies: string[] = [];

/**
 * A copy of the project's files that steer the host (node_modules linked, not copied), optionally with the
 * component library built and optionally without Pulumi.yaml's `main`.
 */
function projectCopy(options: { built: boolean; withoutMain?: boolean }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entry-point-"));
  copies.push(dir);
  for (const file of ["package.json", "tsconfig.json", "index.ts"]) fs.copyFileSync(path.join(root, file), path.join(dir, file));
  const project = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
  if (options.withoutMain) delete project.main;
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringifyYaml(project));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  if (options.built) {
    // What `npm run build` writes there; the host only asks whether it exists.
    fs.mkdirSync(path.dirname(path.join(dir, builtLibrary)), { recursive: true });
    fs.writeFileSync(path.join(dir, builtLibrary), "module.exports = {};\n");
  }
  return dir;
}

/** Stack config as the Pulumi CLI hands it to the program: strings as written, anything else as JSON. */
function cliConfig(stack: string): Record<string, string> {
  const config = readStackConfig(stackFilePath(root, stack));
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

afterEach(() => {
  for (const dir of copies.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the program the Pulumi Node.js host runs", () => {
  it("is index.ts before the component library is built", async () => {
    const dir = projectCopy({ built: false });
    expect((await runUnderNodeHost(dir)).program).toBe(path.join(fs.realpathSync(dir), "index.ts"));
  });

  it("is still index.ts once bin/ holds the built component library", async () => {
    const dir = projectCopy({ built: true });
    expect((await runUnderNodeHost(dir)).program).toBe(path.join(fs.realpathSync(dir), "index.ts"));
  });

  it("would be the component library, which declares nothing, if Pulumi.yaml named no main", async () => {
    const dir = projectCopy({ built: true, withoutMain: true });
    expect((await runUnderNodeHost(dir)).program).toBe(path.join(fs.realpathSync(dir), builtLibrary));
  });

  it("compiles under the host's ts-node with tsconfig.json and declares the dev stack's resources", async () => {
    const result = await runUnderNodeHost(root, { load: true, stack: "dev", config: cliConfig("dev") });
    expect(result.program).toBe(path.join(fs.realpathSync(root), "index.ts"));
    expect(result.registered).toContain("nats-jetstream:index:JetStreamCluster");
    expect(result.registered).toContain("kubernetes:apps/v1:StatefulSet");
  });
});

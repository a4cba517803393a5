/** `npm run render` refuses a stack the schema refuses: exit code 2, the path named, nothing written. */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const projectDir = path.resolve(__dirname, "../..");

describe("npm run render on a stack with a misspelt key", () => {
  it("exits 2 naming the path and the key meant, and writes nothing", async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "render-schema-"));
    fs.mkdirSync(path.join(project, "stacks"));
    const small = fs.readFileSync(path.join(projectDir, "stacks", "Pulumi.small.yaml"), "utf8");
    fs.writeFileSync(path.join(project, "stacks", "Pulumi.typo.yaml"), small.replace("    tier: small\n", "    tier: small\n    sever: 3\n"));
    const out = path.join(project, "out");
    const failure = await run("npm", ["run", "--silent", "render", "--", "typo", "--out", out], {
      cwd: projectDir,
      env: { ...process.env, NATS_JETSTREAM_PROJECT_DIR: project },
      timeout: 120_000,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain("cluster.sever: unknown key; did you mean servers?");
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(project)).toEqual(["stacks"]);
  }, 120_000);
});

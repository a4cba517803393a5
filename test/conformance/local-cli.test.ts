/**
 * `npm run local`: the smoke run of the dev stack through its own creds, operator mode refusing a connection
 * without them, keys kept across runs, the messages for an unknown stack and a broken stack file, a clean
 * shutdown on SIGTERM, and no nats-server left behind by any run.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { connect, credsAuthenticator } from "nats";
import { afterAll, describe, expect, it } from "vitest";
import { listStacks } from "../../components/model";
import { finished, isNatsServer, PROJECT_DIR, projectWith, recordedPids, runNpmLocal, startCli } from "../support/local-cli-run";
import { createdObjects, modelObjects, sortObjects } from "../support/provisioned";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nats-local-cli-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const DEV_STACK = fs.readFileSync(path.join(PROJECT_DIR, "stacks/Pulumi.dev.yaml"), "utf8");

function modeOf(file: string): string {
  return (fs.statSync(file).mode & 0o777).toString(8);
}

/** The creds files a run wrote, by file name, with their text. */
function credsIn(runDir: string): Record<string, string> {
  const dir = path.join(runDir, "creds");
  return Object.fromEntries(fs.readdirSync(dir).map((file) => [file, fs.readFileSync(path.join(dir, file), "utf8")]));
}

describe("npm run local", () => {
  it("npm run local -- dev --smoke passes the smoke check, prints the status table and leaves no server running", { timeout: 60_000 }, async () => {
    const run = await runNpmLocal(["dev", "--smoke"], 50_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("smoke check passed");
    expect(run.stdout).toContain("system user sys: all 1 server(s) answered $SYS.REQ.SERVER.PING");
    expect(run.stdout).toMatch(/api published a job to jobs\.smoke, stored in JOBS as sequence 1; worker pulled it from JOBS\/workers and acked it; nothing is left to deliver again/);
    expect(run.stdout).toMatch(/^app\s+JOBS\s+R1\s+file\s+0\s+-$/m);
    expect(sortObjects(createdObjects(run.stdout))).toEqual(sortObjects(modelObjects(PROJECT_DIR, "dev")));
    expect(run.stdout).toMatch(/^\s+e\.g\. nats --creds \.local\/dev\/creds\/api\.creds --inbox-prefix _INBOX_api -s nats:\/\/127\.0\.0\.1:\d+ pub jobs\.smoke "a job"$/m);
    expect(run.stdout).toMatch(/^server\s+state\s+pid\s+client\s+cluster\s+monitor\s+role$/m);
    expect(run.stdout).toMatch(/^nats-0\s+running\s+\d+\s+\d+/m);
    expect(run.stdout).toMatch(/nats:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toContain("every server stopped");
    const pids = recordedPids(path.join(PROJECT_DIR, ".local", "dev"));
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(isNatsServer)).toEqual([]);
  });

  it("keeps the key material across runs, so creds handed out keep working; keys and creds are owner-only", { timeout: 60_000 }, async () => {
    const project = projectWith(scratch, { dev: DEV_STACK });
    const runDir = path.join(project, ".local", "dev");
    const first = await finished(startCli(["dev", "--smoke"], project), 25_000);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const creds = credsIn(runDir);
    expect(Object.keys(creds).sort()).toEqual(["api.creds", "app-nack.creds", "app.admin.creds", "sys.creds", "worker.creds"]);
    const second = await finished(startCli(["dev", "--smoke"], project), 25_000);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(credsIn(runDir)).toEqual(creds);
    expect(modeOf(path.join(runDir, "keys.json"))).toBe("600");
    expect(modeOf(path.join(runDir, "creds"))).toBe("700");
    for (const file of Object.keys(creds)) expect({ file, mode: modeOf(path.join(runDir, "creds", file)) }).toEqual({ file, mode: "600" });
  });

  it("names the known stacks when asked for one that does not exist", { timeout: 30_000 }, async () => {
    const run = await finished(startCli(["nosuchstack", "--smoke"], PROJECT_DIR), 25_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stack: "nosuchstack" is not allowed');
    for (const stack of listStacks(PROJECT_DIR)) expect(run.stderr).toContain(stack);
  });

  it("fails on a stack file with a bad value with the validation message, not a stack trace", { timeout: 30_000 }, async () => {
    const project = projectWith(scratch, { x: "config:\n  nats-jetstream:cluster:\n    name: nats\n    tier: small\n    servers: 4\n" });
    const run = await finished(startCli(["x", "--smoke"], project), 25_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cluster.servers: 4 is not allowed; a small cluster runs 3 servers");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(project, ".local"))).toBe(false);
  });

  it("says how to install nats-server when it cannot find one", { timeout: 30_000 }, async () => {
    const project = projectWith(scratch, { dev: DEV_STACK });
    const run = await finished(startCli(["dev", "--smoke"], project, { ...process.env, NATS_SERVER_BIN: path.join(project, "no-nats-server") }), 25_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("apt-get install nats-server");
  });

  it("runs in operator mode until SIGTERM, then stops every server in lame duck and leaves none behind", { timeout: 60_000 }, async () => {
    const project = projectWith(scratch, { dev: DEV_STACK });
    const child = startCli(["dev"], project);
    const run = finished(child, 50_000);
    let output = "";
    let running: () => void;
    const ready = new Promise<void>((resolve) => (running = resolve));
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      if (output.includes("running; press Ctrl-C")) running();
    });
    await Promise.race([
      ready,
      run.then((exited) => {
        throw new Error(`the CLI exited (${exited.code}) before it was running:\n${exited.stdout}${exited.stderr}`);
      }),
    ]);
    const url = /connect to cluster nats at (nats:\/\/127\.0\.0\.1:\d+)/.exec(output)![1];
    const withoutCreds = await connect({ servers: url, reconnect: false, timeout: 3_000 }).then(
      async (nc) => {
        await nc.close();
        return "connected";
      },
      (error: Error) => error.message,
    );
    const creds = fs.readFileSync(path.join(project, ".local", "dev", "creds", "api.creds"));
    // The user's acks come only to its own inbox prefix, which the client must set.
    const withCreds = await connect({ servers: url, reconnect: false, timeout: 3_000, authenticator: credsAuthenticator(creds), inboxPrefix: "_INBOX_api" });
    const ack = await withCreds.jetstream().publish("jobs.from-test", "a job");
    await withCreds.close();
    child.kill("SIGTERM");
    const result = await run;
    expect(withoutCreds).toMatch(/Authorization Violation/i);
    expect(ack.stream).toBe("JOBS");
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("SIGTERM received");
    expect(result.stdout).toContain("every server stopped");
    const runDir = path.join(project, ".local", "dev");
    const pids = recordedPids(runDir);
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(isNatsServer)).toEqual([]);
    expect(fs.readFileSync(path.join(runDir, "nats-0", "nats.log"), "utf8")).toContain("Entering lame duck mode");
  });
});

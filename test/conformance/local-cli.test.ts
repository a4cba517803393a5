/**
 * `npm run local`: the smoke run of the dev stack through its own creds, operator mode refusing a connection
 * without them, keys kept across runs, the problems of a broken stack file, a clean shutdown on SIGTERM, and no
 * nats-server left behind by any run. Runs are read through their `--json` events; one run is read as a
 * person reads it, for the shape of its tables.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { connect, credsAuthenticator } from "nats";
import { afterAll, describe, expect, it } from "vitest";
import { eventOf, finished, isNatsServer, PROJECT_DIR, projectWith, recordedPids, runEvents, runNpmLocal, startCli } from "../support/local-cli-run";
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
  it("npm run local -- dev --smoke --json passes the smoke check, reports the running server and the stack's objects, and leaves no server running", { timeout: 60_000 }, async () => {
    const run = await runNpmLocal(["dev", "--smoke", "--json"], 50_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const events = runEvents(run.stdout);
    expect(events.map((event) => event.event)).toEqual(["ready", "stopped"]);
    const ready = eventOf(events, "ready");
    expect(ready).toMatchObject({ stack: "dev", topology: "cluster", jetStreamHome: "nats", runDir: path.join(PROJECT_DIR, ".local", "dev") });
    expect(ready.checks).toEqual([
      { check: "system", outcome: "passed", scope: "nats", user: "sys", answered: ["nats-0"] },
      { check: "job", outcome: "passed", scope: "nats", publisher: "api", subject: "jobs.smoke", stream: "JOBS", sequence: 1, worker: "worker", consumer: "workers" },
    ]);
    expect(sortObjects(createdObjects(ready.provisioned))).toEqual(sortObjects(modelObjects(PROJECT_DIR, "dev")));
    expect(ready.provisioned.find((object) => object.kind === "stream")).toMatchObject({ name: "JOBS", replicas: 1, retention: "workqueue", storage: "file" });
    const [cluster] = ready.clusters;
    expect(ready.clusters).toHaveLength(1);
    expect(cluster).toMatchObject({ cluster: "nats", tier: "dev", operatorMode: true, clientUrls: [expect.stringMatching(/^nats:\/\/127\.0\.0\.1:\d+$/)] });
    expect(cluster.servers).toEqual([{ name: "nats-0", pid: expect.any(Number), running: true, client: expect.any(Number), cluster: expect.any(Number), monitor: expect.any(Number), health: "ok" }]);
    expect(cluster.clientUrls).toEqual([`nats://127.0.0.1:${cluster.servers[0].client}`]);
    expect(cluster.monitorUrls).toEqual([`http://127.0.0.1:${cluster.servers[0].monitor}/`]);
    expect(cluster.streams).toEqual([{ account: "app", name: "JOBS", replicas: 1, storage: "file", messages: 0 }]);
    const api = ready.creds.find((creds) => creds.user === "api");
    expect(api).toEqual({ user: "api", account: "app", file: path.join(PROJECT_DIR, ".local/dev/creds/api.creds"), localOnly: false, inboxPrefix: "_INBOX_api" });
    expect(ready.examples[0]).toEqual({ user: "api", command: 'pub jobs.smoke "a job"', urls: cluster.clientUrls });
    expect(eventOf(events, "stopped").servers).toEqual(["nats-0"]);
    const pids = recordedPids(path.join(PROJECT_DIR, ".local", "dev"));
    expect(pids).toEqual([cluster.servers[0].pid]);
    expect(pids.filter(isNatsServer)).toEqual([]);
  });

  it("keeps the key material across runs, so creds handed out keep working; keys and creds are owner-only; without --json it prints tables", { timeout: 60_000 }, async () => {
    const project = projectWith(scratch, { dev: DEV_STACK });
    const runDir = path.join(project, ".local", "dev");
    const first = await finished(startCli(["dev", "--smoke", "--json"], project), 25_000);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const creds = credsIn(runDir);
    expect(Object.keys(creds).sort()).toEqual(eventOf(runEvents(first.stdout), "ready").creds.map((entry) => path.basename(entry.file)).sort());
    expect(Object.keys(creds).sort()).toEqual(["api.creds", "app-nack.creds", "app.admin.creds", "sys.creds", "worker.creds"]);
    const second = await finished(startCli(["dev", "--smoke"], project), 25_000);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(credsIn(runDir)).toEqual(creds);
    expect(modeOf(path.join(runDir, "keys.json"))).toBe("600");
    expect(modeOf(path.join(runDir, "creds"))).toBe("700");
    for (const file of Object.keys(creds)) expect({ file, mode: modeOf(path.join(runDir, "creds", file)) }).toEqual({ file, mode: "600" });
    // Read as a person reads it: the server table's header and a row for the one server, no JSON.
    const lines = second.stdout.split("\n");
    expect(lines.filter((line) => line.split(/\s+/).join(" ") === "server state pid client cluster monitor role health")).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("nats-0 "))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("{"))).toEqual([]);
  });

  it("refuses a stack file with a bad value: exit code 2, the problem's path and value, nothing started", { timeout: 30_000 }, async () => {
    const project = projectWith(scratch, { x: "config:\n  nats-jetstream:cluster:\n    name: nats\n    tier: small\n    servers: 4\n" });
    const run = await finished(startCli(["x", "--smoke", "--json"], project), 25_000);
    expect(run.code).toBe(2);
    expect(runEvents(run.stdout)).toEqual([{ event: "refused", stack: "x", problems: [{ path: "cluster.servers", value: 4, allowed: expect.any(String) }] }]);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(project, ".local"))).toBe(false);
  });

  it("fails without a nats-server, naming the package that installs one", { timeout: 30_000 }, async () => {
    const project = projectWith(scratch, { dev: DEV_STACK });
    const run = await finished(startCli(["dev", "--smoke", "--json"], project, { ...process.env, NATS_SERVER_BIN: path.join(project, "no-nats-server") }), 25_000);
    expect(run.code).toBe(1);
    const failed = eventOf(runEvents(run.stdout), "failed");
    expect(failed.checks).toEqual([]);
    expect(failed.error).toContain("apt-get install nats-server");
  });

  it("runs in operator mode until SIGTERM, then stops every server in lame duck and leaves none behind", { timeout: 60_000 }, async () => {
    const project = projectWith(scratch, { dev: DEV_STACK });
    const child = startCli(["dev", "--json"], project);
    const run = finished(child, 50_000);
    let output = "";
    let running: (line: string) => void;
    const ready = new Promise<string>((resolve) => (running = resolve));
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const line = output.split("\n").find((candidate) => candidate.startsWith('{"event":"ready"'));
      if (line !== undefined) running(line);
    });
    const summary = eventOf(
      runEvents(
        await Promise.race([
          ready,
          run.then((exited): string => {
            throw new Error(`the CLI exited (${exited.code}) before it was running:\n${exited.stdout}${exited.stderr}`);
          }),
        ]),
      ),
      "ready",
    );
    const [url] = summary.clusters[0].clientUrls;
    const withoutCreds = await connect({ servers: url, reconnect: false, timeout: 3_000 }).then(
      async (nc) => {
        await nc.close();
        return "connected";
      },
      (error: Error) => error.message,
    );
    const api = summary.creds.find((creds) => creds.user === "api")!;
    // The user's acks come only to its own inbox prefix, which the client must set.
    const withCreds = await connect({ servers: url, reconnect: false, timeout: 3_000, authenticator: credsAuthenticator(fs.readFileSync(api.file)), inboxPrefix: api.inboxPrefix });
    const ack = await withCreds.jetstream().publish("jobs.from-test", "a job");
    await withCreds.close();
    child.kill("SIGTERM");
    const result = await run;
    expect(withoutCreds).toMatch(/Authorization Violation/i);
    expect(ack.stream).toBe("JOBS");
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const events = runEvents(result.stdout);
    expect(events.map((event) => event.event)).toEqual(["ready", "interrupted", "stopped"]);
    expect(eventOf(events, "interrupted")).toEqual({ event: "interrupted", signal: "SIGTERM", phase: "running" });
    expect(eventOf(events, "stopped").servers).toEqual(["nats-0"]);
    const runDir = path.join(project, ".local", "dev");
    const pids = recordedPids(runDir);
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(isNatsServer)).toEqual([]);
    expect(fs.readFileSync(path.join(runDir, "nats-0", "nats.log"), "utf8")).toContain("Entering lame duck mode");
  });
});

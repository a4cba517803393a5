/**
 * What the config reloader's signal does on real nats-server, against what `npm run diff` promises for it
 * (cli/diff/reloadable-settings.ts): one server runs with the config the model renders; the config file is
 * rewritten one step at a time and the server signalled (SIGHUP, as the reloader does), and /varz shows which
 * change the server applied. A reloadable setting applies; a refused one leaves the whole old config running,
 * the reloadable change written with it included.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfText } from "../../cli/diff/conf-text";
import { refusedReloads } from "../../cli/diff/reloadable-settings";
import { allocatePorts } from "../../components/local";
import { localPlacements } from "../../components/local/local-placement";
import { validateCluster } from "../../components/model/cluster";
import { ConfBlock, renderConf } from "../../components/model/conf";
import { renderServer } from "../../components/model/server-config";
import { sleep } from "../support/nats-client";
import { installedServer } from "../support/nats-cluster";

/** The /varz fields the steps read. */
interface Varz {
  server_name: string;
  max_payload: number;
  max_connections: number;
  jetstream?: { config?: { store_dir?: string } };
}

describe("the config reloader's signal on real nats-server", () => {
  const cluster = validateCluster({ name: "reload", tier: "dev" });
  let runDir: string;
  let confFile: string;
  let monitorUrl: string;
  let child: ChildProcess;
  let log = "";
  /** The config the server runs, as read back from the file it last accepted. */
  let current: ConfBlock;

  async function varz(): Promise<Varz> {
    return (await (await fetch(`${monitorUrl}/varz`, { signal: AbortSignal.timeout(1_000) })).json()) as Varz;
  }

  async function waitForLog(pattern: RegExp, from: number): Promise<string> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(25)) {
      const match = pattern.exec(log.slice(from));
      if (match) return match[0];
      if (child.exitCode !== null) break;
    }
    throw new Error(`nats-server did not log ${pattern}:\n${log}`);
  }

  /** Writes `next` as the config file, signals a reload and returns the log line that answers it. */
  async function signalWith(next: ConfBlock): Promise<{ refused: string[]; answer: string }> {
    const text = renderConf(next);
    const refused = refusedReloads(current, readConfText(text));
    fs.writeFileSync(confFile, text);
    const mark = log.length;
    child.kill("SIGHUP");
    const answer = await waitForLog(/Reloaded server configuration|config reload not supported for [^\n]*/, mark);
    // A refused reload leaves the old config running: the file goes back to it, so the next step changes one thing.
    if (answer.startsWith("Reloaded")) current = readConfText(text);
    else fs.writeFileSync(confFile, renderConf(current));
    return { refused, answer };
  }

  beforeAll(async () => {
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-reload-"));
    const binary = installedServer();
    const [placement] = localPlacements(cluster, await allocatePorts(1), runDir);
    fs.mkdirSync(path.dirname(placement.pidFile), { recursive: true });
    const text = renderServer(cluster, placement, { targetVersion: binary.version }).text;
    confFile = path.join(runDir, "nats.conf");
    fs.writeFileSync(confFile, text);
    current = readConfText(text);
    monitorUrl = `http://127.0.0.1:${placement.ports.monitor}`;
    child = spawn(binary.path, ["-c", confFile], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr!.on("data", (chunk) => (log += chunk));
    await waitForLog(/Server is ready/, 0);
  }, 20_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it("applies a reloadable setting live, as the diff says", async () => {
    const before = await varz();
    const { refused, answer } = await signalWith({ ...current, max_payload: before.max_payload / 2 });
    expect(refused).toEqual([]);
    expect(answer).toBe("Reloaded server configuration");
    expect((await varz()).max_payload).toBe(before.max_payload / 2);
  });

  it("refuses server_name, keeping the whole old config, as the diff says", async () => {
    const before = await varz();
    const { refused, answer } = await signalWith({ ...current, server_name: `${before.server_name}-renamed`, max_connections: before.max_connections - 1 });
    expect(refused).toEqual(["server_name"]);
    expect(answer).toMatch(/^config reload not supported for ServerName/);
    const after = await varz();
    expect(after).toMatchObject({ server_name: before.server_name, max_connections: before.max_connections });
  });

  it("refuses a nested setting, the JetStream store directory, as the diff says", async () => {
    const before = await varz();
    const jetstream = current.jetstream as ConfBlock;
    const { refused, answer } = await signalWith({ ...current, jetstream: { ...jetstream, store_dir: `${String(jetstream.store_dir)}-moved` } });
    expect(refused).toEqual(["jetstream.store_dir"]);
    expect(answer).toMatch(/^config reload not supported for jetstream storage directory/);
    expect((await varz()).jetstream?.config?.store_dir).toBe(before.jetstream?.config?.store_dir);
  });
});

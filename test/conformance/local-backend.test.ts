/** The local back end's own parts: finding nats-server, ports, extra config sections, failures, leftovers. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import {
  allocatePorts,
  findLeftoverServers,
  findServerBinary,
  launchCluster,
  prepareRunDir,
  ServerBinaryNotFoundError,
  ServerExitedError,
  startCluster,
} from "../../components/local";
import { validateCluster } from "../../components/model";
import { waitFor } from "../support/nats-client";
import { installedServer } from "../support/nats-cluster";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nats-local-backend-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function isRunning(pid: number): boolean {
  return fs.existsSync(`/proc/${pid}/cmdline`) && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("nats-server");
}

describe("finding nats-server", () => {
  it("reads the installed version", () => {
    const binary = installedServer();
    expect(binary.version.major).toBe(2);
    expect(fs.existsSync(binary.path)).toBe(true);
  });

  it("says how to install one when none is on PATH", () => {
    expect(() => findServerBinary({ PATH: scratch })).toThrow(ServerBinaryNotFoundError);
    expect(() => findServerBinary({ PATH: scratch })).toThrow(/apt-get install nats-server.*NATS_SERVER_BIN/);
  });

  it("refuses a NATS_SERVER_BIN that is not an executable", () => {
    expect(() => findServerBinary({ NATS_SERVER_BIN: path.join(scratch, "missing") })).toThrow(/NATS_SERVER_BIN is .*missing, which is not an executable file/);
  });

  it("takes NATS_SERVER_BIN over PATH", () => {
    expect(findServerBinary({ NATS_SERVER_BIN: installedServer().path, PATH: "" }).path).toBe(installedServer().path);
  });
});

describe("ports", () => {
  it("never hands out a port twice, within a set or across sets", async () => {
    const sets = [...(await allocatePorts(5)), ...(await allocatePorts(3))];
    const all = sets.flatMap((ports) => Object.values(ports));
    expect(all).toHaveLength(8 * 6);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("starting and stopping local clusters", () => {
  it("merges each server's extra config sections into its nats.conf", { timeout: 30_000 }, async () => {
    const runDir = fs.mkdtempSync(path.join(scratch, "extra-"));
    const cluster = validateCluster({ name: "extra", tier: "dev", servers: 3 });
    const local = await startCluster(cluster, {
      runDir,
      binary: installedServer(),
      extraSections: (index) => [{ max_control_line: 4096 + index }],
    });
    try {
      for (const server of local.servers) {
        expect(fs.readFileSync(server.files.configFile, "utf8")).toContain(`max_control_line: ${4096 + server.index}`);
        const varz = (await (await fetch(`http://127.0.0.1:${server.ports.monitor}/varz`)).json()) as { max_control_line: number };
        expect(varz.max_control_line).toBe(4096 + server.index);
      }
    } finally {
      await local.stop();
    }
  });

  it("reports a server that exits while starting with its log, and leaves nothing running", { timeout: 30_000 }, async () => {
    const runDir = fs.mkdtempSync(path.join(scratch, "broken-"));
    const cluster = validateCluster({ name: "broken", tier: "dev" });
    const failure = await startCluster(cluster, { runDir, binary: installedServer(), extraSections: () => [{ no_such_option: true }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServerExitedError);
    expect((failure as ServerExitedError).message).toMatch(/broken-0 exited while starting[\s\S]*unknown field "no_such_option"/);
    expect(findLeftoverServers(runDir)).toEqual([]);
  });

  it("stops the servers a previous run left behind before wiping its directory, all but what it is told to keep", { timeout: 30_000 }, async () => {
    const runDir = fs.mkdtempSync(path.join(scratch, "leftover-"));
    const cluster = validateCluster({ name: "leftover", tier: "dev" });
    const abandoned = launchCluster(cluster, { runDir, binary: installedServer(), ports: await allocatePorts(1) });
    await abandoned.waitUntilReady();
    const pid = abandoned.servers[0].pid!;
    expect(findLeftoverServers(runDir)).toEqual([pid]);
    fs.writeFileSync(path.join(runDir, "keys.json"), "{}\n");
    await prepareRunDir(runDir, ["keys.json"]);
    await waitFor("the leftover server to exit", 5_000, async () => (isRunning(pid) ? undefined : true));
    expect(fs.readdirSync(runDir)).toEqual(["keys.json"]);
  });
});

describe("the process guard", () => {
  it("kills the servers of a program that is terminated without stopping them", { timeout: 30_000 }, async () => {
    const runDir = fs.mkdtempSync(path.join(scratch, "guarded-"));
    const script = path.join(scratch, "start-and-wait.ts");
    const localModule = path.resolve(__dirname, "../../components/local");
    const modelModule = path.resolve(__dirname, "../../components/model");
    fs.writeFileSync(
      script,
      [
        `import { findServerBinary, startCluster } from ${JSON.stringify(localModule)};`,
        `import { validateCluster } from ${JSON.stringify(modelModule)};`,
        `startCluster(validateCluster({ name: "guarded", tier: "dev", servers: 3 }), { runDir: ${JSON.stringify(runDir)}, binary: findServerBinary() })`,
        `  .then(() => { console.log("ready"); setInterval(() => undefined, 1000); });`,
      ].join("\n"),
    );
    const loader = path.resolve(__dirname, "../../node_modules/tsx/dist/loader.mjs");
    const child = spawn(process.execPath, ["--import", `file://${loader}`, script], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await waitFor("the program to start its cluster", 20_000, async () => (findLeftoverServers(runDir).length === 3 ? true : undefined));
    const pids = findLeftoverServers(runDir);
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    await waitFor("the servers to be gone", 5_000, async () => (pids.some(isRunning) ? undefined : true));
  });
});

/**
 * The local back end's files are owner-only whatever the umask: under umask 0, a run of the dev stack and a
 * topology launch leave no directory or file (configs, logs, pid lists, keys, creds, and the stores that
 * nats-server itself writes) that group or others may read or enter.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocatePorts } from "../../components/local";
import { localPlacements } from "../../components/local/local-placement";
import { validateCluster } from "../../components/model";
import { finished, PROJECT_DIR, projectWith, startCli } from "../support/local-cli-run";
import { connectToCluster } from "../support/nats-client";
import { openToOthers, pathsUnder } from "../support/owner-only";
import { launchTopology } from "../support/topology-launch";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nats-owner-only-"));
const DEV_STACK = fs.readFileSync(path.join(PROJECT_DIR, "stacks/Pulumi.dev.yaml"), "utf8");

describe("local files under umask 0", () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0);
  });
  afterAll(() => {
    process.umask(umask);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("npm run local -- dev --smoke leaves every directory and file of its run owner-only, the server's store included", { timeout: 60_000 }, async () => {
    const project = projectWith(scratch, { dev: DEV_STACK });
    const run = await finished(startCli(["dev", "--smoke"], project), 50_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const local = path.join(project, ".local");
    expect(pathsUnder(local)).toEqual(
      expect.arrayContaining([
        ".local/",
        ".local/dev/",
        ".local/dev/keys.json",
        ".local/dev/creds/",
        ".local/dev/creds/api.creds",
        ".local/dev/nats-0/nats.conf",
        ".local/dev/nats-0/nats.log",
        ".local/dev/nats-0/pids",
        ".local/dev/nats-0/jetstream/",
        expect.stringMatching(/^\.local\/dev\/nats-0\/jetstream\/.+\/streams\/JOBS\/meta\.inf$/),
      ]),
    );
    expect(openToOthers(local)).toEqual([]);
  });

  it("a launched topology makes server directories that already existed owner-only, and nats-server writes its store owner-only", { timeout: 60_000 }, async () => {
    const cluster = validateCluster({ name: "owner", tier: "dev" });
    const runDir = fs.mkdtempSync(path.join(scratch, "topology-"));
    const placements = localPlacements(cluster, await allocatePorts(cluster.servers), runDir);
    for (const placement of placements) fs.mkdirSync(path.dirname(placement.storeDir), { mode: 0o755 });
    const running = await launchTopology([{ cluster, servers: placements.map((placement, ordinal) => ({ ordinal, placement, sections: [] })) }], runDir);
    try {
      const nc = await connectToCluster(running.cluster("owner"));
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: "PRIVATE", subjects: ["private.>"] });
      await nc.jetstream().publish("private.note", "for the owner only");
      await jsm.consumers.add("PRIVATE", { durable_name: "reader" });
      await nc.close();
      await running.cluster("owner").stop();
      const files = pathsUnder(runDir);
      expect(files.filter((file) => /\/streams\/PRIVATE\/(msgs\/1\.blk|obs\/reader\/o\.dat)$/.test(file))).toHaveLength(2);
      expect(openToOthers(runDir)).toEqual([]);
    } finally {
      await running.stop();
    }
  });
});

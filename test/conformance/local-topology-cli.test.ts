/**
 * `npm run local` on the stacks of several clusters: the supercluster and hub-leaf stacks start their real
 * topology in operator mode, pass the smoke check through the stack's own creds, print a table per cluster with
 * the gateway or leaf links, and leave no nats-server behind. Leaf sites run in operator mode too, their clients
 * with creds of their local account, and reach the hub's JetStream only for the stream they name.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { finished, isNatsServer, PROJECT_DIR, projectWith, recordedPids, runNpmLocal, startCli } from "../support/local-cli-run";
import { createdObjects, modelObjects, sortObjects } from "../support/provisioned";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nats-local-topology-cli-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const RUN_TIMEOUT_MS = 50_000;

function expectNoServerLeft(runDir: string, servers: number): void {
  const pids = recordedPids(runDir);
  expect(pids).toHaveLength(servers);
  expect(pids.filter(isNatsServer)).toEqual([]);
}

/** The stream rows (`account stream replicas storage messages leader`) of one cluster's status table. */
function streamRows(stdout: string, cluster: string): string[][] {
  const block = stdout.split(/^(?=cluster \S+ \()/m).find((part) => part.startsWith(`cluster ${cluster} (`)) ?? "";
  const table = block.split(/^account\s+stream\s+replicas.*$/m)[1] ?? "";
  return table
    .split("\n\n")[0]
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.trim().split(/\s+/));
}

/** The server table rows of the output, by server name. */
function serverRows(stdout: string): string[] {
  return [...stdout.matchAll(/^(\S+)\s+running\s+\d+\s+\d+/gm)].map((match) => match[1]);
}

describe("npm run local on a supercluster and a hub with leaf sites", () => {
  it("npm run local -- supercluster --smoke forms one meta group over three regions, places the stack's streams by member and passes the smoke check", { timeout: 60_000 }, async () => {
    const run = await runNpmLocal(["supercluster", "--smoke"], RUN_TIMEOUT_MS);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const { stdout } = run;
    expect(stdout).toMatch(/one JetStream meta group of 9 servers across us-east, eu-west, ap-south, leader (us-east|eu-west|ap-south)-\d/);
    expect(stdout).toContain("[us-east, eu-west, ap-south] system user sys: all 9 server(s) answered $SYS.REQ.SERVER.PING");
    expect(stdout).toMatch(/\[gateways\] orders-api published orders\.smoke in us-east; orders-audit received it in eu-west and ap-south across the gateways/);
    expect(stdout).toContain(
      "[placement] orders.admin in us-east created R3 stream SMOKE_PLACEMENT with placement tag cluster:ap-south: placed in ap-south on ap-south-0, ap-south-1, ap-south-2; deleted",
    );
    for (const cluster of ["us-east", "eu-west", "ap-south"]) {
      expect(stdout).toMatch(new RegExp(`^cluster ${cluster} \\(small tier, nats-server [\\d.]+\\), meta leader \\S+$`, "m"));
    }
    expect(serverRows(stdout).sort()).toEqual(["ap-south-0", "ap-south-1", "ap-south-2", "eu-west-0", "eu-west-1", "eu-west-2", "us-east-0", "us-east-1", "us-east-2"]);
    expect(stdout.match(/^\S+\s+running\s+.*meta leader$/gm)).toHaveLength(1);
    expect(stdout).toMatch(/^gateway us-east -> eu-west \(3\/3 servers\), ap-south \(3\/3 servers\)$/m);
    expect(stdout).toMatch(/^gateway eu-west -> us-east \(3\/3 servers\), ap-south \(3\/3 servers\)$/m);
    expect(stdout).toMatch(/^gateway ap-south -> us-east \(3\/3 servers\), eu-west \(3\/3 servers\)$/m);
    expect(stdout).toMatch(/nats --creds \.local\/supercluster\/creds\/orders-audit\.creds --inbox-prefix _INBOX_orders-audit -s (nats:\/\/127\.0\.0\.1:\d+,?){3} sub orders\.smoke$/m);
    expect(stdout).toContain("smoke check passed");
    expect(stdout).toContain("every server stopped");
    expectNoServerLeft(path.join(PROJECT_DIR, ".local", "supercluster"), 9);
    // Exactly the model's streams and buckets, each in the member it names.
    expect(sortObjects(createdObjects(stdout))).toEqual(sortObjects(modelObjects(PROJECT_DIR, "supercluster")));
    // One meta group: every member lists every stream, and the leader shows the member its replicas are in.
    const rows = streamRows(stdout, "eu-west");
    expect(rows.find((row) => row[1] === "ORDERS")).toEqual(["orders", "ORDERS", "R3", "file", expect.any(String), expect.stringMatching(/^eu-west-\d$/)]);
    expect(rows.find((row) => row[1] === "KV_order-status")?.[5]).toMatch(/^us-east-\d$/);
  });

  it("npm run local -- hub-leaf --smoke links both sites, carries only what each leaf user allows, refuses hub stream management from a site and creates the branch's stream there", { timeout: 60_000 }, async () => {
    const run = await runNpmLocal(["hub-leaf", "--smoke"], RUN_TIMEOUT_MS);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const { stdout } = run;
    expect(stdout).toContain("[hub] system user sys: all 3 server(s) answered $SYS.REQ.SERVER.PING");
    for (const site of ["factory", "branch"]) {
      expect(stdout).toContain(`[${site}] system user sys: all 1 server(s) answered $SYS.REQ.SERVER.PING`);
      expect(stdout).toMatch(new RegExp(`\\[${site}\\] ${site}-app on ${site} published ${site}\\.smoke; hub-app received it on hub`));
      expect(stdout).toMatch(new RegExp(`\\[${site}\\] hub-app published hub\\.${site}\\.smoke on hub; ${site}-app on ${site} received it`));
      expect(stdout).toMatch(
        new RegExp(
          `\\[${site}\\] ${site}-app on ${site} stored ${site}\\.events\\.smoke in hub stream ${site.toUpperCase()}_EVENTS through JetStream domain hub \\(ack from domain hub, sequence \\d+\\); ` +
            `STREAM\\.DELETE, STREAM\\.PURGE, STREAM\\.CREATE from ${site} got no answer; smoke message removed`,
        ),
      );
      expect(stdout).toMatch(new RegExp(`^leaf link ${site}-0 \\(site ${site}\\) -> hub-\\d, bound on the hub to account edge$`, "m"));
      expect(stdout).toMatch(new RegExp(`^cluster ${site} \\(dev tier, nats-server [\\d.]+\\), JetStream on a single server$`, "m"));
      expect(stdout).toMatch(new RegExp(`^connect to cluster ${site} at nats://127\\.0\\.0\\.1:\\d+ with a user's creds; a connection without creds is refused$`, "m"));
    }
    expect(stdout).toMatch(/^cluster hub \(small tier, nats-server [\d.]+\), meta leader hub-\d$/m);
    expect(stdout).toMatch(/^connect to cluster hub at (nats:\/\/127\.0\.0\.1:\d+,?){3} with a user's creds; a connection without creds is refused$/m);
    expect(serverRows(stdout).sort()).toEqual(["branch-0", "factory-0", "hub-0", "hub-1", "hub-2"]);
    expect(stdout).toMatch(/^\s+nats --creds \S+\/factory-app\.creds .*-s nats:\/\/127\.0\.0\.1:\d+ pub factory\.smoke "from factory"$/m);
    expect(sortObjects(createdObjects(stdout))).toEqual(sortObjects(modelObjects(PROJECT_DIR, "hub-leaf")));
    // The branch's stream is in the branch's own JetStream domain, not the hub's.
    expect(streamRows(stdout, "branch").map((row) => row.slice(0, 3))).toEqual([["edge", "READINGS", "R1"]]);
    expect(streamRows(stdout, "hub").map((row) => row[1])).toEqual(["BRANCH_EVENTS", "FACTORY_EVENTS"]);
    expect(stdout).toContain("smoke check passed");
    expect(stdout).toContain("every server stopped");
    expectNoServerLeft(path.join(PROJECT_DIR, ".local", "hub-leaf"), 5);
  });

  it("runs a site that names another local account in operator mode, its clients with that account's creds", { timeout: 60_000 }, async () => {
    const hubLeaf = fs
      .readFileSync(path.join(PROJECT_DIR, "stacks/Pulumi.hub-leaf.yaml"), "utf8")
      .replace("        clients: [factory-app]\n", "        localAccount: plant\n")
      .replace(
        "  nats-jetstream:accounts:\n",
        [
          "  nats-jetstream:accounts:",
          "    - name: plant",
          '      subjects: ["factory.>", "hub.factory.>"]',
          "      limits:",
          "        jetstream: { memStorage: 64Mi, diskStorage: 256Mi }",
          "      users:",
          "        - name: plant-app",
          "          permissions:",
          '            publish: ["factory.>", "$JS.hub.API.STREAM.INFO.FACTORY_EVENTS"]',
          '            subscribe: ["hub.factory.>"]',
          "",
        ].join("\n"),
      );
    const project = projectWith(scratch, { "hub-leaf": hubLeaf });
    const run = await finished(startCli(["hub-leaf", "--smoke"], project), RUN_TIMEOUT_MS);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const { stdout } = run;
    expect(stdout).toContain("[factory] system user sys: all 1 server(s) answered $SYS.REQ.SERVER.PING");
    expect(stdout).toMatch(/\[factory\] plant-app on factory published factory\.smoke; hub-app received it on hub/);
    expect(stdout).toMatch(/\[factory\] hub-app published hub\.factory\.smoke on hub; plant-app on factory received it/);
    expect(stdout).toMatch(/\[factory\] plant-app on factory stored factory\.events\.smoke in hub stream FACTORY_EVENTS through JetStream domain hub/);
    expect(stdout).toMatch(/^connect to cluster factory at nats:\/\/127\.0\.0\.1:\d+ with a user's creds; a connection without creds is refused$/m);
    expect(stdout).toMatch(/^connect to cluster branch at nats:\/\/127\.0\.0\.1:\d+ with a user's creds/m);
    expect(stdout).toMatch(/^leaf link factory-0 \(site factory\) -> hub-\d, bound on the hub to account edge$/m);
    const siteConf = fs.readFileSync(path.join(project, ".local", "hub-leaf", "factory-0", "nats.conf"), "utf8");
    expect(siteConf).toMatch(/^operator: /m);
    const plantKey = /remotes: \[\s*\{\s*account: "(A[A-Z2-7]{55})"/.exec(siteConf)?.[1];
    expect(plantKey).toBeDefined();
    // The hub trusts SYS, plant and edge; the factory only SYS and its own plant, so edge's creds open nothing there.
    const preloaded = (conf: string) => [...conf.matchAll(/^\s+"?(A[A-Z2-7]{55})"?: "/gm)].map((match) => match[1]).sort();
    const hubConf = fs.readFileSync(path.join(project, ".local", "hub-leaf", "hub-0", "nats.conf"), "utf8");
    expect(preloaded(hubConf)).toHaveLength(3);
    expect(preloaded(siteConf)).toHaveLength(2);
    expect(preloaded(siteConf)).toContain(plantKey);
    expect(preloaded(hubConf)).toEqual(expect.arrayContaining(preloaded(siteConf)));
    expectNoServerLeft(path.join(project, ".local", "hub-leaf"), 5);
  });
});

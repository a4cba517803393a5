/**
 * `npm run local` on the stacks of several clusters: the supercluster and hub-leaf stacks start their real
 * topology in operator mode, pass the smoke check through the stack's own creds, print a table per cluster with
 * the gateway or leaf links, and leave no nats-server behind. Leaf sites run in operator mode too, their clients
 * with creds of their local account, and reach the hub's JetStream only for the stream they name. Each run is
 * read through its `--json` events.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { RunEvent } from "../../cli/local/run-output";
import { PassedCheck, SmokeCheckResult } from "../../components/local";
import { eventOf, finished, isNatsServer, PROJECT_DIR, projectWith, recordedPids, runEvents, runNpmLocal, startCli } from "../support/local-cli-run";
import { createdObjects, modelObjects, sortObjects } from "../support/provisioned";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nats-local-topology-cli-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const RUN_TIMEOUT_MS = 50_000;

function expectNoServerLeft(runDir: string, servers: number): void {
  const pids = recordedPids(runDir);
  expect(pids).toHaveLength(servers);
  expect(pids.filter(isNatsServer)).toEqual([]);
}

/** A passing run's summary, after checking that it stopped every server it started. */
function readySummary(run: { code: number | null; stdout: string; stderr: string }): Extract<RunEvent, { event: "ready" }> {
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const events = runEvents(run.stdout);
  expect(events.map((event) => event.event)).toEqual(["ready", "stopped"]);
  const ready = eventOf(events, "ready");
  expect(eventOf(events, "stopped").servers.sort()).toEqual(ready.clusters.flatMap((cluster) => cluster.servers.map((server) => server.name)).sort());
  return ready;
}

/** The one check of `name` about `scope`. */
function checkOf(checks: readonly SmokeCheckResult[], name: SmokeCheckResult["check"], scope: string): SmokeCheckResult {
  const found = checks.filter((check) => check.check === name && check.scope === scope);
  expect(found, `${name} [${scope}]`).toHaveLength(1);
  return found[0];
}

/** Every check's name, outcome and scope, in the order made. */
function outcomes(checks: readonly SmokeCheckResult[]): string[] {
  return checks.map((check) => `${check.scope}: ${check.check} ${check.outcome}`);
}

describe("npm run local on a supercluster and a hub with leaf sites", () => {
  it("npm run local -- supercluster --smoke forms one meta group over three regions, places the stack's streams by member and passes the smoke check", { timeout: 60_000 }, async () => {
    const ready = readySummary(await runNpmLocal(["supercluster", "--smoke", "--json"], RUN_TIMEOUT_MS));
    const regions = ["us-east", "eu-west", "ap-south"];
    const servers = regions.flatMap((region) => [0, 1, 2].map((ordinal) => `${region}-${ordinal}`)).sort();
    expect(outcomes(ready.checks)).toEqual([`${regions.join(", ")}: system passed`, "us-east: job skipped", "gateways: gateways passed", "placement: placement passed"]);
    expect((checkOf(ready.checks, "system", regions.join(", ")) as PassedCheck & { check: "system" }).answered.sort()).toEqual(servers);
    expect(checkOf(ready.checks, "gateways", "gateways")).toMatchObject({ publisher: "orders-api", subject: "orders.smoke", from: "us-east", subscriber: "orders-audit", receivedIn: ["eu-west", "ap-south"] });
    expect(checkOf(ready.checks, "placement", "placement")).toEqual({
      check: "placement",
      outcome: "passed",
      scope: "placement",
      admin: "orders.admin",
      from: "us-east",
      stream: "SMOKE_PLACEMENT",
      replicas: 3,
      tag: "cluster:ap-south",
      placedIn: "ap-south",
      servers: ["ap-south-0", "ap-south-1", "ap-south-2"],
    });
    // One meta group: every member names the same leader, one of the nine servers.
    expect(ready.clusters.map((cluster) => [cluster.cluster, cluster.tier])).toEqual(regions.map((region) => [region, "small"]));
    expect(ready.clusters.flatMap((cluster) => cluster.servers.map((server) => server.name)).sort()).toEqual(servers);
    expect(new Set(ready.clusters.map((cluster) => cluster.metaLeader)).size).toBe(1);
    expect(servers).toContain(ready.clusters[0].metaLeader);
    // Every server has a gateway to both other regions.
    expect(ready.links.gateways.map((link) => [link.server, link.linkedTo])).toEqual(
      expect.arrayContaining(servers.map((server) => [server, regions.filter((region) => !server.startsWith(region)).sort()])),
    );
    expect(ready.links.gateways).toHaveLength(9);
    const audit = ready.examples.find((example) => example.user === "orders-audit");
    expect(audit).toEqual({ user: "orders-audit", command: "sub orders.smoke", urls: ready.clusters.find((cluster) => cluster.cluster === "ap-south")!.clientUrls });
    expectNoServerLeft(path.join(PROJECT_DIR, ".local", "supercluster"), 9);
    // Exactly the model's streams and buckets, each in the member it names.
    expect(sortObjects(createdObjects(ready.provisioned))).toEqual(sortObjects(modelObjects(PROJECT_DIR, "supercluster")));
    // Every member lists every stream, and the leader shows the member its replicas are in.
    const streams = ready.clusters.find((cluster) => cluster.cluster === "eu-west")!.streams;
    expect(streams.find((stream) => stream.name === "ORDERS")).toEqual({ account: "orders", name: "ORDERS", replicas: 3, storage: "file", messages: expect.any(Number), leader: expect.stringMatching(/^eu-west-\d$/) });
    expect(streams.find((stream) => stream.name === "KV_order-status")?.leader).toMatch(/^us-east-\d$/);
  });

  it("npm run local -- hub-leaf --smoke links both sites, carries only what each leaf user allows, refuses hub stream management from a site and creates the branch's stream there", { timeout: 60_000 }, async () => {
    const ready = readySummary(await runNpmLocal(["hub-leaf", "--smoke", "--json"], RUN_TIMEOUT_MS));
    const sites = ["factory", "branch"];
    expect(outcomes(ready.checks)).toEqual([
      "hub: system passed",
      "factory: system passed",
      "branch: system passed",
      "hub: job skipped",
      ...sites.flatMap((site) => [`${site}: leaf-up passed`, `${site}: leaf-down passed`, `${site}: leaf-refused skipped`, `${site}: hub-jetstream passed`]),
    ]);
    for (const site of sites) {
      expect(checkOf(ready.checks, "system", site)).toMatchObject({ answered: [`${site}-0`] });
      expect(checkOf(ready.checks, "leaf-up", site)).toMatchObject({ site, siteUser: `${site}-app`, hub: "hub", subject: `${site}.smoke`, hubReceiver: "hub-app" });
      expect(checkOf(ready.checks, "leaf-down", site)).toMatchObject({ site, siteUser: `${site}-app`, hub: "hub", subject: `hub.${site}.smoke`, hubSender: "hub-app" });
      expect(checkOf(ready.checks, "hub-jetstream", site)).toMatchObject({
        site,
        siteUser: `${site}-app`,
        subject: `${site}.events.smoke`,
        stream: `${site.toUpperCase()}_EVENTS`,
        domain: "hub",
        ackDomain: "hub",
        sequence: expect.any(Number),
        unanswered: ["STREAM.DELETE", "STREAM.PURGE", "STREAM.CREATE"],
      });
      expect(ready.links.leaves.filter((link) => link.site === site)).toEqual([{ site, server: `${site}-0`, hubServer: expect.stringMatching(/^hub-\d$/), hubAccounts: ["edge"] }]);
      const cluster = ready.clusters.find((candidate) => candidate.cluster === site)!;
      expect(cluster).toMatchObject({ tier: "dev", operatorMode: true, clientUrls: [expect.stringMatching(/^nats:\/\/127\.0\.0\.1:\d+$/)] });
      expect(ready.examples).toContainEqual({ user: `${site}-app`, command: `pub ${site}.smoke "from ${site}"`, urls: cluster.clientUrls });
    }
    const hub = ready.clusters.find((cluster) => cluster.cluster === "hub")!;
    expect(hub).toMatchObject({ tier: "small", operatorMode: true, metaLeader: expect.stringMatching(/^hub-\d$/) });
    expect(hub.clientUrls).toHaveLength(3);
    expect(ready.clusters.flatMap((cluster) => cluster.servers.map((server) => server.name)).sort()).toEqual(["branch-0", "factory-0", "hub-0", "hub-1", "hub-2"]);
    expect(sortObjects(createdObjects(ready.provisioned))).toEqual(sortObjects(modelObjects(PROJECT_DIR, "hub-leaf")));
    // The branch's stream is in the branch's own JetStream domain, not the hub's.
    expect(ready.clusters.find((cluster) => cluster.cluster === "branch")!.streams.map((stream) => [stream.account, stream.name, stream.replicas])).toEqual([["edge", "READINGS", 1]]);
    expect(hub.streams.map((stream) => stream.name)).toEqual(["BRANCH_EVENTS", "FACTORY_EVENTS"]);
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
    const ready = readySummary(await finished(startCli(["hub-leaf", "--smoke", "--json"], project), RUN_TIMEOUT_MS));
    expect(checkOf(ready.checks, "system", "factory")).toMatchObject({ outcome: "passed", answered: ["factory-0"] });
    expect(checkOf(ready.checks, "leaf-up", "factory")).toMatchObject({ outcome: "passed", siteUser: "plant-app", subject: "factory.smoke", hubReceiver: "hub-app" });
    expect(checkOf(ready.checks, "leaf-down", "factory")).toMatchObject({ outcome: "passed", siteUser: "plant-app", subject: "hub.factory.smoke", hubSender: "hub-app" });
    expect(checkOf(ready.checks, "hub-jetstream", "factory")).toMatchObject({ outcome: "passed", siteUser: "plant-app", subject: "factory.events.smoke", stream: "FACTORY_EVENTS", domain: "hub" });
    expect(ready.clusters.filter((cluster) => cluster.cluster !== "hub").map((cluster) => [cluster.cluster, cluster.operatorMode])).toEqual([
      ["factory", true],
      ["branch", true],
    ]);
    expect(ready.links.leaves.find((link) => link.site === "factory")).toMatchObject({ server: "factory-0", hubAccounts: ["edge"] });
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

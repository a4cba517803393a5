/**
 * The small stack's server pods as the program renders them, booted by the pod test back end (one network
 * namespace and root per pod, the pods' DNS names, the ConfigMap and claims mounted where the StatefulSet
 * says, the container's command and environment, its user): what the schema checks cannot show. Each server
 * is named after its pod and finds the others by their DNS names, every probe path answers as the manifest
 * expects, and the preStop hook drains a server within the grace period, SIGTERM and all.
 */
import * as fs from "fs";
import * as path from "path";
import { NatsConnection, StorageType } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJetStream } from "../../components/local/monitor";
import { streamLeader, waitFor, waitUntilCaughtUp } from "../support/nats-client";
import { BootedPod } from "../support/pods/booted-pods";
import { bootStackPods, StackPods } from "../support/pods/stack-pods";
import { objectNamed } from "../support/pods/stack-objects";

const ADMIN = { account: "app", name: "pods-test", subjects: ["drain.>"] };
const STREAM = "DRAIN";

async function monitorJson(pod: BootedPod, endpoint: string): Promise<any> {
  const response = await fetch(`http://${pod.address}:${pod.plan.ports.monitor}/${endpoint}`);
  return response.json();
}

/** The process's uid and groups from /proc: who the container runs as. */
function processIdentity(pid: number): { uid: number; groups: number[] } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)![1]);
  const groups = (/^Groups:\s*(.*)$/m.exec(status)![1] ?? "").trim().split(/\s+/).filter(Boolean).map(Number);
  return { uid, groups };
}

describe("the small stack's server pods, booted from the rendered StatefulSet", () => {
  let stack: StackPods;
  const connections: NatsConnection[] = [];

  beforeAll(async () => {
    stack = await bootStackPods("small", ADMIN);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await stack?.pods.stop();
  });

  it("names each server after its pod and routes between the pods by their DNS names", async () => {
    const { pods } = stack.pods;
    await waitFor("every pod to route to the other two", 30_000, async () => {
      const routes = await Promise.all(pods.map((pod) => monitorJson(pod, "routez")));
      return routes.every((report) => new Set(report.routes.map((route: any) => route.remote_name ?? route.remote_id)).size === pods.length - 1) ? true : undefined;
    });
    for (const pod of pods) {
      const varz = await monitorJson(pod, "varz");
      expect(varz.server_name, `server name in pod ${pod.name}`).toBe(pod.name);
      const routez = await monitorJson(pod, "routez");
      // A route the pod dialled names the peer it dialled by DNS name; every peer's address is a pod's.
      const peers = new Set(routez.routes.map((route: any) => route.ip));
      expect([...peers].every((address) => pods.some((other) => other !== pod && other.address === address)), `route addresses of ${pod.name}`).toBe(true);
      expect(varz.cluster.urls.length, `route URLs in ${pod.name}'s config`).toBe(pods.length);
      expect(varz.cluster.urls.every((url: string) => /\.nats-headless\.nats\.svc\.cluster\.local:6222$/.test(url))).toBe(true);
    }
    const jsz = await readJetStream(pods[0].ports.monitor);
    expect(jsz?.meta_cluster?.cluster_size).toBe(pods.length);
  });

  it("answers every probe path the manifest declares with 200 within the probe's timeout", async () => {
    const figures: string[] = [];
    for (const pod of stack.pods.pods) {
      for (const probe of pod.plan.probes) {
        const answer = await pod.probe(probe);
        expect(answer.status, `${pod.name} ${probe.kind} probe ${probe.path}`).toBe(200);
        expect(answer.ms).toBeLessThan(probe.timeoutSeconds * 1000);
        figures.push(`${pod.name}/${probe.kind}=${answer.status}(${answer.ms}ms)`);
      }
    }
    expect(stack.pods.pods.flatMap((pod) => pod.plan.probes.map((probe) => probe.kind))).toEqual(["startup", "readiness", "liveness", "startup", "readiness", "liveness", "startup", "readiness", "liveness"]);
    console.log(`pods[probes]: ${figures.join(", ")}`);
  });

  it("runs the server as the pod's user with the fsGroup, the environment the manifest sets, and its store on the claim", () => {
    const statefulSet = objectNamed(stack.objects, "StatefulSet", "nats");
    const podSecurity = statefulSet.spec.template.spec.securityContext;
    for (const pod of stack.pods.pods) {
      const identity = processIdentity(pod.child!.pid!);
      expect(identity.uid, `uid of ${pod.name}`).toBe(podSecurity.runAsUser);
      expect(identity.groups).toContain(podSecurity.fsGroup);
      const environment = fs.readFileSync(`/proc/${pod.child!.pid!}/environ`, "utf8").split("\0");
      expect(environment).toContain(`SERVER_NAME=${pod.name}`);
      expect(environment).toContain(`GOMEMLIMIT=${pod.plan.env.GOMEMLIMIT}`);
      // The store is on the pod's claim, written as the pod's user.
      const claim = path.join(path.dirname(pod.dir), "claims", `jetstream-${pod.name}`);
      const store = fs.readdirSync(claim);
      expect(store.length, `files on ${pod.name}'s claim`).toBeGreaterThan(0);
      for (const entry of store) expect(fs.statSync(path.join(claim, entry)).uid).toBe(podSecurity.runAsUser);
    }
  });

  it("drains a server through its preStop hook within the grace period: leaderships handed over, clients told, no SIGKILL", { timeout: 180_000 }, async () => {
    const admin = await stack.connectAs(ADMIN.name);
    connections.push(admin);
    const jsm = await waitFor("the JetStream API to answer through the pods", 15_000, () => admin.jetstreamManager());
    await waitFor(`stream ${STREAM} to be created`, 15_000, async () => {
      await jsm.streams.add({ name: STREAM, subjects: ["drain.>"], num_replicas: 3, storage: StorageType.File });
      return true;
    });
    const js = admin.jetstream();
    for (let n = 0; n < 50; n++) await js.publish("drain.before", `before-${n}`);
    const leader = stack.pods.pod(await streamLeader(jsm, STREAM));
    const others = stack.pods.pods.filter((pod) => pod !== leader);

    // A client of the draining pod only: lame duck mode tells it to go elsewhere before its connection is closed.
    const client = await stack.connectAs(ADMIN.name, [leader]);
    connections.push(client);
    let toldToMove = false;
    void (async () => {
      for await (const status of client.status()) if (status.type === "ldm") toldToMove = true;
    })();

    const termination = await leader.terminate();
    const log = fs.readFileSync(leader.logFile, "utf8");
    const grace = leader.plan.terminationGracePeriodSeconds;
    console.log(
      `pods[drain]: pod=${leader.name}, exited-after=${termination.exitedAfter.toFixed(1)}s of ${grace}s, killed=${termination.killed}, ` +
        `hook=${termination.hookEndedWithServer ? "ended with the server" : `exit ${termination.preStopExit}`}, exit=${termination.code ?? termination.signal}, client-told-to-move=${toldToMove}`,
    );
    expect(log, "the server's log").toContain("Entering lame duck mode");
    expect(termination.killed, "the grace period ran out").toBe(false);
    expect(termination.exitedAfter).toBeLessThan(grace);
    expect(termination.code, "exit code").toBe(0);
    // The hook was still holding SIGTERM back when the server finished its drain.
    expect(termination.hookEndedWithServer).toBe(true);
    expect(toldToMove, "the draining pod's client heard of the lame duck").toBe(true);

    // The stream's leadership moved to a pod still running, and it takes writes.
    const rest = await stack.connectAs(ADMIN.name, others);
    connections.push(rest);
    const restJsm = await rest.jetstreamManager({ checkAPI: false });
    const newLeader = await streamLeader(restJsm, STREAM);
    expect(others.map((pod) => pod.name)).toContain(newLeader);
    await rest.jetstream().publish("drain.after", "after");

    // Started again on its claim, the pod passes its startup probe and catches up.
    await stack.pods.restart(leader);
    await waitUntilCaughtUp(stack.pods, restJsm, STREAM, leader.name, 60_000);
  });
});

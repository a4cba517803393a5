/**
 * The smoke check of a whole local stack, through the stack's own creds: the system user reaches every
 * server, each declared consumer gets a job, and then what the topology adds: messages and a placed stream
 * across a supercluster's gateways, or each leaf site's link both ways and to hub JetStream.
 */
import { SYSTEM_USER_NAME } from "../model/accounts";
import { inOperatorMode } from "../model/jetstream-targets";
import { Stack } from "../model/stack";
import { LocalCredentials } from "./local-credentials";
import { LocalTopology } from "./local-topology-launch";
import { runJobCheck, runSystemCheck, SmokeCheckError } from "./smoke-check";
import { planJobChecks } from "./smoke-plan";
import { PassedCheck, SmokeCheckName, SmokeCheckResult, SmokeMeasurement } from "./smoke-result";
import { systemAccountGroups } from "./stack-launch";
import { ConnectTo, runCrossClusterCheck, runLeafSiteCheck, runPlacementCheck } from "./topology-smoke";
import { planCrossClusterCheck, planLeafChecks, planPlacementCheck } from "./topology-smoke-plan";

/** Told each result as it comes, a failure included before it is thrown. */
export type SmokeReport = (result: SmokeCheckResult) => void;

/** Reports a check's failure, under the check the error names if it knows, and throws it as a SmokeCheckError. */
function failed(report: SmokeReport, check: SmokeCheckName, scope: string, error: unknown): never {
  const failure = error instanceof SmokeCheckError ? error : new SmokeCheckError((error as Error).message);
  report({ check: failure.check ?? check, outcome: "failed", scope, reason: failure.reason });
  throw failure;
}

/** A passing result, its name, outcome and scope first so that each reads first in JSON. */
function passed(measured: SmokeMeasurement, scope: string): PassedCheck {
  return Object.assign({ check: measured.check, outcome: "passed" as const, scope }, measured);
}

/** Runs one check about `scope` and reports what it measured, or its failure. */
async function measure(report: SmokeReport, check: SmokeCheckName, scope: string, run: () => Promise<SmokeMeasurement>): Promise<void> {
  const measured = await run().catch((error: unknown) => failed(report, check, scope, error));
  report(passed(measured, scope));
}

async function systemChecks(stack: Stack, topology: LocalTopology, connectTo: ConnectTo, report: SmokeReport): Promise<void> {
  for (const group of systemAccountGroups(stack.topology, topology.clusters.map((cluster) => cluster.name))) {
    const clusters = group.map((name) => topology.cluster(name));
    await measure(report, "system", group.join(", "), async () => {
      const sys = await connectTo(clusters[0], SYSTEM_USER_NAME);
      try {
        return await runSystemCheck(sys, clusters.flatMap((cluster) => cluster.servers.map((server) => server.name)));
      } finally {
        await sys.close().catch(() => undefined);
      }
    });
  }
}

/** Each job goes through the cluster its stream lands in; on a cluster without auth, its clients need no creds. */
async function jobChecks(stack: Stack, topology: LocalTopology, connectTo: ConnectTo, report: SmokeReport): Promise<void> {
  const checks = planJobChecks(stack.accounts, stack.jetstream.streams);
  if (checks.length === 0) {
    report({
      check: "job",
      outcome: "skipped",
      scope: stack.jetStreamHome.name,
      reason: "the stack declares no durable consumer with a user that may pull from it and one that may publish to its stream",
    });
  }
  for (const check of checks) {
    const local = topology.cluster(check.stream.cluster);
    const operatorMode = inOperatorMode(stack.topology, local.name);
    await measure(report, "job", local.name, () => runJobCheck(check, (user) => connectTo(local, operatorMode ? user : undefined)));
  }
}

async function topologyChecks(stack: Stack, topology: LocalTopology, credentials: LocalCredentials, connectTo: ConnectTo, report: SmokeReport): Promise<void> {
  switch (stack.topology.kind) {
    case "cluster":
      return;
    case "supercluster": {
      const [first, ...others] = topology.clusters;
      const crossing = planCrossClusterCheck(stack.accounts);
      if (crossing === undefined) {
        report({ check: "gateways", outcome: "skipped", scope: "gateways", reason: "no user of the stack may publish a subject another user may subscribe to" });
      } else {
        await measure(report, "gateways", "gateways", () => runCrossClusterCheck(crossing, first, others, connectTo));
      }
      const placement = planPlacementCheck(stack.topology.superCluster, credentials.admins);
      if (placement === undefined) {
        report({ check: "placement", outcome: "skipped", scope: "placement", reason: "no account of the stack has JetStream" });
      } else {
        await measure(report, "placement", "placement", () => runPlacementCheck(placement, topology.cluster(placement.from.name), topology.cluster(placement.to.name), connectTo));
      }
      return;
    }
    case "hub-leaf": {
      const hub = topology.cluster(stack.topology.hubAndLeaf.hub.cluster.name);
      for (const check of planLeafChecks(stack.topology.hubAndLeaf, stack.accounts, credentials.admins)) {
        const site = check.site.cluster.name;
        if ("reason" in check) {
          report({ check: "leaf-site", outcome: "skipped", scope: site, reason: check.reason });
          continue;
        }
        const results = await runLeafSiteCheck(check, hub, topology.cluster(site), connectTo).catch((error: unknown) => failed(report, "leaf-site", site, error));
        for (const result of results) report("outcome" in result ? { ...result, scope: site } : passed(result, site));
      }
    }
  }
}

/** Runs every check, reporting each result; the first failure is reported, then thrown as a SmokeCheckError with the reason. */
export async function smokeCheckStack(stack: Stack, topology: LocalTopology, credentials: LocalCredentials, connectTo: ConnectTo, report: SmokeReport): Promise<void> {
  await systemChecks(stack, topology, connectTo, report);
  await jobChecks(stack, topology, connectTo, report);
  await topologyChecks(stack, topology, credentials, connectTo, report);
}

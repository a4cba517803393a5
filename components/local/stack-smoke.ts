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
import { runJobCheck, runSystemCheck } from "./smoke-check";
import { planJobChecks } from "./smoke-plan";
import { systemAccountGroups } from "./stack-launch";
import { ConnectTo, runCrossClusterCheck, runLeafSiteCheck, runPlacementCheck } from "./topology-smoke";
import { planCrossClusterCheck, planLeafChecks, planPlacementCheck } from "./topology-smoke-plan";

/** Told each result: `scope` names the cluster or link it is about. */
export type SmokeReport = (scope: string, line: string) => void;

async function systemChecks(stack: Stack, topology: LocalTopology, connectTo: ConnectTo, report: SmokeReport): Promise<void> {
  for (const group of systemAccountGroups(stack.topology, topology.clusters.map((cluster) => cluster.name))) {
    const clusters = group.map((name) => topology.cluster(name));
    const sys = await connectTo(clusters[0], SYSTEM_USER_NAME);
    try {
      report(group.join(", "), await runSystemCheck(sys, clusters.flatMap((cluster) => cluster.servers.map((server) => server.name))));
    } finally {
      await sys.close().catch(() => undefined);
    }
  }
}

/** Each job goes through the cluster its stream lands in; on a cluster without auth, its clients need no creds. */
async function jobChecks(stack: Stack, topology: LocalTopology, connectTo: ConnectTo, report: SmokeReport): Promise<void> {
  const checks = planJobChecks(stack.accounts, stack.jetstream.streams);
  if (checks.length === 0) {
    report(stack.jetStreamHome.name, "no job sent: the stack declares no durable consumer with a user that may pull from it and one that may publish to its stream");
  }
  for (const check of checks) {
    const local = topology.cluster(check.stream.cluster);
    const operatorMode = inOperatorMode(stack.topology, local.name);
    report(local.name, await runJobCheck(check, (user) => connectTo(local, operatorMode ? user : undefined)));
  }
}

async function topologyChecks(stack: Stack, topology: LocalTopology, credentials: LocalCredentials, connectTo: ConnectTo, report: SmokeReport): Promise<void> {
  switch (stack.topology.kind) {
    case "cluster":
      return;
    case "supercluster": {
      const [first, ...others] = topology.clusters;
      const crossing = planCrossClusterCheck(stack.accounts);
      if (crossing === undefined) report("gateways", "no message sent across: no user of the stack may publish a subject another user may subscribe to");
      else report("gateways", await runCrossClusterCheck(crossing, first, others, connectTo));
      const placement = planPlacementCheck(stack.topology.superCluster, credentials.admins);
      if (placement === undefined) report("placement", "no stream placed: no account of the stack has JetStream");
      else report("placement", await runPlacementCheck(placement, topology.cluster(placement.from.name), topology.cluster(placement.to.name), connectTo));
      return;
    }
    case "hub-leaf": {
      const hub = topology.cluster(stack.topology.hubAndLeaf.hub.cluster.name);
      for (const check of planLeafChecks(stack.topology.hubAndLeaf, stack.accounts, credentials.admins)) {
        const site = check.site.cluster.name;
        if ("reason" in check) report(site, `nothing sent over the leaf link: ${check.reason}`);
        else for (const line of await runLeafSiteCheck(check, hub, topology.cluster(site), connectTo)) report(site, line);
      }
    }
  }
}

/** Runs every check; the first failure throws a SmokeCheckError with the reason. */
export async function smokeCheckStack(stack: Stack, topology: LocalTopology, credentials: LocalCredentials, connectTo: ConnectTo, report: SmokeReport): Promise<void> {
  await systemChecks(stack, topology, connectTo, report);
  await jobChecks(stack, topology, connectTo, report);
  await topologyChecks(stack, topology, credentials, connectTo, report);
}

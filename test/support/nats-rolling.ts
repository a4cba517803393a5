/**
 * A rolling restart as a StatefulSet's RollingUpdate does it, on local servers: from the highest ordinal down,
 * each server gets the preStop's lame duck and has the pod's termination grace period to exit, starts again on
 * the same store, and the next one goes only once this one passes the startup probe and then the readiness probe
 * (the probes' paths are the StatefulSet's own, from SERVER_PROBES).
 */
import { LocalCluster, passesProbe } from "../../components/local";
import { FULL_HEALTH_PATH, SERVER_PROBES } from "../../components/model/server-probes";
import { waitFor } from "./nats-client";

/** What one server's turn took. */
export interface RestartStep {
  server: string;
  /** Seconds from lame duck to the process's exit. */
  drainSeconds: number;
  /** Seconds from starting it again until it passed the startup and then the readiness probe. */
  readySeconds: number;
  /**
   * Whether its full /healthz passed when it had: every stream replica it holds current. The probes do not
   * wait for that, so the next server may go while this one's streams still catch up.
   */
  fullyHealthy: boolean;
}

/**
 * Restarts every server in turn; a server that has not passed both probes `readyTimeoutMs` after its start
 * fails the restart (the kubelet would wait out the startup probe's 15 minutes, far longer than a test may).
 */
export async function rollingRestart(local: LocalCluster, readyTimeoutMs: number): Promise<RestartStep[]> {
  const steps: RestartStep[] = [];
  const graceMs = local.cluster.terminationGracePeriodSeconds * 1000;
  for (let index = local.servers.length - 1; index >= 0; index--) {
    const server = local.servers[index];
    const drainStarted = Date.now();
    await server.stop(graceMs);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    if (drainSeconds * 1000 >= graceMs) throw new Error(`${server.name} did not exit within its ${graceMs / 1000}s grace period after lame duck`);

    const startedAt = Date.now();
    server.start();
    for (const probe of [SERVER_PROBES.startup, SERVER_PROBES.readiness]) {
      const outcome = await waitFor(`${server.name} to pass the probe on ${probe.path} after its restart`, readyTimeoutMs, async () => {
        if (!server.running) return "exited";
        return (await passesProbe(server.ports.monitor, probe.path, probe.timeoutSeconds * 1000)) ? "passed" : undefined;
      });
      if (outcome === "exited") throw new Error(`${server.name} exited after its restart:\n${server.logTail()}`);
    }
    const readySeconds = (Date.now() - startedAt) / 1000;
    const fullyHealthy = await passesProbe(server.ports.monitor, FULL_HEALTH_PATH, SERVER_PROBES.readiness.timeoutSeconds * 1000);
    steps.push({ server: server.name, drainSeconds, readySeconds, fullyHealthy });
  }
  return steps;
}

/**
 * The probes ask only what a server itself can answer (see README "Which probe asks what"): none reads the
 * full /healthz, whose answer depends on every stream the server holds, so a stream that cannot recover
 * neither restarts its server in a loop nor keeps it out of its Service. The fault tests faults-cannot-catch-up
 * and faults-rolling-restart prove these paths on real servers.
 */
import { describe, expect, it } from "vitest";
import { FULL_HEALTH_PATH, SERVER_PROBES } from "../../components/model/server-probes";

describe("server probes", () => {
  it("reads no stream's or consumer's state: startup and liveness need JetStream up, readiness the meta leader's contact", () => {
    expect(Object.fromEntries(Object.entries(SERVER_PROBES).map(([name, probe]) => [name, probe.path]))).toEqual({
      startup: "/healthz?js-enabled-only=true",
      readiness: "/healthz?js-server-only=true",
      liveness: "/healthz?js-enabled-only=true",
    });
    for (const probe of Object.values(SERVER_PROBES)) expect(probe.path).not.toBe(FULL_HEALTH_PATH);
  });

  it("gives a server 15 minutes to read its store back before liveness applies, and restarts only after 90 s without JetStream", () => {
    const { startup, liveness } = SERVER_PROBES;
    expect(startup.periodSeconds * startup.failureThreshold).toBe(15 * 60);
    expect(liveness.periodSeconds * liveness.failureThreshold).toBe(90);
  });
});

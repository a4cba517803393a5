/**
 * The health endpoints a server's pod is probed on, and how often: the StatefulSet's probes are built from
 * these, and the local fault tests gate a rolling restart on the same paths the kubelet would.
 *
 * Every probe asks only what the server itself can answer. A stream that cannot recover (its store damaged,
 * its peers gone) fails the full `/healthz` until it recovers, maybe for good; a probe on it would restart
 * the server every time its allowance ran out, or keep it out of its Service, without curing the stream
 * (nats-io/k8s #1140; nats-server #3563). Such a stream shows in the stream's state, the full `/healthz`
 * (FULL_HEALTH_PATH) and the alerts instead.
 */

/** One probe: the monitor-port path it reads and how long the kubelet keeps trying. */
export interface ServerProbe {
  /** Path and query on the server's monitor port; nats-server answers 200 when healthy. */
  path: string;
  periodSeconds: number;
  /** How long the kubelet waits for one answer; a server that does not answer in time fails the probe. */
  timeoutSeconds: number;
  /** Consecutive failures after which the kubelet acts (restarts the container, or marks the pod unready). */
  failureThreshold: number;
}

/**
 * The full health check: the server is current with the meta leader and every stream and consumer it holds
 * a replica of is current. No probe reads it; status, the rolling-restart checks of an operator and the
 * fault tests do.
 */
export const FULL_HEALTH_PATH = "/healthz";

export const SERVER_PROBES = {
  /**
   * JetStream is up: the server has read its store back. Allows 15 minutes for that (a large store on a slow
   * volume) before liveness applies; a stream still catching up, or one that never will, does not hold it.
   */
  startup: { path: "/healthz?js-enabled-only=true", periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
  /**
   * The server is in contact with the JetStream meta leader and current with it, whatever its streams' state:
   * a lagging or broken stream does not take it out of service, and a rollout moves on once it has rejoined.
   */
  readiness: { path: "/healthz?js-server-only=true", periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  /**
   * JetStream is enabled; only a server that lost it, or that no longer answers at all (nats-server 2.9 wedges
   * when its store's filesystem fills, and stays wedged after space is freed), is restarted.
   */
  liveness: { path: "/healthz?js-enabled-only=true", periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
} as const satisfies Record<string, ServerProbe>;

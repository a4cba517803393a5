/**
 * The health endpoints a server's pod is probed on, and how often: the StatefulSet's probes are built from
 * these, and the local fault tests gate a rolling restart on the same paths the kubelet would.
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

export const SERVER_PROBES = {
  /**
   * Full health: the server is in contact with a meta leader and its streams and consumers are current.
   * Allows 15 minutes for a server to catch up its streams before liveness applies, and holds a rolling
   * restart at this pod until it has.
   */
  startup: { path: "/healthz", periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
  /** The server itself answers, whatever its streams' state: a lagging stream does not take it out of service. */
  readiness: { path: "/healthz?js-server-only=true", periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  /**
   * JetStream is enabled; only a server that lost it, or that no longer answers at all (nats-server 2.9 wedges
   * when its store's filesystem fills, and stays wedged after space is freed), is restarted.
   */
  liveness: { path: "/healthz?js-enabled-only=true", periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
} as const satisfies Record<string, ServerProbe>;

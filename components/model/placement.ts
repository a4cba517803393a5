/**
 * Where a server runs, as a back end tells the renderer. The renderer is the same for every back end; only
 * this differs: in Kubernetes, pod DNS names and `$SERVER_NAME` from the pod (components/kubernetes/cluster/
 * pod-placement.ts); locally, 127.0.0.1, free ports and a directory per server (components/local/local-placement.ts).
 */
import { Ports } from "./cluster";
import { ConfVariable } from "./conf";

export interface ServerPlacement {
  /** The server's name: literal for a local process, `$SERVER_NAME` in a pod (one ConfigMap serves every pod). */
  serverName: string | ConfVariable;
  /** Address every listener binds to. */
  listenHost: string;
  ports: Ports;
  /** Route URLs of every server in the cluster (listing itself is harmless and keeps one config for all pods). */
  routes: string[];
  /** JetStream store directory. */
  storeDir: string;
  /** Where the server writes its pid, for the lame-duck signal (`nats-server -sl=ldm=<pid file>`). */
  pidFile: string;
  /** Hide pod IPs from route gossip: in Kubernetes peers are found by DNS names that survive rescheduling. */
  noAdvertise: boolean;
}

/** Local clusters for tests: started by the local back end in a temporary directory, removed afterwards. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findServerBinary, LocalCluster, ServerBinary, startCluster } from "../../components/local";
import { Cluster } from "../../components/model";

let binary: ServerBinary | undefined;

/** The installed nats-server, found once per test file. */
export function installedServer(): ServerBinary {
  binary ??= findServerBinary();
  return binary;
}

export interface TestCluster {
  local: LocalCluster;
  runDir: string;
  /** Stops every server (lame duck, then kill) and removes the run directory. */
  stop(): Promise<void>;
}

/** Starts a cluster and waits until it is healthy with a JetStream meta leader. */
export async function startTestCluster(cluster: Cluster): Promise<TestCluster> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `nats-${cluster.name}-`));
  try {
    const local = await startCluster(cluster, { runDir, binary: installedServer() });
    return {
      local,
      runDir,
      async stop() {
        await local.stop();
        fs.rmSync(runDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
}

/** Local clusters for tests: started by the local back end in a temporary directory, removed afterwards. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findServerBinary, LocalCluster, ServerBinary, startCluster } from "../../components/local";
import { Cluster } from "../../components/model";
import { NATS_SERVER_VERSION } from "../../components/model/images";
import { atLeast, formatServerVersion } from "../../components/model/version";

let binary: ServerBinary | undefined;

/** The installed nats-server, found once per test file. */
export function installedServer(): ServerBinary {
  binary ??= findServerBinary();
  return binary;
}

/** Where scripts/fetch-current-server.sh puts Debian unstable's nats-server. */
export const CURRENT_SERVER_PATH = path.resolve(__dirname, "../../.servers/current/nats-server");

let current: ServerBinary | undefined;

/**
 * A nats-server at least as new as the one the stacks ship (NATS_SERVER_VERSION), for the partition tests:
 * 2.9.10, the installed peer of every other test, can lose acknowledged writes when a cut-off server rejoins
 * (its raft fixes came in later lines), and a guarantee measured there would be about a server no stack runs.
 */
export function currentServer(): ServerBinary {
  if (current) return current;
  if (!fs.existsSync(CURRENT_SERVER_PATH)) {
    throw new Error(`no nats-server at ${CURRENT_SERVER_PATH}: the partition tests need one at least as new as ${NATS_SERVER_VERSION}, the version the stacks ship; run scripts/fetch-current-server.sh (.ci/run does)`);
  }
  const found = findServerBinary({ NATS_SERVER_BIN: CURRENT_SERVER_PATH });
  if (!atLeast(found.version, NATS_SERVER_VERSION)) {
    throw new Error(`${CURRENT_SERVER_PATH} is nats-server ${formatServerVersion(found.version)}: the partition tests need ${NATS_SERVER_VERSION} or newer, the version the stacks ship; remove it and run scripts/fetch-current-server.sh`);
  }
  current = found;
  return found;
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

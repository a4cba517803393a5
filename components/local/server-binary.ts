/**
 * Finding the nats-server the local back end runs, and the version its configs are rendered for.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseServerVersion, ServerVersion } from "../model/version";

export interface ServerBinary {
  /** Absolute path of the executable. */
  path: string;
  /** What `nats-server --version` reports: configs are rendered for exactly this version. */
  version: ServerVersion;
}

/** Environment variable naming the nats-server executable, for a build outside PATH. */
export const SERVER_BIN_VARIABLE = "NATS_SERVER_BIN";

export class ServerBinaryNotFoundError extends Error {
  constructor(detail: string) {
    super(
      `${detail}. Install it with \`apt-get install nats-server\` (Debian, Ubuntu) or set ${SERVER_BIN_VARIABLE} ` +
        "to the path of a nats-server executable.",
    );
    this.name = "ServerBinaryNotFoundError";
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function searchPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, "nats-server");
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Reads the version out of `nats-server --version` ("nats-server: v2.9.10"). */
export function readServerVersion(binaryPath: string): ServerVersion {
  const output = execFileSync(binaryPath, ["--version"], { encoding: "utf8", timeout: 10_000 }).trim();
  const version = parseServerVersion(output.replace(/^nats-server:\s*/, ""));
  if (!version) throw new ServerBinaryNotFoundError(`${binaryPath} --version printed "${output}", which names no nats-server version`);
  return version;
}

/** The nats-server named by NATS_SERVER_BIN, else the first on PATH. */
export function findServerBinary(env: NodeJS.ProcessEnv = process.env): ServerBinary {
  const named = env[SERVER_BIN_VARIABLE];
  if (named !== undefined && named !== "") {
    const resolved = path.resolve(named);
    if (!isExecutable(resolved)) throw new ServerBinaryNotFoundError(`${SERVER_BIN_VARIABLE} is ${named}, which is not an executable file`);
    return { path: resolved, version: readServerVersion(resolved) };
  }
  const found = searchPath(env);
  if (!found) throw new ServerBinaryNotFoundError("No nats-server was found on PATH");
  return { path: found, version: readServerVersion(found) };
}

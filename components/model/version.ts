/** nats-server versions: options newer than the target server are gated on these comparisons. */
import { NATS_SERVER_VERSION } from "./images";

export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
}

const VERSION_PATTERN = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/;

export function parseServerVersion(text: string): ServerVersion | undefined {
  const match = VERSION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export function atLeast(version: ServerVersion, minimum: string): boolean {
  const min = parseServerVersion(minimum);
  if (!min) throw new Error(`bad minimum version ${minimum}`);
  if (version.major !== min.major) return version.major > min.major;
  if (version.minor !== min.minor) return version.minor > min.minor;
  return version.patch >= min.patch;
}

export function formatServerVersion(version: ServerVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/** The server version the Kubernetes back end runs unless a stack names another (pinned in images.ts). */
export const DEFAULT_SERVER_VERSION = NATS_SERVER_VERSION;
/** The oldest server this project renders for: the Debian package the tests boot. */
export const OLDEST_SUPPORTED_VERSION = "2.9.0";

/** Options that exist only from a given server version on. */
export const OPTION_SINCE = {
  /** `jetstream.sync_interval` (write durability): unknown to 2.9, rejected as a config error there. */
  syncInterval: "2.10.0",
} as const;

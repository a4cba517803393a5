/**
 * Which nats.conf settings nats-server applies on a reload signal, and which it refuses. Read from nats-server
 * v2.9.10, server/reload.go: `diffOptions` compares every option of the running server with the re-read file,
 * applies the options its switch names, and returns "config reload not supported for …" for any other changed
 * option (its default arm) and for the named exceptions below. A refusal is whole: the server keeps its old
 * config, reloadable changes of the same file included. Option names are mapped to the nats.conf keys that set
 * them (server/opts.go of the same version). A key this module does not list counts as refused, so an unknown
 * setting is reported as needing a restart rather than promised live.
 */
import { isDeepStrictEqual } from "util";
import type { ConfBlock, ConfValue } from "../../components/model/conf";

/** The nats-server release and file the lists below were read from. */
export const RELOAD_RULES_SOURCE = { version: "2.9.10", file: "server/reload.go (diffOptions, validateClusterOpts)" } as const;

/** Top-level keys whose options the reload switch applies live. */
const RELOADABLE_KEYS = new Set([
  "debug",
  "trace",
  "trace_verbose",
  "logtime",
  "logfile",
  "log_file",
  "syslog",
  "remote_syslog",
  "authorization",
  "accounts",
  "mappings",
  "maps",
  "client_advertise",
  "pidfile",
  "pid_file",
  "ports_file_dir",
  "max_control_line",
  "max_payload",
  "max_connections",
  "max_conn",
  "max_traced_msg_len",
  "ping_interval",
  "ping_max",
  "write_deadline",
  "ocsp",
  // Changing the resolver's settings reloads; moving to or from having one is refused, which changes other keys too.
  "resolver",
  "account_resolver",
  "accounts_resolver",
  "resolver_tls",
  "resolver_preload",
  "connect_error_reports",
  "reconnect_error_reports",
  "server_tags",
]);

/**
 * Blocks whose nested keys are judged one by one: `refused` lists the nested keys a reload refuses in a
 * block that otherwise reloads; `reloads` lists the only nested keys that reload in a block otherwise refused.
 */
const BLOCK_RULES: Record<string, { refused: ReadonlySet<string> } | { reloads: ReadonlySet<string> }> = {
  // The client TLS block reloads, but verify_and_map and rate_limit set options the switch does not name.
  tls: { refused: new Set(["verify_and_map", "rate_limit"]) },
  // validateClusterOpts refuses a changed cluster host or port; the rest of the block (routes, auth, TLS) reloads.
  cluster: { refused: new Set(["host", "net", "port", "listen"]) },
  // Only turning JetStream on or off reloads; its store directory, limits, domain and the rest are refused.
  jetstream: { reloads: new Set(["enabled", "enable"]) },
  // Gateways, leaf nodes and websocket compare everything but their TLS config, and refuse any other change.
  gateway: { reloads: new Set(["tls"]) },
  leafnodes: { reloads: new Set(["tls"]) },
  leaf: { reloads: new Set(["tls"]) },
  websocket: { reloads: new Set(["tls"]) },
  ws: { reloads: new Set(["tls"]) },
  mqtt: {
    reloads: new Set(["tls", "ack_wait", "ackwait", "max_ack_pending", "max_pending", "max_inflight", "stream_replicas", "consumer_replicas", "consumer_memory_storage", "consumer_inactive_threshold", "consumer_auto_cleanup"]),
  },
};

function isBlock(value: ConfValue | undefined): value is ConfBlock {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function changedKeys(before: ConfBlock, after: ConfBlock): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => !isDeepStrictEqual(before[key], after[key])).sort();
}

/** Whether a reload applies a change of nested key `key` of block `block`. */
function nestedReloads(block: string, key: string): boolean {
  const rule = BLOCK_RULES[block];
  return "refused" in rule ? !rule.refused.has(key) : rule.reloads.has(key);
}

/**
 * The settings changed from `before` to `after` that nats-server refuses to reload, as key paths
 * (`server_name`, `cluster.port`, `jetstream.store_dir`), sorted; empty when a reload signal applies the
 * whole change. A block added or removed whole counts as refused unless its top-level key reloads.
 */
export function refusedReloads(before: ConfBlock, after: ConfBlock): string[] {
  const refused: string[] = [];
  for (const key of changedKeys(before, after)) {
    const name = key.toLowerCase();
    if (RELOADABLE_KEYS.has(name)) continue;
    const [old, next] = [before[key], after[key]];
    if (BLOCK_RULES[name] === undefined || !isBlock(old) || !isBlock(next)) {
      refused.push(key);
      continue;
    }
    refused.push(...changedKeys(old, next).filter((nested) => !nestedReloads(name, nested.toLowerCase())).map((nested) => `${key}.${nested}`));
  }
  return refused;
}

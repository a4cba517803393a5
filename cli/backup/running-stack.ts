/**
 * What `npm run backup` and `npm run restore` share: the checked stack with its backup policy, the clusters of
 * its running `npm run local` servers, and connections to them as the backup policy's users.
 */
import * as fs from "fs";
import * as path from "path";
import { connect, credsAuthenticator, NatsConnection } from "@nats-io/transport-node";
import { CREDS_DIR, readRunEndpoints } from "../../components/local";
import { BackupPolicy, inboxPrefix, Stack, ValidationError } from "../../components/model";
import { loadCheckedStack } from "../../components/stack-check";
import { formatUsage, USAGE_EXIT_CODE } from "../command-line";
import { CommandSpec } from "../command-line";
import { listStacks } from "../../components/model/stack";

/** A stack the tools can work on: checked, with a backup policy. */
export interface BackupStack {
  stack: Stack;
  policy: BackupPolicy;
  runDir: string;
}

/** The stack with its policy, or the exit code after saying why not (a refused stack, no policy). */
export function loadBackupStack(projectDir: string, stackName: string): BackupStack | number {
  let stack: Stack;
  try {
    stack = loadCheckedStack(projectDir, stackName);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    process.stderr.write(`stack ${stackName} refused:\n${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  if (stack.backups === undefined) {
    process.stderr.write(`stack ${stackName} has no backup policy: add nats-jetstream:backups (schedule, retentionDays, destination) to stacks/Pulumi.${stackName}.yaml\n`);
    return USAGE_EXIT_CODE;
  }
  return { stack, policy: stack.backups, runDir: path.join(projectDir, ".local", stack.name) };
}

/** Prints that an option the tool needs is missing, with the usage, and gives the exit code. */
export function missingOption(spec: CommandSpec, option: string, projectDir: string): number {
  process.stderr.write(`--${option} is required\n\n${formatUsage(spec, listStacks(projectDir))}\n`);
  return USAGE_EXIT_CODE;
}

/** Connections to a running stack's clusters as its users, made once each and closed together. */
export class StackConnections {
  private readonly open = new Map<string, Promise<NatsConnection>>();

  private constructor(
    private readonly runDir: string,
    private readonly clusters: Record<string, string[]>,
  ) {}

  /** The connections of the stack running from `runDir`; fails, saying how to start it, when it is not running. */
  static of(backup: BackupStack): StackConnections {
    const endpoints = readRunEndpoints(backup.runDir);
    if (endpoints === undefined || endpoints.stack !== backup.stack.name) {
      throw new Error(`stack ${backup.stack.name} is not running here: start it with npm run local -- ${backup.stack.name}`);
    }
    return new StackConnections(backup.runDir, endpoints.clusters);
  }

  /** A connection to `cluster` as `user`, with the user's creds and inbox prefix. */
  as(cluster: string, user: string): Promise<NatsConnection> {
    const key = `${cluster}/${user}`;
    const known = this.open.get(key);
    if (known !== undefined) return known;
    const servers = this.clusters[cluster];
    if (servers === undefined) throw new Error(`cluster ${cluster} is not part of the running stack (it runs ${Object.keys(this.clusters).join(", ")})`);
    const creds = fs.readFileSync(path.join(this.runDir, CREDS_DIR, `${user}.creds`));
    const connection = connect({ servers, name: `backup tools (${user})`, authenticator: credsAuthenticator(creds), inboxPrefix: inboxPrefix(user) });
    this.open.set(key, connection);
    return connection;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map(async (connection) => (await connection.catch(() => undefined))?.close().catch(() => undefined)));
  }
}

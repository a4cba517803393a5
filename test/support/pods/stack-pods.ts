/**
 * A shipped stack's server pods, booted by the pod test back end: the stack file as shipped, rendered for the
 * nats-server that boots them (its serverVersion set to that version, so the image tag and the config match the
 * binary standing in for the image), plus one admin user the test's load and audit connect as, with
 * subjects of its own in its account.
 */
import { connect, credsAuthenticator, NatsConnection } from "nats";
import { readStackConfig, stackFilePath } from "../../../components/model/stack";
import { formatServerVersion } from "../../../components/model/version";
import { ServerBinary } from "../../../components/local";
import { inboxPrefix } from "../../../components/model/permissions";
import { installedServer } from "../nats-cluster";
import { BootedPod, BootedPods } from "./booted-pods";
import { KubernetesObject, synthesizedObjects } from "./stack-objects";
import * as path from "path";
import { enableAccountOnEachServer } from "../account-jetstream";

const projectDir = path.resolve(__dirname, "..", "..", "..");
const NAMESPACE = "nats-jetstream";

/** The booted pods of a stack, the objects they came from, and connections as the stack's users. */
export interface StackPods {
  pods: BootedPods;
  objects: KubernetesObject[];
  /** A connection as `user` (creds from the user's Secret, the user's own inbox) to `pods` (default all). */
  connectAs(user: string, pods?: BootedPod[]): Promise<NatsConnection>;
}

/** The creds file text of `user`: the Secret key `<user>.creds` the program writes it under. */
export function credsOf(objects: readonly KubernetesObject[], user: string): string {
  const key = `${user}.creds`;
  for (const secret of objects.filter((object) => object.kind === "Secret")) {
    const text = secret.stringData?.[key] ?? (secret.data?.[key] === undefined ? undefined : Buffer.from(secret.data[key], "base64").toString("utf8"));
    if (typeof text === "string") return text;
  }
  throw new Error(`no Secret holds ${key}`);
}

/**
 * Boots the server pods of stack `stack` (its cluster's StatefulSet) with an admin user `admin` added to
 * account `account`: it publishes on `subjects` (added to the account for the test's streams) and uses the JetStream API.
 * The pods run the installed nats-server unless `binary` names another.
 */
export async function bootStackPods(stack: string, admin: { account: string; name: string; subjects: string[] }, binary: ServerBinary = installedServer()): Promise<StackPods> {
  const config = readStackConfig(stackFilePath(projectDir, stack)) as Record<string, any>;
  const cluster = { ...config[`${NAMESPACE}:cluster`], serverVersion: formatServerVersion(binary.version) };
  const accounts = (config[`${NAMESPACE}:accounts`] as any[]).map((account) =>
    account.name === admin.account
      ? { ...account, subjects: [...(account.subjects ?? []), ...admin.subjects], users: [...(account.users ?? []), { name: admin.name, admin: true, permissions: { publish: [...admin.subjects, "$JS.>"] } }] }
      : account,
  );
  const objects = await synthesizedObjects(stack, { ...config, [`${NAMESPACE}:cluster`]: cluster, [`${NAMESPACE}:accounts`]: accounts });
  const pods = await BootedPods.boot(objects, cluster.name, binary);
  const connectAs = (user: string, only = pods.pods) =>
    connect({
      servers: only.map((pod) => pod.clientUrl),
      authenticator: credsAuthenticator(new TextEncoder().encode(credsOf(objects, user))),
      inboxPrefix: inboxPrefix(user),
      ignoreClusterUpdates: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
  try {
    // Before any stream exists: the account's JetStream enabled on one pod at a time (see account-jetstream.ts).
    await enableAccountOnEachServer(
      pods.pods.map((pod) => ({ name: pod.name, monitorPort: pod.ports.monitor, logFile: pod.logFile })),
      admin.account,
      (server) => connectAs(admin.name, [pods.pod(server.name)]),
    );
  } catch (error) {
    await pods.stop();
    throw error;
  }
  return { pods, objects, connectAs };
}

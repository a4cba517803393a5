/**
 * The smoke check a local run ends with, made through the stack's own creds: the system user reaches every
 * server, and for each declared consumer one job goes the whole way, published by one of the stack's users
 * and acknowledged, pulled and acknowledged by another, and then not due for delivery again.
 */
import { randomBytes } from "crypto";
import { NatsConnection, RequestStrategy } from "nats";
import { SYSTEM_USER_NAME } from "../model/accounts";
import { JobCheck } from "./smoke-plan";
import { JobMeasurement, SmokeCheckName, SystemMeasurement } from "./smoke-result";

/** A smoke check that failed; it ends the smoke check. */
export class SmokeCheckError extends Error {
  /**
   * @param reason what went wrong
   * @param check the check that failed, when the thrower runs several; otherwise the caller knows it
   */
  constructor(
    readonly reason: string,
    readonly check?: SmokeCheckName,
  ) {
    super(`smoke check failed: ${reason}`);
    this.name = "SmokeCheckError";
  }
}

/** How long each request (publish, pull, ping) may take. */
const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Asks every server for itself through the system account (`$SYS.REQ.SERVER.PING`), as the `nats` CLI's
 * `server list` does with the sys creds; every server of the cluster must answer.
 */
export async function runSystemCheck(sys: NatsConnection, serverNames: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SystemMeasurement> {
  const answered = new Set<string>();
  const replies = await sys.requestMany("$SYS.REQ.SERVER.PING", undefined, { strategy: RequestStrategy.Count, maxMessages: serverNames.length, maxWait: timeoutMs });
  for await (const reply of replies) {
    const name = (reply.json() as { server?: { name?: string } }).server?.name;
    if (name !== undefined) answered.add(name);
  }
  const silent = serverNames.filter((name) => !answered.has(name));
  if (silent.length > 0) throw new SmokeCheckError(`the system user's server ping went unanswered by ${silent.join(", ")}`);
  return { check: "system", user: SYSTEM_USER_NAME, answered: serverNames.filter((name) => answered.has(name)) };
}

/**
 * Sends one job through `check`; `connectAs` opens a connection with a user's creds. The check's stream must
 * hold nothing for the consumer beforehand (a fresh run), so that the job pulled is the one published.
 */
export async function runJobCheck(
  check: JobCheck,
  connectAs: (user: string) => Promise<NatsConnection>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<JobMeasurement> {
  const { stream, consumer, publisher, worker } = check;
  const id = randomBytes(4).toString("hex");
  const job = `smoke job ${id}`;
  const where = `${stream.name}/${consumer.durable}`;
  const connections: NatsConnection[] = [];
  const open = async (user: string) => {
    const connection = await connectAs(user);
    connections.push(connection);
    return connection;
  };
  try {
    const published = await (await open(publisher.name)).jetstream({ timeout: timeoutMs }).publish(check.subject, job, { msgID: id, timeout: timeoutMs });
    if (published.stream !== stream.name || published.duplicate) {
      throw new SmokeCheckError(`${publisher.name}'s job on ${check.subject} was acknowledged by stream ${published.stream}${published.duplicate ? " as a duplicate" : ""}`);
    }
    const pulling = await (await open(worker.name)).jetstream({ timeout: timeoutMs }).consumers.get(stream.name, consumer.durable);
    const pulled = await pulling.next({ expires: timeoutMs });
    if (pulled === null) throw new SmokeCheckError(`${worker.name} pulled nothing from ${where} within ${timeoutMs / 1000}s`);
    if (pulled.string() !== job) throw new SmokeCheckError(`${worker.name} pulled another message from ${where} than the job just published`);
    if (!(await pulled.ackAck({ timeout: timeoutMs }))) throw new SmokeCheckError(`the server did not confirm ${worker.name}'s ack on ${where}`);
    const state = await pulling.info();
    if (state.num_pending !== 0 || state.num_ack_pending !== 0 || state.num_redelivered !== 0) {
      throw new SmokeCheckError(
        `after the ack ${where} still has ${state.num_pending} pending, ${state.num_ack_pending} unacknowledged and ${state.num_redelivered} redelivered`,
      );
    }
    return { check: "job", publisher: publisher.name, subject: check.subject, stream: stream.name, sequence: published.seq, worker: worker.name, consumer: consumer.durable };
  } catch (error) {
    throw error instanceof SmokeCheckError ? error : new SmokeCheckError(`${where}: ${(error as Error).message}`);
  } finally {
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
  }
}

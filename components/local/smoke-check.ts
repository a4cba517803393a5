/**
 * The smoke check a local run ends with: JetStream's whole write and read path on a throwaway stream
 * with the cluster's default replica count (publish with acks, a durable pull consumer, explicit acks).
 */
import { randomBytes } from "crypto";
import { AckPolicy, NatsConnection, StorageType } from "nats";

export interface SmokeCheckOptions {
  /** Replicas of the temporary stream: the cluster's default, so the check exercises its replication. */
  replicas: number;
  /** Messages published and consumed. Default 10. */
  messages?: number;
  /** How long each request (publish, fetch) may take. Default 5 s. */
  timeoutMs?: number;
}

export class SmokeCheckError extends Error {
  constructor(reason: string) {
    super(`smoke check failed: ${reason}`);
    this.name = "SmokeCheckError";
  }
}

/** Runs the check and returns a one-line summary; throws SmokeCheckError with the reason otherwise. */
export async function runSmokeCheck(nc: NatsConnection, options: SmokeCheckOptions): Promise<string> {
  const count = options.messages ?? 10;
  const timeout = options.timeoutMs ?? 5_000;
  const id = randomBytes(4).toString("hex");
  const stream = `SMOKE_${id}`;
  const subject = `smoke.${id}`;
  const durable = "smoke";
  const jsm = await nc.jetstreamManager({ timeout });
  const js = nc.jetstream({ timeout });
  try {
    await jsm.streams.add({ name: stream, subjects: [subject], num_replicas: options.replicas, storage: StorageType.File });
  } catch (error) {
    throw new SmokeCheckError(`could not create R${options.replicas} stream ${stream}: ${(error as Error).message}`);
  }
  let summary: string;
  try {
    summary = await publishAndConsume();
  } catch (error) {
    // The check already failed; the stream is removed on a best-effort basis so it does not linger.
    await jsm.streams.delete(stream).catch(() => undefined);
    throw error instanceof SmokeCheckError ? error : new SmokeCheckError((error as Error).message);
  }
  try {
    await jsm.streams.delete(stream);
  } catch (error) {
    throw new SmokeCheckError(`could not delete stream ${stream}: ${(error as Error).message}`);
  }
  return summary;

  async function publishAndConsume(): Promise<string> {
    const sent: string[] = [];
    for (let n = 1; n <= count; n++) {
      const body = `smoke ${id} message ${n}`;
      const ack = await js.publish(subject, body, { msgID: `${id}-${n}`, timeout });
      if (ack.duplicate || ack.seq !== n) throw new SmokeCheckError(`message ${n} was acknowledged as sequence ${ack.seq}${ack.duplicate ? " (duplicate)" : ""}`);
      sent.push(body);
    }
    await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit });
    const consumer = await js.consumers.get(stream, durable);
    const received: string[] = [];
    const batch = await consumer.fetch({ max_messages: count, expires: timeout });
    for await (const message of batch) {
      received.push(message.string());
      await message.ackAck({ timeout });
    }
    const mismatched = sent.filter((body, index) => received[index] !== body).length;
    if (received.length !== count || mismatched > 0) {
      throw new SmokeCheckError(`published ${count} messages but the consumer returned ${received.length}, ${mismatched} not as sent`);
    }
    const state = await jsm.consumers.info(stream, durable);
    if (state.num_pending !== 0 || state.num_ack_pending !== 0) {
      throw new SmokeCheckError(`after acknowledging everything the consumer still has ${state.num_pending} pending and ${state.num_ack_pending} unacknowledged`);
    }
    return `published ${count} messages to R${options.replicas} stream ${stream}, consumed and acknowledged all ${count} with durable consumer ${durable}`;
  }
}

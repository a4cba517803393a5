/** Client-side helpers for tests against local clusters, all through the `nats` client and bounded in time. */
import { connect, JetStreamClient, JetStreamManager, NatsConnection } from "nats";
import { LocalCluster, readLocalStreams } from "../../components/local";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` every 100 ms until it returns a value other than undefined; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(100);
  }
}

/** A connection that knows every server and reconnects quickly when the one it uses is killed. */
export function connectToCluster(local: LocalCluster): Promise<NatsConnection> {
  return connect({
    servers: local.clientUrls,
    name: "test",
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
    timeout: 5_000,
  });
}

/** The stream's current leader as JetStream reports it, waiting until it has one. */
export function streamLeader(jsm: JetStreamManager, stream: string, timeoutMs = 30_000): Promise<string> {
  return waitFor(`a leader of stream ${stream}`, timeoutMs, async () => (await jsm.streams.info(stream)).cluster?.leader || undefined);
}

/**
 * Waits until the named server holds every message of the stream: its own copy (read from its monitor
 * port, not through the leader) ends at the leader's last sequence.
 */
export async function waitUntilCaughtUp(local: LocalCluster, jsm: JetStreamManager, stream: string, serverName: string, timeoutMs = 30_000): Promise<void> {
  const server = local.server(serverName);
  await waitFor(`${serverName} to catch up on stream ${stream}`, timeoutMs, async () => {
    const lastSeq = (await jsm.streams.info(stream)).state.last_seq;
    const copy = (await readLocalStreams(server.ports.monitor)).get(stream);
    return copy !== undefined && copy.lastSeq === lastSeq ? true : undefined;
  });
}

/** One stored message as read back: its stream sequence and its Nats-Msg-Id. */
export interface StoredMessage {
  seq: number;
  msgId: string | undefined;
  body: string;
}

/** Reads the whole stream back in order with an ordered consumer. */
export async function readStream(js: JetStreamClient, jsm: JetStreamManager, stream: string, timeoutMs = 30_000): Promise<StoredMessage[]> {
  const lastSeq = (await jsm.streams.info(stream)).state.last_seq;
  const stored: StoredMessage[] = [];
  if (lastSeq === 0) return stored;
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 1_000 });
  const timer = setTimeout(() => messages.stop(), timeoutMs);
  try {
    for await (const message of messages) {
      stored.push({ seq: message.seq, msgId: message.headers?.get("Nats-Msg-Id") || undefined, body: message.string() });
      if (message.seq >= lastSeq) break;
    }
  } finally {
    clearTimeout(timer);
    messages.stop();
  }
  if (stored.at(-1)?.seq !== lastSeq) throw new Error(`read stream ${stream} only up to sequence ${stored.at(-1)?.seq ?? 0} of ${lastSeq} within ${timeoutMs / 1000}s`);
  return stored;
}

/**
 * Takes one stream's snapshot through the JetStream API (see snapshot-api) into a sink, acknowledging each
 * chunk as it arrives so the server keeps sending. The server holds the stream's retention still while it
 * sends (nothing is evicted, the config cannot change), and the snapshot covers the messages stored when the
 * request was answered: writes that arrive meanwhile are kept by the stream but are not in the snapshot.
 */
import { createInbox, NatsConnection } from "@nats-io/transport-node";
import { apiAnswer, snapshotSubject, StreamBackupMeta } from "./snapshot-api";

export interface SnapshotOptions {
  /** The inbox prefix the user reads replies under; the chunks are delivered beneath it. */
  inboxPrefix: string;
  /** Keep durable consumers' config and state in the snapshot. Default true. */
  consumers?: boolean;
  /** Have the server verify every message's checksum before it starts. Default true. */
  checkMessages?: boolean;
  /** Bytes per chunk the server sends; default the server's (128 KiB). */
  chunkSize?: number;
  /** How long the request and then each chunk may take before the snapshot is given up. Default 30 s. */
  idleTimeoutMs?: number;
}

export interface SnapshotResult extends StreamBackupMeta {
  /** Compressed bytes received. */
  bytes: number;
  chunks: number;
}

/**
 * Snapshots `stream` of the connection's account, giving every chunk to `sink` in order. Fails with the
 * server's reason when the request is refused, and when the chunks stop for longer than the idle timeout.
 */
export async function snapshotStream(nc: NatsConnection, stream: string, sink: (chunk: Uint8Array) => void, options: SnapshotOptions): Promise<SnapshotResult> {
  const idleMs = options.idleTimeoutMs ?? 30_000;
  const deliver = createInbox(options.inboxPrefix);
  let bytes = 0;
  let chunks = 0;
  let timer: NodeJS.Timeout | undefined;
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const finished = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  const fail = (error: Error) => {
    clearTimeout(timer);
    subscription.unsubscribe();
    settle!.reject(error);
  };
  const armIdleTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new Error(`snapshot of stream ${stream} stalled: no chunk for ${idleMs / 1000}s after ${chunks} chunk(s), ${bytes} bytes`)), idleMs);
  };
  const subscription = nc.subscribe(deliver, {
    callback: (error, msg) => {
      if (error) return fail(error);
      if (msg.data.length === 0) {
        clearTimeout(timer);
        subscription.unsubscribe();
        // Newer servers end a failed snapshot with a status header instead of data.
        if (msg.headers?.hasError) return settle!.reject(new Error(`snapshot of stream ${stream} ended by the server: ${msg.headers.code} ${msg.headers.description}`));
        return settle!.resolve();
      }
      try {
        sink(msg.data);
      } catch (sinkError) {
        return fail(sinkError as Error);
      }
      bytes += msg.data.length;
      chunks += 1;
      // The ack opens the server's window; the last chunk before the end has no reply subject.
      if (msg.reply) msg.respond();
      armIdleTimer();
    },
  });
  await nc.flush();
  let meta: StreamBackupMeta;
  try {
    const request = { deliver_subject: deliver, no_consumers: options.consumers === false, jsck: options.checkMessages !== false, ...(options.chunkSize ? { chunk_size: options.chunkSize } : {}) };
    const answer = await nc.request(snapshotSubject(stream), JSON.stringify(request), { timeout: idleMs });
    meta = apiAnswer<StreamBackupMeta>(`snapshot of stream ${stream}`, answer.data);
  } catch (error) {
    clearTimeout(timer);
    subscription.unsubscribe();
    throw error;
  }
  armIdleTimer();
  await finished;
  return { config: meta.config, state: meta.state, bytes, chunks };
}

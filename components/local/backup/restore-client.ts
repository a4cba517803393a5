/**
 * Restores one stream from a snapshot through the JetStream API (see snapshot-api). The server stages the
 * upload in a temporary file and builds the stream only after the last chunk, so an upload that fails or is
 * refused half-way leaves no stream behind; a stream of the same name is never replaced (the server refuses).
 */
import { NatsConnection } from "@nats-io/transport-node";
import { apiAnswer, restoreSubject, StreamBackupMeta, StreamConfigJson, StreamStateJson } from "./snapshot-api";

/** Bytes per uploaded chunk: the nats CLI's size, well under any server's max_payload. */
export const RESTORE_CHUNK_SIZE = 64 * 1024;

export interface RestoreUploadOptions {
  /** How long the server may take to acknowledge a chunk. Default 30 s. */
  chunkTimeoutMs?: number;
  /** How long the server may take to build the stream after the last chunk. Default 10 min. */
  finishTimeoutMs?: number;
}

/** The stream as the server restored it. */
export interface RestoredStream {
  config: StreamConfigJson;
  state: StreamStateJson;
}

/**
 * Uploads the snapshot `chunks` yields to restore `meta.config.name` with `meta`'s config (its replicas may
 * differ from the backup's). Fails with the server's reason; the stream exists only when this resolves.
 */
export async function restoreStream(nc: NatsConnection, meta: StreamBackupMeta, chunks: Iterable<Uint8Array>, options: RestoreUploadOptions = {}): Promise<RestoredStream> {
  const stream = meta.config.name;
  const chunkTimeout = options.chunkTimeoutMs ?? 30_000;
  const answer = await nc.request(restoreSubject(stream), JSON.stringify({ config: meta.config, state: meta.state }), { timeout: chunkTimeout });
  const { deliver_subject: upload } = apiAnswer<{ deliver_subject: string }>(`restore of stream ${stream}`, answer.data);
  let sent = 0;
  for (const chunk of chunks) {
    const ack = await nc.request(upload, chunk, { timeout: chunkTimeout });
    if (ack.data.length > 0) throw new Error(`restore of stream ${stream} refused after ${sent} bytes: ${new TextDecoder().decode(ack.data)}`);
    sent += chunk.length;
  }
  const done = await nc.request(upload, new Uint8Array(0), { timeout: options.finishTimeoutMs ?? 600_000 });
  return apiAnswer<RestoredStream>(`restore of stream ${stream}`, done.data);
}

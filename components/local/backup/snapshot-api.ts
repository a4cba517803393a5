/**
 * JetStream's stream snapshot and restore API as nats-server (2.9 and later) speaks it. No JavaScript client
 * implements it (nats.js 3.x manages streams and consumers but has no snapshot call), so this client is
 * written against the server's own request and response types, `JSApiStreamSnapshotRequest` and
 * `JSApiStreamRestoreRequest` in nats-server's jetstream_api.go:
 *
 * - snapshot: a request to `$JS.API.STREAM.SNAPSHOT.<stream>` names a deliver subject; the reply carries the
 *   stream's config and state, then the server sends the snapshot (an S2-compressed tar of the stream's store)
 *   to the deliver subject in chunks. Each chunk but the last has a reply subject under `$JS.SNAPSHOT.ACK.`
 *   that the client answers to open the server's flow-control window; an empty message ends the stream.
 * - restore: a request to `$JS.API.STREAM.RESTORE.<stream>` with the config and state answers with a subject to
 *   send the chunks to, each as a request the server acknowledges; an empty request ends the upload and is
 *   answered with the restored stream's info, or the reason it was refused.
 */

/** The stream's configuration as the JetStream API writes it (snake_case), kept as given. */
export type StreamConfigJson = Record<string, unknown> & { name: string; storage?: string; num_replicas?: number };

/** The stream's state when the snapshot was taken, as the JetStream API writes it. */
export type StreamStateJson = Record<string, unknown> & { messages?: number; bytes?: number; first_seq?: number; last_seq?: number };

/** What a snapshot request answers, and what a backup keeps in backup.json. */
export interface StreamBackupMeta {
  config: StreamConfigJson;
  state: StreamStateJson;
}

/** An error the JetStream API answered with. */
export interface ApiErrorJson {
  code: number;
  err_code?: number;
  description?: string;
}

export const snapshotSubject = (stream: string) => `$JS.API.STREAM.SNAPSHOT.${stream}`;
export const restoreSubject = (stream: string) => `$JS.API.STREAM.RESTORE.${stream}`;
/** The reply subjects of the snapshot's chunks, which a snapshotting user must be allowed to publish to. */
export const snapshotAckSubjects = (stream: string) => `$JS.SNAPSHOT.ACK.${stream}.>`;

/** A JetStream API refusal, with the server's code and description. */
export class JetStreamApiRefusal extends Error {
  constructor(
    readonly operation: string,
    readonly apiError: ApiErrorJson,
  ) {
    super(`${operation} refused by the server: ${apiError.description ?? "no description"} (code ${apiError.code}${apiError.err_code === undefined ? "" : `, error ${apiError.err_code}`})`);
  }
}

/** The JSON of an API answer; throws the API's own error when it carries one. */
export function apiAnswer<T>(operation: string, data: Uint8Array): T {
  const answer = JSON.parse(new TextDecoder().decode(data)) as T & { error?: ApiErrorJson };
  if (answer.error !== undefined) throw new JetStreamApiRefusal(operation, answer.error);
  return answer;
}

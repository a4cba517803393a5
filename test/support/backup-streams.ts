/** Reading a stream whole, message by message, to compare a restored stream with the one backed up. */
import { NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";

/** One stored message as every field a restore must keep: subject, headers, data, sequence and timestamp. */
export interface StoredRecord {
  seq: number;
  subject: string;
  headers: [string, string[]][];
  data: string;
  timestamp: string;
}

/** Every message of the stream from its first to its last sequence, deleted ones left out. */
export async function readStream(nc: NatsConnection, stream: string): Promise<StoredRecord[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(stream);
  const records: StoredRecord[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq }).catch((error: Error) => {
      if (/no message found/i.test(error.message)) return null;
      throw error;
    });
    if (msg === null) continue;
    const headers: [string, string[]][] = msg.header ? [...msg.header.keys()].sort().map((key) => [key, msg.header.values(key)]) : [];
    records.push({ seq: msg.seq, subject: msg.subject, headers, data: Buffer.from(msg.data).toString("base64"), timestamp: msg.timestamp });
  }
  return records;
}
